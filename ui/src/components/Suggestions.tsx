// What Dossier would file a document as, learned from what was filed before: a type, tags
// and the person it mentions. Accepted all at once with one key (Y), or one by one.

import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { FilingSuggestions } from "../bindings";
import { ErrorNote } from "./ErrorNote";

/** What to accept of a suggestion. */
type Accept = { docType: string | null; tags: string[]; person: string | null };

const percent = (confidence: number | null) => `${Math.round((confidence ?? 0) * 100)}% sure`;

function everything(s: FilingSuggestions): Accept {
  return { docType: s.doc_type?.label ?? null, tags: s.tags.map((t) => t.label), person: s.person?.person.id ?? null };
}

function isEmpty(s: FilingSuggestions | undefined): boolean {
  return !s || (s.doc_type === null && s.tags.length === 0 && s.person === null);
}

export function Suggestions({ id }: { id: string }) {
  const client = useQueryClient();
  const guess = useQuery({ queryKey: ["library", "suggest", id], queryFn: () => commands.suggestFiling(id) });
  const accept = useMutation({
    mutationFn: async ({ docType, tags, person }: Accept) => {
      if (docType !== null || tags.length > 0) {
        await commands.editMetadata(id, {
          title: null,
          doc_type: docType,
          subject_id: null,
          subject_name: null,
          add_tags: tags,
          remove_tags: [],
          fields: {},
        });
      }
      if (person !== null) await commands.setPerson([id], person);
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  const s = guess.data;
  useEffect(() => {
    if (!s || isEmpty(s)) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
      if (typing || e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== "y") return;
      e.preventDefault();
      accept.mutate(everything(s));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [s, accept]);
  if (!s || isEmpty(s)) return null;
  const none: Accept = { docType: null, tags: [], person: null };
  return (
    <div className="note small suggestion" data-testid="suggestion" data-type={s.doc_type?.label ?? ""} role="group" aria-label="Suggestions">
      <span>Suggested from what was filed before:</span>
      {s.doc_type && (
        <button
          className="chip"
          onClick={() => accept.mutate({ ...none, docType: s.doc_type!.label })}
          disabled={accept.isPending}
          title={`Set the type (${percent(s.doc_type.confidence)})`}
          data-testid="suggestion-type"
        >
          Type: <strong>{s.doc_type.label}</strong> <span className="muted">{percent(s.doc_type.confidence)}</span>
        </button>
      )}
      {s.tags.map((t) => (
        <button
          key={t.label}
          className="chip"
          onClick={() => accept.mutate({ ...none, tags: [t.label] })}
          disabled={accept.isPending}
          title={`Add the tag (${Math.round((t.confidence ?? 0) * 100)}% of similar documents have it)`}
          data-testid="suggestion-tag"
          data-tag={t.label}
        >
          + <strong>{t.label}</strong>
        </button>
      ))}
      {s.person && (
        <button
          className="chip"
          onClick={() => accept.mutate({ ...none, person: s.person!.person.id })}
          disabled={accept.isPending}
          title={`File under this person: the document has their ${s.person.by_number ? "number" : "name"} (${s.person.clue})`}
          data-testid="suggestion-person"
          data-person={s.person.person.number}
        >
          Person: <strong>{s.person.person.name}</strong> ({s.person.person.number}){" "}
          <span className="muted">{s.person.by_number ? "number" : "name"} in the document</span>
        </button>
      )}
      <button onClick={() => accept.mutate(everything(s))} disabled={accept.isPending} data-testid="suggestion-accept">
        Accept all <kbd>Y</kbd>
      </button>
      {accept.isError && <ErrorNote {...describe(accept.error)} />}
    </div>
  );
}

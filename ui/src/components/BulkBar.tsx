// Actions on several selected documents: add or remove a tag, set type, a field or the
// person, export, trash; in the trash, restore or delete for good.

import { useState } from "react";
import { commands, describe } from "../api";
import { ErrorNote } from "./ErrorNote";
import { ConfirmButton } from "./Confirm";
import { exportTo } from "../lib/actions";
import { gate, useAccess } from "../lib/access";

export function BulkBar({ ids, trashed, onDone }: { ids: string[]; trashed: boolean; onDone: () => void }) {
  const [tag, setTag] = useState("");
  const [type, setType] = useState("");
  const [person, setPerson] = useState("");
  const [field, setField] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const access = useAccess();
  const edits = gate(access?.edit);
  const disposes = gate(access?.dispose);
  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      onDone();
    } catch (e) {
      setError(describe(e));
    }
  };
  const edit = (change: { add_tags?: string[]; remove_tags?: string[]; doc_type?: string; fields?: Record<string, string> }) =>
    run(async () => {
      for (const id of ids) {
        await commands.editMetadata(id, {
          title: null,
          doc_type: change.doc_type ?? null,
          subject_id: null,
          subject_name: null,
          add_tags: change.add_tags ?? [],
          remove_tags: change.remove_tags ?? [],
          fields: change.fields ?? {},
        });
      }
    });
  return (
    <div className="bulk" data-testid="bulk">
      <strong>{ids.length} selected</strong>
      {!trashed && (
        <>
          <input placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
          <button disabled={!tag.trim()} {...edits} onClick={() => void edit({ add_tags: [tag.trim()] })}>
            Add tag
          </button>
          <button disabled={!tag.trim()} {...edits} onClick={() => void edit({ remove_tags: [tag.trim()] })} data-testid="bulk-untag">
            Remove tag
          </button>
          <input placeholder="Type" value={type} onChange={(e) => setType(e.target.value)} />
          <button disabled={!type.trim()} {...edits} onClick={() => void edit({ doc_type: type.trim() })}>
            Set type
          </button>
          <input placeholder="Field" aria-label="Field name" value={field} onChange={(e) => setField(e.target.value)} style={{ width: 90 }} />
          <input
            placeholder="Value (empty removes it)"
            aria-label="Field value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            style={{ width: 150 }}
          />
          <button disabled={!field.trim()} {...edits} onClick={() => void edit({ fields: { [field.trim()]: value.trim() } })}>
            Set field
          </button>
          <input
            placeholder="Person: number or name"
            aria-label="Person these documents are about: number or name"
            value={person}
            onChange={(e) => setPerson(e.target.value)}
            data-testid="bulk-person"
          />
          <button disabled={!person.trim()} {...edits} onClick={() => void run(() => commands.setPerson(ids, person.trim()))} data-testid="bulk-person-set">
            Set person
          </button>
          <button
            onClick={() =>
              void exportTo(ids).then(
                (m) => m && setNote(m),
                (e) => setError(describe(e)),
              )
            }
          >
            Export…
          </button>
          <button className="danger" {...edits} onClick={() => void run(() => commands.trash(ids))}>
            Move to trash
          </button>
        </>
      )}
      {trashed && (
        <>
          <button {...edits} onClick={() => void run(() => commands.untrash(ids))}>Restore from trash</button>
          <ConfirmButton
            label="Delete for good"
            question={`Delete these ${ids.length} documents and all their versions for good?`}
            confirm="Delete for good"
            onConfirm={() => void run(() => commands.deleteForGood(ids))}
            {...disposes}
          />
        </>
      )}
      {note && <span className="small">{note}</span>}
      {error && <ErrorNote {...error} />}
    </div>
  );
}

// One person's dossier: their record, the checklist of what their programme requires,
// their documents by type, and a timeline. Documents open in the document pane.

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { PersonDossier, TimelineEvent } from "../bindings";
import { Disclosures } from "../components/Disclosures";
import { ErrorNote } from "../components/ErrorNote";
import { PersonForm } from "../components/PersonForm";
import { formatDate } from "../lib/format";

export function Person({
  id,
  onBack,
  onOpenDocument,
  onOpenPerson,
}: {
  id: string;
  onBack: () => void;
  onOpenDocument: (id: string) => void;
  onOpenPerson: (id: string) => void;
}) {
  const dossier = useQuery({ queryKey: ["library", "person", id], queryFn: () => commands.person(id) });
  const [editing, setEditing] = useState(false);
  if (dossier.isPending) return <div className="muted pad">Loading…</div>;
  if (dossier.isError) return <ErrorNote {...describe(dossier.error)} />;
  const d = dossier.data;
  const p = d.person;
  return (
    <div className="screen" data-testid="person" data-person={p.id}>
      <header className="screen-head">
        <button onClick={onBack} title="Back to People (Esc)">
          ← People
        </button>
        <div className="grow">
          <h2 data-testid="person-name">{p.name}</h2>
          <div className="muted small">
            {p.kind === "staff" ? "Staff" : "Student"} {p.number}
            {p.programme && ` · ${p.programme}`}
            {p.status && ` · ${p.status.replace("_", " ")}`}
            {p.other_names.length > 0 && ` · also ${p.other_names.join(", ")}`}
          </div>
          {p.directory_opt_out && (
            <div className="small" data-testid="directory-opt-out">
              Opted out of directory information ({p.directory_opt_out}): it is never disclosed as directory
              information.
            </div>
          )}
        </div>
        <ExportRecord id={p.id} />
        <button onClick={() => setEditing((e) => !e)} aria-expanded={editing} data-testid="person-edit">
          Edit
        </button>
      </header>
      <div className="scroller pad">
        {p.shown_as && (
          <div className="note">
            This record is a duplicate: its documents show under{" "}
            <button className="link" onClick={() => onOpenPerson(p.shown_as!)}>
              the person it was merged into
            </button>
            . <Unmerge id={p.id} />
          </div>
        )}
        {editing && (
          <div className="panel">
            <PersonForm
              person={p}
              submit="Save"
              onSubmit={async (values) => {
                await commands.editPerson(p.id, values);
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
            <Merge id={p.id} />
          </div>
        )}
        <Checklist dossier={d} onOpenDocument={onOpenDocument} />
        <section data-testid="person-documents">
          <h3>Documents</h3>
          {d.groups.length === 0 && <p className="muted">No documents are filed under this person yet.</p>}
          {d.groups.map((g) => (
            <div key={g.doc_type ?? ""} className="group">
              <h4>
                {g.doc_type ?? "Without a type"} <span className="muted small">{g.documents.length}</span>
              </h4>
              <ul className="plain">
                {g.documents.map((doc) => (
                  <li key={doc.id}>
                    <button className="link" onClick={() => onOpenDocument(doc.id)}>
                      {doc.title}
                    </button>{" "}
                    <span className="muted small">filed {formatDate(doc.created)}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
        {p.kind === "student" && <Disclosures dossier={d} />}
        <section data-testid="person-timeline">
          <h3>Timeline</h3>
          <ol className="timeline">
            {d.timeline.map((t, i) => (
              <li key={i}>
                <span className="muted small">{t.date}</span> <TimelineWords event={t.event} onOpen={onOpenDocument} />
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}

function Checklist({ dossier, onOpenDocument }: { dossier: PersonDossier; onOpenDocument: (id: string) => void }) {
  if (dossier.requirements_of === null)
    return (
      <p className="muted small">
        No documents are required of this person's programme (set them under People → Required documents).
      </p>
    );
  const missing = dossier.checklist.filter((c) => c.documents.length === 0).length;
  return (
    <section data-testid="checklist" data-missing={missing}>
      <h3>
        Required documents{" "}
        <span className="muted small">
          ({dossier.requirements_of === "*" ? "every programme" : dossier.requirements_of}) ·{" "}
          {missing === 0 ? "all on file" : `${missing} missing`}
        </span>
      </h3>
      <ul className="plain checklist">
        {dossier.checklist.map((c) => (
          <li
            key={c.doc_type}
            className={c.documents.length === 0 ? "missing" : "present"}
            data-testid="checklist-item"
            data-type={c.doc_type}
            data-state={c.documents.length === 0 ? "missing" : "present"}
          >
            <span aria-hidden="true">{c.documents.length === 0 ? "✗" : "✓"}</span> {c.doc_type}
            {c.documents.length === 0 ? (
              <span className="small"> — missing</span>
            ) : (
              <button className="link small gap" onClick={() => onOpenDocument(c.documents[0])}>
                open
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TimelineWords({ event, onOpen }: { event: TimelineEvent; onOpen: (id: string) => void }) {
  switch (event.kind) {
    case "born":
      return <>Born</>;
    case "enrolled":
      return <>Enrolled</>;
    case "left":
      return <>Graduated or left</>;
    case "filed":
      return (
        <>
          Filed{" "}
          <button className="link" onClick={() => onOpen(event.doc)}>
            {event.title}
          </button>
        </>
      );
  }
}

/** Mark this record as a duplicate of another person. */
function Merge({ id }: { id: string }) {
  const [into, setInto] = useState("");
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const [done, setDone] = useState(false);
  const merge = async () => {
    setError(null);
    try {
      await commands.mergePeople(id, into.trim());
      setDone(true);
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <div className="line">
      <span className="small">Same person as</span>
      <input
        aria-label="The person this record duplicates: number or name"
        placeholder="number or name"
        value={into}
        onChange={(e) => setInto(e.target.value)}
      />
      <button disabled={!into.trim()} onClick={() => void merge()}>
        Merge into them
      </button>
      {done && <span className="small">Merged.</span>}
      {error && <ErrorNote {...error} />}
    </div>
  );
}

function Unmerge({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button className="link" onClick={() => void commands.unmergePerson(id).catch((e) => setError(describe(e).message))}>
        Undo the merge
      </button>
      {error && <span className="small"> {error}</span>}
    </>
  );
}

/** Export the person's whole record as a ZIP into a folder the user picks. */
function ExportRecord({ id }: { id: string }) {
  const [note, setNote] = useState<string | null>(null);
  const run = async () => {
    setNote(null);
    try {
      const folder = await commands.pick("folder", "Export the record into which folder?");
      if (folder === null) return;
      setNote(`Written: ${await commands.exportPerson(id, folder)}`);
    } catch (e) {
      setNote(describe(e).message);
    }
  };
  return (
    <>
      {note && <span className="small" role="status">{note}</span>}
      <button onClick={() => void run()} title="Every document and version, with a manifest, as one ZIP">
        Export record…
      </button>
    </>
  );
}

// The People screen: find a person by name or number, add one, import the school's
// roster, and say which documents each programme requires.

import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { PersonEdit, RosterOutcome } from "../bindings";
import { ErrorNote } from "../components/ErrorNote";
import { PersonForm } from "../components/PersonForm";
import { usePassWhenIdle } from "../lib/latest";
import { gate, useAccess } from "../lib/access";

export function People({ onOpen }: { onOpen: (id: string) => void }) {
  const access = useAccess();
  const [typed, setTyped] = useState("");
  const [text, setText] = useState("");
  const people = useQuery({
    queryKey: ["library", "people", text],
    queryFn: () => commands.people(text),
    placeholderData: (previous) => previous,
  });
  usePassWhenIdle(typed.trim(), people.isFetching, setText);
  const [adding, setAdding] = useState(false);
  return (
    <div className="screen" data-testid="people">
      <header className="screen-head">
        <h2>People</h2>
        <input
          type="search"
          className="grow"
          placeholder="Find a person by name or number"
          aria-label="Find a person"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          data-testid="people-search"
        />
        <button onClick={() => setAdding((a) => !a)} aria-expanded={adding} {...gate(access?.edit)} data-testid="person-add">
          Add person
        </button>
      </header>
      {adding && (
        <div className="panel">
          <PersonForm
            submit="Add"
            onSubmit={async (values: PersonEdit) => {
              const id = await commands.addPerson(values);
              setAdding(false);
              onOpen(id);
            }}
            onCancel={() => setAdding(false)}
          />
        </div>
      )}
      <div className="scroller">
        {people.isError && <ErrorNote {...describe(people.error)} />}
        {people.data && people.data.people.length === 0 && (
          <div className="empty">
            {text ? `No one matches “${text}”.` : "No people yet: add a person, or import the school's roster below."}
          </div>
        )}
        {people.data && people.data.people.length > 0 && (
          <div className="people-table" role="list" data-testid="people-list">
            <div className="person-row head" aria-hidden="true">
              <span>Number</span>
              <span>Name</span>
              <span>Programme</span>
              <span>Status</span>
              <span className="num">Documents</span>
            </div>
            {people.data.people.map((p) => (
              <button
                key={p.id}
                role="listitem"
                className="person-row"
                onClick={() => onOpen(p.id)}
                data-testid="person-row"
                data-number={p.number}
                data-documents={p.documents}
              >
                <span>{p.number}</span>
                <span className="person-name">
                  {p.name}
                  {p.kind === "staff" && <span className="badge">staff</span>}
                </span>
                <span>{p.programme ?? ""}</span>
                <span>{p.status?.replace("_", " ") ?? ""}</span>
                <span className="num">{p.documents}</span>
              </button>
            ))}
          </div>
        )}
        {people.data?.more && <p className="muted small pad">More people match: type more of a name or number.</p>}
        <RosterImport />
        <RequirementsEditor />
      </div>
    </div>
  );
}

/** Import a roster: pick the file, see what it would do (or every bad line), then import. */
function RosterImport() {
  const access = useAccess();
  const [file, setFile] = useState<string | null>(null);
  const [kind, setKind] = useState("student");
  const [trial, setTrial] = useState<RosterOutcome | null>(null);
  const [done, setDone] = useState<RosterOutcome | null>(null);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const run = async (path: string, isTrial: boolean) => {
    setError(null);
    try {
      const out = await commands.importRoster(path, kind, isTrial);
      if (isTrial) setTrial(out);
      else {
        setDone(out);
        setTrial(null);
      }
    } catch (e) {
      setError(describe(e));
    }
  };
  const choose = async () => {
    setDone(null);
    setTrial(null);
    const path = await commands.pick("file", "Import which roster (CSV)?");
    if (path === null) return;
    setFile(path);
    await run(path, true);
  };
  return (
    <section className="panel" data-testid="roster">
      <h3>Roster</h3>
      <p className="small muted">
        A CSV export of the student information system: one person per line, with at least their number and name.
        Importing it again updates the people it lists; nothing else changes.
      </p>
      <div className="line">
        <label className="inline">
          People in it are
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="student">students</option>
            <option value="staff">staff</option>
          </select>
        </label>
        <button onClick={() => void choose()} {...gate(access?.edit)} data-testid="roster-pick">
          Import roster…
        </button>
      </div>
      {trial?.outcome === "done" && file && (
        <div className="note" data-testid="roster-trial">
          {trial.people} people in the file: {trial.added} new, {trial.updated} changed, {trial.unchanged} as they are.
          {trial.ignored_columns.length > 0 && ` Columns not used: ${trial.ignored_columns.join(", ")}.`}{" "}
          <button className="primary" onClick={() => void run(file, false)} data-testid="roster-import">
            Import
          </button>{" "}
          <button onClick={() => setTrial(null)}>Cancel</button>
        </div>
      )}
      {(trial ?? done)?.outcome === "rejected" && <RosterProblems outcome={(trial ?? done)!} />}
      {done?.outcome === "done" && (
        <div className="note" data-testid="roster-done">
          Imported: {done.added} people added, {done.updated} changed.
        </div>
      )}
      {error && <ErrorNote {...error} />}
    </section>
  );
}

function RosterProblems({ outcome }: { outcome: RosterOutcome }) {
  if (outcome.outcome !== "rejected") return null;
  return (
    <div className="error" role="alert" data-testid="roster-problems">
      This file cannot be imported; nothing was changed. Correct these lines and import it again:
      <ul>
        {outcome.problems.slice(0, 50).map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      {outcome.problems.length > 50 && <div>…and {outcome.problems.length - 50} more.</div>}
    </div>
  );
}

/** Which document types each programme requires (the checklist on each person). */
function RequirementsEditor() {
  const client = useQueryClient();
  const access = useAccess();
  const lists = useQuery({ queryKey: ["library", "requirements"], queryFn: () => commands.requirements() });
  const [programme, setProgramme] = useState("*");
  const [types, setTypes] = useState("");
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const save = async () => {
    setError(null);
    try {
      const list = types.split(",").map((t) => t.trim()).filter(Boolean);
      await commands.setRequirements({ programme: programme.trim(), types: list });
      await client.invalidateQueries({ queryKey: ["library"] });
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <section className="panel" data-testid="requirements">
      <h3>Required documents</h3>
      <p className="small muted">
        The document types each programme's students must have on file; <code>*</code> is the list for every programme
        without its own.
      </p>
      <ul className="plain">
        {lists.data?.map((r) => (
          <li key={r.programme}>
            <button
              className="link"
              onClick={() => {
                setProgramme(r.programme);
                setTypes(r.types.join(", "));
              }}
            >
              {r.programme === "*" ? "Every programme" : r.programme}
            </button>
            : {r.types.join(", ")}
          </li>
        ))}
      </ul>
      <div className="line">
        <input
          aria-label="Programme"
          placeholder="Programme (* for all)"
          value={programme}
          onChange={(e) => setProgramme(e.target.value)}
          style={{ maxWidth: 180 }}
        />
        <input
          aria-label="Required document types, separated by commas"
          placeholder="Transcript, Birth certificate, ID photo"
          value={types}
          onChange={(e) => setTypes(e.target.value)}
          data-testid="requirements-types"
        />
        <button onClick={() => void save()} {...gate(access?.edit)} data-testid="requirements-save">
          Save
        </button>
      </div>
      {error && <ErrorNote {...error} />}
    </section>
  );
}

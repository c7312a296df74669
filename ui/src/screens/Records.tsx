// Records management (issue 22), for the records officer: requests about students'
// records by due date (an open inspection request holds the student's records), the
// record series and their retention rules, the disposition queue with destruction and
// its certificates, and the access log.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { Ability, Relation, RequestKind, RetentionEvent, RetentionRule } from "../bindings";
import { ReportButtons } from "../components/Disclosures";
import { Destructions, Queue } from "../components/Disposition";
import { ErasureCode } from "../components/ErasureCode";
import { ErrorNote } from "../components/ErrorNote";
import { gate, useAccess } from "../lib/access";
import { formatDate } from "../lib/format";

export function Records({ onOpenDocument }: { onOpenDocument: (id: string) => void }) {
  const access = useAccess();
  if (!access) return <p className="muted">Loading…</p>;
  return (
    <section className="records" data-testid="records">
      <h1>Records</h1>
      <Requests edit={access.edit} />
      <Series dispose={access.dispose} />
      {(access.dispose.allowed || access.audit.allowed) && (
        <>
          <Queue dispose={access.dispose} onOpenDocument={onOpenDocument} />
          <ReportButtons report={{ report: "retention" }} label="Retention and disposition report" />
          <Destructions />
          <ErasureCode dispose={access.dispose} />
        </>
      )}
      {access.audit.allowed && (
        <>
          <AccessLog />
          <ReportButtons report={{ report: "access" }} label="Access report" />
        </>
      )}
    </section>
  );
}

function Requests({ edit }: { edit: Ability }) {
  const client = useQueryClient();
  const [all, setAll] = useState(false);
  const list = useQuery({ queryKey: ["library", "requests", all], queryFn: () => commands.recordRequests(all) });
  const fulfil = useMutation({
    mutationFn: (id: string) => commands.fulfilRequest(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  return (
    <>
      <h2>Requests to inspect or amend records</h2>
      <p className="muted small">
        A request must be answered within 45 days. While an inspection request is open, the student's records are
        held: none is destroyed.
      </p>
      <label className="small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Show answered requests too
      </label>
      {list.isError && <ErrorNote {...describe(list.error)} />}
      {list.data && list.data.length === 0 && <p className="muted">No open requests.</p>}
      {list.data && list.data.length > 0 && (
        <table data-testid="requests">
          <thead>
            <tr>
              <th>Due</th>
              <th>Student</th>
              <th>Request</th>
              <th>By</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((r) => (
              <tr key={r.id} data-testid="request">
                <td className={r.overdue ? "danger" : undefined}>
                  {r.due}
                  {r.overdue && " (overdue)"}
                </td>
                <td>{r.student}</td>
                <td>{r.kind === "inspection" ? "Inspect" : `Amend: ${r.asked ?? ""}`}</td>
                <td>
                  {r.requester} ({r.relation})
                </td>
                <td>{r.state.state}</td>
                <td>
                  {r.state.state === "open" && r.kind === "inspection" && (
                    <button
                      onClick={() => fulfil.mutate(r.id)}
                      disabled={fulfil.isPending}
                      {...gate(edit)}
                      data-testid="fulfil-request"
                    >
                      Fulfilled
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {fulfil.isError && <ErrorNote {...describe(fulfil.error)} />}
      <LogRequest edit={edit} />
    </>
  );
}

function LogRequest({ edit }: { edit: Ability }) {
  const client = useQueryClient();
  const [student, setStudent] = useState("");
  const [by, setBy] = useState("");
  const [relation, setRelation] = useState<Relation>("parent");
  const [kind, setKind] = useState<RequestKind>("inspection");
  const [asked, setAsked] = useState("");
  const log = useMutation({
    mutationFn: () =>
      commands.logRequest({
        student,
        kind,
        requester: by,
        relation,
        note: null,
        asked: kind === "amendment" ? asked : null,
      }),
    onSuccess: () => {
      setStudent("");
      setBy("");
      setAsked("");
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        log.mutate();
      }}
    >
      <input placeholder="Student number or name" aria-label="Student number or name" value={student} onChange={(e) => setStudent(e.target.value)} data-testid="request-student" />
      <select value={kind} onChange={(e) => setKind(e.target.value as RequestKind)} aria-label="Kind of request">
        <option value="inspection">to inspect the records</option>
        <option value="amendment">to amend them</option>
      </select>
      {kind === "amendment" && (
        <input placeholder="What to change" aria-label="What to change" value={asked} onChange={(e) => setAsked(e.target.value)} />
      )}
      <input placeholder="Asked by" aria-label="Asked by" value={by} onChange={(e) => setBy(e.target.value)} data-testid="request-by" />
      <select value={relation} onChange={(e) => setRelation(e.target.value as Relation)} aria-label="Who they are">
        <option value="parent">a parent</option>
        <option value="student">the student</option>
        <option value="other">someone else</option>
      </select>
      <button type="submit" disabled={!student.trim() || !by.trim() || log.isPending} {...gate(edit)} data-testid="log-request">
        Log the request
      </button>
      {log.isError && <ErrorNote {...describe(log.error)} />}
    </form>
  );
}

const EVENTS: [RetentionEvent, string][] = [
  ["left", "the person left (graduation, leaving, last attendance)"],
  ["enrolled", "the person enrolled"],
  ["created", "the document was added"],
];

function Series({ dispose }: { dispose: Ability }) {
  const client = useQueryClient();
  const list = useQuery({ queryKey: ["library", "series"], queryFn: () => commands.recordSeries() });
  const [docType, setDocType] = useState("");
  const [name, setName] = useState("");
  const [years, setYears] = useState("5");
  const [after, setAfter] = useState<RetentionEvent>("left");
  const [permanent, setPermanent] = useState(false);
  const save = useMutation({
    mutationFn: () => {
      const rule: RetentionRule = permanent
        ? { keep: "permanently" }
        : { keep: "years", years: Number(years), after };
      return commands.setSeries(docType, { name, rule });
    },
    onSuccess: () => {
      setDocType("");
      setName("");
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const remove = useMutation({
    mutationFn: (t: string) => commands.setSeries(t, null),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  return (
    <>
      <h2>Record series and how long they are kept</h2>
      {list.data && list.data.length === 0 && <p className="muted">No document type is in a series yet.</p>}
      {list.data && list.data.length > 0 && (
        <table data-testid="series">
          <thead>
            <tr>
              <th>Document type</th>
              <th>Series</th>
              <th>Kept</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.doc_type} data-testid="series-row">
                <td>{s.doc_type}</td>
                <td>{s.series.name}</td>
                <td>{s.rule}</td>
                <td>
                  <button onClick={() => remove.mutate(s.doc_type)} {...gate(dispose)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <input placeholder="Document type" aria-label="Document type" value={docType} onChange={(e) => setDocType(e.target.value)} data-testid="series-type" />
        <input placeholder="Series name" aria-label="Series name" value={name} onChange={(e) => setName(e.target.value)} data-testid="series-name" />
        <label>
          <input type="checkbox" checked={permanent} onChange={(e) => setPermanent(e.target.checked)} /> permanently
        </label>
        {!permanent && (
          <>
            <input
              type="number"
              min={1}
              max={200}
              value={years}
              onChange={(e) => setYears(e.target.value)}
              aria-label="Years"
              data-testid="series-years"
            />
            <span>years after</span>
            <select
              value={after}
              onChange={(e) => setAfter(e.target.value as RetentionEvent)}
              aria-label="After"
              data-testid="series-after"
            >
              {EVENTS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="submit" disabled={!docType.trim() || !name.trim() || save.isPending} {...gate(dispose)} data-testid="series-save">
          Set the schedule
        </button>
      </form>
      {(save.error ?? remove.error) && <ErrorNote {...describe(save.error ?? remove.error)} />}
    </>
  );
}

function AccessLog() {
  const log = useQuery({ queryKey: ["library", "access-log"], queryFn: () => commands.accessLog(null) });
  const recent = [...(log.data ?? [])].reverse().slice(0, 200);
  return (
    <>
      <h2>Access log</h2>
      <p className="muted small">Who viewed (once per sitting), printed or exported which record, newest first.</p>
      {log.isError && <ErrorNote {...describe(log.error)} />}
      {recent.length > 0 && (
        <table data-testid="access-log">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Document</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((e, i) => (
              <tr key={i}>
                <td>{formatDate(e.time, true)}</td>
                <td>{e.user}</td>
                <td>
                  {e.action}
                  {e.detail ? ` (${e.detail})` : ""}
                </td>
                <td>{e.title ?? "(no longer here)"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

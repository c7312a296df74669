// The disposition queue and destruction (issue 22): what is due, a batch of it approved
// and destroyed for good, and each destruction's certificate (signed by its approver),
// opened here and saved as PDF or JSON.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { Ability, DestroyedBatch, Disposition } from "../bindings";
import { ConfirmButton } from "./Confirm";
import { ReportButtons } from "./Disclosures";
import { ErrorNote } from "./ErrorNote";
import { gate } from "../lib/access";
import { formatDate } from "../lib/format";

const STATES: Record<Disposition["state"], string> = {
  due: "Due",
  held: "Held",
  kept: "Kept",
  waiting: "Waiting",
  permanent: "Permanent",
};

export function Queue({ dispose, onOpenDocument }: { dispose: Ability; onOpenDocument: (id: string) => void }) {
  const client = useQueryClient();
  const [all, setAll] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [done, setDone] = useState<DestroyedBatch | null>(null);
  const queue = useQuery({ queryKey: ["library", "disposition"], queryFn: () => commands.dispositionQueue() });
  const shown = (queue.data ?? []).filter((d) => all || d.state === "due" || d.state === "held");
  const due = shown.filter((d) => d.state === "due").map((d) => d.doc);
  const destroy = useMutation({
    mutationFn: (ids: string[]) => commands.destroyRecords(ids),
    onSuccess: (batch) => {
      setDone(batch);
      setChosen([]);
      void client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return (
    <>
      <h2>Disposition</h2>
      <label className="small">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} data-testid="disposition-all" />{" "}
        Show every document in a series
      </label>
      {queue.isError && <ErrorNote {...describe(queue.error)} />}
      {queue.data && shown.length === 0 && <p className="muted">Nothing is due for destruction.</p>}
      {shown.length > 0 && (
        <table data-testid="disposition">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Choose every due document"
                  checked={due.length > 0 && due.every((d) => chosen.includes(d))}
                  onChange={(e) => setChosen(e.target.checked ? due : [])}
                  disabled={due.length === 0 || !dispose.allowed}
                />
              </th>
              <th>State</th>
              <th>From</th>
              <th>Document</th>
              <th>Series</th>
              <th>Person</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((d) => (
              <tr key={d.doc} data-testid="disposition-row" data-state={d.state}>
                <td>
                  {d.state === "due" && (
                    <input
                      type="checkbox"
                      aria-label={`Destroy ${d.title}`}
                      checked={chosen.includes(d.doc)}
                      onChange={() => toggle(d.doc)}
                      data-testid="disposition-choose"
                      {...gate(dispose)}
                    />
                  )}
                </td>
                <td title={d.held_by.join(", ") || undefined}>{STATES[d.state]}</td>
                <td>{d.due ?? "—"}</td>
                <td>
                  <button className="link" onClick={() => onOpenDocument(d.doc)}>
                    {d.title}
                  </button>
                </td>
                <td>{d.series}</td>
                <td>{d.person ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {due.length > 0 && (
        <p>
          <ConfirmButton
            label={`Destroy ${chosen.length} document${chosen.length === 1 ? "" : "s"}…`}
            question={`Destroy ${chosen.length} document${chosen.length === 1 ? "" : "s"} for good, on every desktop and on the remote? This cannot be undone; a certificate records it.`}
            confirm="Destroy for good"
            onConfirm={() => destroy.mutate(chosen)}
            testId="disposition-destroy"
            disabled={chosen.length === 0 || destroy.isPending || !dispose.allowed}
            title={dispose.reason ?? undefined}
          />
        </p>
      )}
      {destroy.error && <ErrorNote {...describe(destroy.error)} />}
      {done && (
        <p role="status" data-testid="destroyed">
          Destroyed {done.destroyed} document{done.destroyed === 1 ? "" : "s"} (batch {done.batch.slice(0, 8)}).
          {done.held.length > 0 && ` Kept by a hold: ${done.held.join("; ")}.`}
        </p>
      )}
    </>
  );
}

export function Destructions() {
  const list = useQuery({ queryKey: ["library", "destructions"], queryFn: () => commands.destructions() });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <h2>Destroyed records</h2>
      {list.isError && <ErrorNote {...describe(list.error)} />}
      {list.data && list.data.length === 0 && <p className="muted">No records have been destroyed.</p>}
      {list.data && list.data.length > 0 && (
        <ul className="plain" data-testid="destructions">
          {list.data.map((e) => (
            <li key={e.destruction.batch}>
              <button className="link" onClick={() => setOpen(e.destruction.batch)} data-testid="destruction-open">
                {formatDate(e.destruction.approved_at, true)}: {e.destruction.records.length} record
                {e.destruction.records.length === 1 ? "" : "s"} by {e.destruction.approver}
              </button>{" "}
              {e.remote_confirmed && <span className="muted small">remote confirmed clear</span>}
            </li>
          ))}
        </ul>
      )}
      {open && <Certificate batch={open} onClose={() => setOpen(null)} />}
      <ReportButtons report={{ report: "destruction" }} label="Destruction report" />
    </>
  );
}

function Certificate({ batch, onClose }: { batch: string; onClose: () => void }) {
  const cert = useQuery({
    queryKey: ["library", "certificate", batch],
    queryFn: () => commands.destructionCertificate(batch),
  });
  const [note, setNote] = useState<string | null>(null);
  const saveJson = async () => {
    setNote(null);
    try {
      const folder = await commands.pick("folder", "Save the signed certificate into which folder?");
      if (folder === null) return;
      setNote(`Written: ${await commands.writeCertificate(batch, folder)}`);
    } catch (e) {
      setNote(describe(e).message);
    }
  };
  if (cert.isError) return <ErrorNote {...describe(cert.error)} />;
  if (!cert.data) return <p className="muted">Opening the certificate…</p>;
  const c = cert.data;
  const d = c.destruction;
  return (
    <section className="certificate" data-testid="certificate" aria-label="Certificate of records destruction">
      <h3>Certificate of records destruction</h3>
      <p data-testid="certificate-signed">
        Approved {formatDate(d.approved_at, true)} by {d.approver};{" "}
        {c.approver ? `signed by ${c.approver} (signature verified)` : "not signed (this library has no people to sign)"}.
      </p>
      <p>
        {d.records.length} record{d.records.length === 1 ? "" : "s"} destroyed; {d.held} kept by a legal hold or an open
        inspection request.
      </p>
      <p data-testid="certificate-remote">
        {c.remote_confirmed
          ? "The remote was checked: no storage pack holding these records is left on it."
          : c.has_remote
            ? "The remote has not been checked yet: a records officer's next sync checks it."
            : "This library is kept on this desktop only: there is no remote to check."}
      </p>
      <table>
        <thead>
          <tr>
            <th>Record (hash of its id)</th>
            <th>Series</th>
            <th>Type</th>
            <th>Due</th>
            <th>Versions</th>
          </tr>
        </thead>
        <tbody>
          {d.records.map((r) => (
            <tr key={r.id}>
              <td className="mono">{r.id.slice(0, 16)}…</td>
              <td>{r.series}</td>
              <td>{r.doc_type}</td>
              <td>{r.due}</td>
              <td>{r.versions}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ReportButtons report={{ report: "certificate", batch }} label="Certificate" />
      <p className="small">
        <button className="link" onClick={() => void saveJson()}>
          Signed JSON…
        </button>
        {note && <span role="status"> {note}</span>}
      </p>
      <button onClick={onClose}>Close</button>
    </section>
  );
}

// A student's disclosures (34 CFR 99.32) on their dossier: the list the student may
// inspect, the report as PDF or CSV, and the form that discloses records: to whom, their
// interest, the legal basis, which documents, and who they may pass them to; written as a
// ZIP for the party (encrypted, with a password shown once) or recorded as made another
// way.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { Basis, DisclosureMade, DisclosureWay, Exception, PersonDossier, ReportChoice } from "../bindings";
import { ErrorNote } from "./ErrorNote";

export function Disclosures({ dossier }: { dossier: PersonDossier }) {
  const student = dossier.person.id;
  const [open, setOpen] = useState(false);
  const list = useQuery({
    queryKey: ["library", "disclosures", student],
    queryFn: () => commands.disclosures(student),
  });
  return (
    <section data-testid="disclosures">
      <h3>
        Disclosures{" "}
        <button onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="disclose">
          Disclose records…
        </button>
      </h3>
      {open && <DiscloseForm dossier={dossier} onDone={() => setOpen(false)} />}
      {list.isError && <ErrorNote {...describe(list.error)} />}
      {list.data && list.data.length === 0 && <p className="muted small">No disclosures of these records.</p>}
      {list.data && list.data.length > 0 && (
        <table data-testid="disclosure-list">
          <thead>
            <tr>
              <th>Date</th>
              <th>Party</th>
              <th>Interest</th>
              <th>Records</th>
              <th>How</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((d) => (
              <tr key={d.id}>
                <td>{d.date}</td>
                <td>{d.party}</td>
                <td>{d.interest}</td>
                <td>{(d.items ?? []).map((i) => `${i.title} (v${i.number})`).join("; ") || d.note}</td>
                <td>{d.export ? `${d.export.file_name}${d.export.encrypted ? " (encrypted)" : ""}` : "recorded"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ReportButtons report={{ report: "disclosures", student }} label="The report the student may inspect" />
    </section>
  );
}

/** A report written as PDF or CSV into a folder the user picks. */
export function ReportButtons({ report, label }: { report: ReportChoice; label: string }) {
  const [note, setNote] = useState<string | null>(null);
  const write = async (form: "pdf" | "csv") => {
    setNote(null);
    try {
      const folder = await commands.pick("folder", "Save the report into which folder?");
      if (folder === null) return;
      setNote(`Written: ${await commands.writeReport(report, folder, form)}`);
    } catch (e) {
      setNote(describe(e).message);
    }
  };
  return (
    <p className="small">
      {label}:{" "}
      <button className="link" onClick={() => void write("pdf")}>
        PDF…
      </button>{" "}
      <button className="link" onClick={() => void write("csv")}>
        CSV…
      </button>
      {note && (
        <span role="status" data-testid="report-note">
          {" "}
          {note}
        </span>
      )}
    </p>
  );
}

function DiscloseForm({ dossier, onDone }: { dossier: PersonDossier; onDone: () => void }) {
  const client = useQueryClient();
  const exceptions = useQuery({ queryKey: ["disclosure-exceptions"], queryFn: () => commands.disclosureExceptions() });
  const [party, setParty] = useState("");
  const [interest, setInterest] = useState("");
  const [basisKind, setBasisKind] = useState<"consent" | Exception>("consent");
  const [signed, setSigned] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [again, setAgain] = useState("");
  const [folder, setFolder] = useState("");
  const [encrypt, setEncrypt] = useState(true);
  const [redact, setRedact] = useState(false);
  const [made, setMade] = useState<DisclosureMade | null>(null);
  const documents = dossier.groups.flatMap((g) => g.documents);
  const submit = useMutation({
    mutationFn: (way: DisclosureWay) => {
      const basis: Basis =
        basisKind === "consent" ? { basis: "consent", signed } : { basis: "exception", exception: basisKind };
      return commands.disclose(
        {
          student: dossier.person.id,
          party,
          interest,
          basis,
          documents: chosen,
          redisclosure: again.split("\n").filter((l) => l.trim() !== ""),
          note: null,
        },
        way,
      );
    },
    onSuccess: (m) => {
      setMade(m);
      void client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  if (made)
    return (
      <div className="panel" data-testid="disclosure-made">
        <p>{made.file ? `Written: ${made.file}` : "The disclosure is recorded."}</p>
        {made.password && (
          <p>
            Password: <code data-testid="disclosure-password">{made.password}</code>
            <br />
            <span className="small">
              Give it to the party another way than the file (by phone, or in person). It is shown only now.
            </span>
          </p>
        )}
        <button onClick={onDone}>Done</button>
      </div>
    );
  const ready = party.trim() !== "" && interest.trim() !== "" && (basisKind !== "consent" || signed !== "");
  return (
    <form className="panel person-form" data-testid="disclose-form" onSubmit={(e) => e.preventDefault()}>
      <div className="form-grid">
        <label>
          <span>Disclosed to (the party)</span>
          <input value={party} onChange={(e) => setParty(e.target.value)} data-testid="disclose-party" required />
        </label>
        <label>
          <span>Their legitimate interest</span>
          <input value={interest} onChange={(e) => setInterest(e.target.value)} data-testid="disclose-interest" required />
        </label>
        <label>
          <span>Legal basis</span>
          <select
            value={basisKind}
            onChange={(e) => setBasisKind(e.target.value as "consent" | Exception)}
            data-testid="disclose-basis"
          >
            <option value="consent">Written consent of the parent or eligible student</option>
            {exceptions.data?.map((x) => (
              <option key={x.exception} value={x.exception}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        {basisKind === "consent" && (
          <label>
            <span>Consent signed on</span>
            <input type="date" value={signed} onChange={(e) => setSigned(e.target.value)} />
          </label>
        )}
      </div>
      <fieldset>
        <legend>Documents disclosed (their current versions)</legend>
        {documents.length === 0 && <p className="muted small">No documents are filed under this person.</p>}
        {documents.map((d) => (
          <label key={d.id} className="inline">
            <input
              type="checkbox"
              checked={chosen.includes(d.id)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, d.id] : chosen.filter((c) => c !== d.id))}
            />{" "}
            {d.title}
          </label>
        ))}
      </fieldset>
      <label>
        <span>May be disclosed again to (one party and their interest per line; empty: no one)</span>
        <textarea rows={2} value={again} onChange={(e) => setAgain(e.target.value)} />
      </label>
      <div className="form-grid">
        <label>
          <span>Save the ZIP for the party in</span>
          <span className="inline">
            <input value={folder} onChange={(e) => setFolder(e.target.value)} data-testid="disclose-folder" />
            <button
              type="button"
              onClick={() =>
                void commands.pick("folder", "Save the disclosure into which folder?").then((f) => f && setFolder(f))
              }
            >
              Choose…
            </button>
          </span>
        </label>
        <label className="inline">
          <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} /> Encrypt with a
          password to send separately
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={redact}
            onChange={(e) => setRedact(e.target.checked)}
            data-testid="disclose-redact"
          />{" "}
          Black out other students' names and numbers in the copies (the records stay as they are)
        </label>
      </div>
      {submit.isError && <ErrorNote {...describe(submit.error)} />}
      <div className="actions">
        <button
          type="button"
          disabled={!ready || chosen.length === 0 || folder === "" || submit.isPending}
          onClick={() => submit.mutate({ how: "export", folder, encrypt, redact })}
          data-testid="disclose-export"
        >
          Write for the party
        </button>
        <button
          type="button"
          disabled={!ready || submit.isPending}
          onClick={() => submit.mutate({ how: "recorded" })}
          title="A disclosure made on paper or by phone"
        >
          Record only
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

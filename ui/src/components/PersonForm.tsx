// A person's record as a form: adding one (every field) or editing one (only what
// changed is sent). The library checks each value and says what is wrong.

import { useState } from "react";
import type { Person, PersonEdit } from "../bindings";
import { describe } from "../api";
import { ErrorNote } from "./ErrorNote";

type Key = keyof PersonEdit;

const FIELDS: { key: Key; label: string; type?: "date"; hint?: string }[] = [
  { key: "number", label: "Number" },
  { key: "name", label: "Name" },
  { key: "other_names", label: "Other names", hint: "separated by ;" },
  { key: "birth_date", label: "Date of birth", type: "date" },
  { key: "programme", label: "Programme or department" },
  { key: "enrolled", label: "Enrolled (or started)", type: "date" },
  { key: "left", label: "Graduated or left", type: "date" },
  { key: "status", label: "Status", hint: "applicant, active, on leave, graduated, withdrawn or left" },
  {
    key: "directory_opt_out",
    label: "Opted out of directory information on",
    type: "date",
    hint: "34 CFR 99.37; empty: not opted out",
  },
];

function valuesOf(p: Person | null): Record<Key, string> {
  return {
    kind: p?.kind ?? "student",
    number: p?.number ?? "",
    name: p?.name ?? "",
    other_names: p?.other_names.join("; ") ?? "",
    birth_date: p?.birth_date ?? "",
    programme: p?.programme ?? "",
    enrolled: p?.enrolled ?? "",
    left: p?.left ?? "",
    status: p?.status ?? "",
    directory_opt_out: p?.directory_opt_out ?? "",
  };
}

export function PersonForm({
  person = null,
  submit,
  onSubmit,
  onCancel,
}: {
  person?: Person | null;
  submit: string;
  onSubmit: (values: PersonEdit) => Promise<void>;
  onCancel: () => void;
}) {
  const start = valuesOf(person);
  const [values, setValues] = useState(start);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    // Only what changed (all of it for a new record).
    const edit = Object.fromEntries(
      (Object.keys(values) as Key[]).map((k) => [k, person && values[k] === start[k] ? null : values[k]]),
    ) as PersonEdit;
    try {
      await onSubmit(edit);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="person-form" onSubmit={(e) => void send(e)} data-testid="person-form">
      <label className="inline">
        Kind
        <select value={values.kind ?? "student"} onChange={(e) => setValues({ ...values, kind: e.target.value })}>
          <option value="student">Student</option>
          <option value="staff">Staff</option>
        </select>
      </label>
      <div className="form-grid">
        {FIELDS.map((f) => (
          <label key={f.key}>
            <span>
              {f.label} {f.hint && <span className="muted small">({f.hint})</span>}
            </span>
            <input
              type={f.type ?? "text"}
              value={values[f.key] ?? ""}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
              data-testid={`person-${f.key}`}
            />
          </label>
        ))}
      </div>
      {error && <ErrorNote {...error} />}
      <div className="line">
        <button type="submit" className="primary" disabled={busy} data-testid="person-save">
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

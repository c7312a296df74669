// Custom fields in the document view: an input for each field its type defines, by kind
// (text, number, date, a choice list), and the editor of a type's fields. The library
// checks every value and says what a field takes.

import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Document, FieldKind, TypeField } from "../bindings";
import { commands, describe } from "../api";
import { ErrorNote } from "./ErrorNote";

const KINDS: { kind: FieldKind; label: string }[] = [
  { kind: "text", label: "Text" },
  { kind: "number", label: "Number" },
  { kind: "date", label: "Date" },
  { kind: "choice", label: "Choice list" },
];

/** The fields of `doc` as inputs: its type's fields first (unset ones too), then any other. */
export function FieldInputs({
  doc,
  values,
  onChange,
}: {
  doc: Document;
  values: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  const defined = doc.field_defs;
  const others = Object.keys(values).filter(
    (name) => !defined.some((d) => d.name.toLowerCase() === name.toLowerCase()),
  );
  const all: TypeField[] = [...defined, ...others.map((name) => ({ name, kind: "text" as const, options: [] }))];
  if (all.length === 0) return null;
  return (
    <div className="fields" data-testid="fields">
      {all.map((f) => {
        const id = `field-${f.name}`;
        const value = values[f.name] ?? "";
        const set = (v: string) => onChange(f.name, v);
        return (
          <label key={f.name} htmlFor={id}>
            {f.name}
            {f.kind === "choice" ? (
              <select id={id} value={value} onChange={(e) => set(e.target.value)} data-field={f.name}>
                <option value="">(not set)</option>
                {/* A value set before the list changed stays choosable. */}
                {value && !f.options.includes(value) && <option value={value}>{value}</option>}
                {f.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                value={value}
                onChange={(e) => set(e.target.value)}
                inputMode={f.kind === "number" ? "decimal" : undefined}
                placeholder={{ text: "", number: "a number", date: "YYYY-MM-DD", choice: "" }[f.kind]}
                data-field={f.name}
                data-kind={f.kind}
              />
            )}
          </label>
        );
      })}
    </div>
  );
}

type Row = { name: string; kind: FieldKind; options: string };

/** The fields every document of `docType` has: named, each of a kind. */
export function FieldsEditor({ docType, fields, onDone }: { docType: string; fields: TypeField[]; onDone: () => void }) {
  const client = useQueryClient();
  const [rows, setRows] = useState<Row[]>(
    fields.length > 0
      ? fields.map((f) => ({ name: f.name, kind: f.kind, options: f.options.join("\n") }))
      : [{ name: "", kind: "text", options: "" }],
  );
  const save = useMutation({
    mutationFn: () =>
      commands.setTypeFields(
        docType,
        rows
          .filter((r) => r.name.trim())
          .map((r) => ({
            name: r.name.trim(),
            kind: r.kind,
            options:
              r.kind === "choice"
                ? r.options
                    .split("\n")
                    .map((o) => o.trim())
                    .filter(Boolean)
                : [],
          })),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["library"] });
      onDone();
    },
  });
  const change = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="fields-editor" data-testid="fields-editor">
      <legend>Fields of every {docType}</legend>
      {rows.map((r, i) => (
        <div className="field-row" key={i}>
          <input
            aria-label="Field name"
            placeholder="Name, e.g. Term"
            value={r.name}
            onChange={(e) => change(i, { name: e.target.value })}
            data-testid="def-name"
          />
          <select aria-label="Kind" value={r.kind} onChange={(e) => change(i, { kind: e.target.value as FieldKind })} data-testid="def-kind">
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
          {r.kind === "choice" && (
            <textarea
              aria-label="Choices, one a line"
              placeholder={"One choice a line"}
              rows={3}
              value={r.options}
              onChange={(e) => change(i, { options: e.target.value })}
              data-testid="def-options"
            />
          )}
          <button type="button" className="icon" title="Remove this field" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setRows((rs) => [...rs, { name: "", kind: "text", options: "" }])} data-testid="def-add">
          Add a field
        </button>
        <button type="button" className="primary" onClick={() => save.mutate()} disabled={save.isPending} data-testid="def-save">
          Save fields
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {save.isError && <ErrorNote {...describe(save.error)} />}
    </fieldset>
  );
}

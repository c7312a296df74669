// Facet filters: type, tags, a person, a date range, year, status, and the trash.

import type { Facets } from "../bindings";
import type { Filters } from "../screens/Main";
import { statusWords } from "./DocumentList";

interface Props {
  facets: Facets | null;
  filters: Filters;
  onChange: (f: Filters) => void;
  trashed: boolean;
  onTrashed: (t: boolean) => void;
}

export function FacetPanel({ facets, filters, onChange, trashed, onTrashed }: Props) {
  const group = (
    title: string,
    counts: Partial<Record<string, number>> | undefined,
    isOn: (v: string) => boolean,
    toggle: (v: string) => Filters,
    label: (v: string) => string = (v) => v,
    order: (a: string, b: string) => number = (a, b) => a.localeCompare(b),
    testId?: string,
  ) => {
    const entries = Object.entries(counts ?? {}).filter(([, n]) => (n ?? 0) > 0);
    if (entries.length === 0) return null;
    return (
      <section className="facet" data-testid={testId}>
        <h3>{title}</h3>
        {entries
          .sort(([a], [b]) => order(a, b))
          .map(([v, n]) => (
            <label key={v} className="check" data-value={v}>
              <input type="checkbox" checked={isOn(v)} onChange={() => onChange(toggle(v))} />
              <span className="facet-value" title={label(v)}>
                {label(v)}
              </span>
              <span className="muted small">{n}</span>
            </label>
          ))}
      </section>
    );
  };
  return (
    <nav data-testid="facets">
      <div className="segmented wide" role="group" aria-label="Which documents">
        <button aria-pressed={!trashed} onClick={() => onTrashed(false)} data-testid="show-library">
          Library
        </button>
        <button aria-pressed={trashed} onClick={() => onTrashed(true)} data-testid="show-trash">
          Trash
        </button>
      </div>
      {group(
        "Type",
        facets?.doc_type,
        (v) => filters.doc_type === v,
        (v) => ({ ...filters, doc_type: filters.doc_type === v ? null : v }),
      )}
      {group(
        "Tags",
        facets?.tag,
        (v) => filters.tags.includes(v),
        (v) => ({
          ...filters,
          tags: filters.tags.includes(v) ? filters.tags.filter((t) => t !== v) : [...filters.tags, v],
        }),
      )}
      {group(
        "Person",
        facets?.subject,
        (v) => filters.subject === v,
        (v) => ({ ...filters, subject: filters.subject === v ? null : v }),
        (v) => (facets?.subject_names[v] ? `${facets.subject_names[v]} (${v})` : v),
        // Those with the most documents first.
        (a, b) => (facets?.subject[b] ?? 0) - (facets?.subject[a] ?? 0) || a.localeCompare(b),
        "facet-person",
      )}
      <section className="facet" data-testid="date-range">
        <h3>Date</h3>
        <label className="inline small">
          From
          <input
            type="date"
            value={filters.from ?? ""}
            onChange={(e) => onChange({ ...filters, from: e.target.value || null })}
            data-testid="date-from"
          />
        </label>
        <label className="inline small">
          To
          <input
            type="date"
            value={filters.until ?? ""}
            onChange={(e) => onChange({ ...filters, until: e.target.value || null })}
            data-testid="date-until"
          />
        </label>
        {(filters.from || filters.until) && (
          <button className="link small" onClick={() => onChange({ ...filters, from: null, until: null })}>
            Any date
          </button>
        )}
      </section>
      {group(
        "Year",
        facets?.year,
        (v) => filters.year === Number(v),
        (v) => ({ ...filters, year: filters.year === Number(v) ? null : Number(v) }),
        (v) => v,
        (a, b) => Number(b) - Number(a),
      )}
      {group(
        "Status",
        facets?.status,
        (v) => filters.status === v,
        (v) => ({ ...filters, status: filters.status === v ? null : v }),
        (v) => (v === "done" ? "Ready" : statusWords(v)),
      )}
    </nav>
  );
}

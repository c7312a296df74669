// The documents list's columns: which of a document's details each row shows, in order.
// A saved view keeps them by these names.

export const COLUMNS = [
  { id: "type", label: "Type" },
  { id: "person", label: "Person" },
  { id: "date", label: "Date" },
  { id: "size", label: "Size" },
  { id: "tags", label: "Tags" },
  { id: "file", label: "File name" },
] as const;

export type Column = (typeof COLUMNS)[number]["id"];

export const DEFAULT_COLUMNS: Column[] = ["type", "person", "date", "size"];

const known = new Set<string>(COLUMNS.map((c) => c.id));

/** A saved view's columns as the list shows them: names this app does not know are left
 *  out (a newer app's), and none at all means the usual ones. */
export function columnsOf(saved: string[]): Column[] {
  const cols = saved.filter((c, i) => known.has(c) && saved.indexOf(c) === i) as Column[];
  return cols.length > 0 ? cols : DEFAULT_COLUMNS;
}

/** `columns` with `column` shown or hidden, in the list's order; at least one stays. */
export function toggled(columns: Column[], column: Column): Column[] {
  const next = columns.includes(column) ? columns.filter((c) => c !== column) : [...columns, column];
  const ordered = COLUMNS.map((c) => c.id).filter((c) => next.includes(c));
  return ordered.length > 0 ? ordered : columns;
}

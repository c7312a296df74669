// Laying out a hunk of a text diff as two columns: unchanged lines on both sides, a run
// of removed lines beside the run of added lines that replaced it.

import type { DiffLine, Hunk } from "../bindings";

export interface SideRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

export function sideBySide(hunk: Hunk): SideRow[] {
  const rows: SideRow[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      rows.push({ left: removed[i] ?? null, right: added[i] ?? null });
    }
    removed = [];
    added = [];
  };
  for (const line of hunk.lines) {
    if (line.op === "equal") {
      flush();
      rows.push({ left: line, right: line });
    } else if (line.op === "removed") {
      if (added.length) flush();
      removed.push(line);
    } else {
      added.push(line);
    }
  }
  flush();
  return rows;
}

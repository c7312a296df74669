// Which details the documents list shows: a menu of checkboxes (Esc closes it).

import { useState } from "react";
import { COLUMNS, type Column, toggled } from "../lib/columns";

export function ColumnsMenu({ columns, onChange }: { columns: Column[]; onChange: (c: Column[]) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu-anchor">
      <button aria-expanded={open} onClick={() => setOpen((o) => !o)} title="Choose what the list shows" data-testid="columns">
        Columns
      </button>
      {open && (
        <fieldset className="menu" data-testid="columns-menu" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
          <legend className="small muted">Shown in the list</legend>
          {COLUMNS.map((c) => (
            <label key={c.id} className="inline">
              <input
                type="checkbox"
                checked={columns.includes(c.id)}
                onChange={() => onChange(toggled(columns, c.id))}
                data-testid={`column-${c.id}`}
              />
              {c.label}
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

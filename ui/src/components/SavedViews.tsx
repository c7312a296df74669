// Saved views in the sidebar: each restores a search with its filters and order; the
// search on screen can be saved as a new one. Synced: every desktop has the office's views.

import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { SavedView, ViewForm } from "../bindings";
import { ErrorNote } from "./ErrorNote";

export function SavedViews({ onOpen }: { onOpen: (v: ViewForm) => void }) {
  const client = useQueryClient();
  const views = useQuery({ queryKey: ["library", "views"], queryFn: () => commands.views() });
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const remove = async (v: SavedView) => {
    setError(null);
    try {
      await commands.deleteView(v.id);
      await client.invalidateQueries({ queryKey: ["library", "views"] });
    } catch (e) {
      setError(describe(e));
    }
  };
  if (!views.data || views.data.length === 0) return null;
  return (
    <section className="facet" data-testid="views">
      <h3>Views</h3>
      <ul className="plain views">
        {views.data.map((v) => (
          <li key={v.id} data-testid="view" data-name={v.view.name}>
            <button className="link" onClick={() => onOpen(v.view)} title={v.view.query ? `Search: ${v.view.query}` : undefined}>
              {v.view.name}
            </button>
            <button className="icon small" title={`Delete the view “${v.view.name}”`} onClick={() => void remove(v)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      {error && <ErrorNote {...error} />}
    </section>
  );
}

/** Save what is on screen as a view, under a name typed here. */
export function SaveView({ current }: { current: () => Omit<ViewForm, "name"> }) {
  const client = useQueryClient();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setError(null);
    try {
      await commands.saveView(null, { ...current(), name: name.trim() });
      await client.invalidateQueries({ queryKey: ["library", "views"] });
      setNaming(false);
      setName("");
    } catch (e) {
      setError(describe(e).message);
    }
  };
  if (!naming)
    return (
      <button onClick={() => setNaming(true)} title="Save this search and its filters in the sidebar" data-testid="view-save">
        Save view
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <input
        autoFocus
        aria-label="Name of the view"
        placeholder="Name of the view"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && setNaming(false)}
        data-testid="view-name"
      />
      <button type="submit" className="primary" disabled={!name.trim()} data-testid="view-save-confirm">
        Save
      </button>
      {error && <span className="small error-text">{error}</span>}
    </form>
  );
}

// What a "library changed" event makes stale in the UI's query cache.

import type { QueryClient } from "@tanstack/react-query";
import type { LibraryChanged } from "../bindings";

/** The views of one document, each keyed ["library", view, id, ...]. */
const DOCUMENT_VIEWS = ["document", "text", "compare", "suggest"] as const;

/** Views of many documents, stale after any change. */
const LISTS = ["search", "people", "person"] as const;

/**
 * Mark stale what the backend says changed: lists, counts, searches and people's dossiers always; the views
 * of the documents it names, or of every document when it names none (a sync).
 */
export function invalidateChanged(client: QueryClient, change: LibraryChanged): void {
  if (change.documents === null) {
    void client.invalidateQueries({ queryKey: ["library"] });
    return;
  }
  // Lists, and the views made of many documents: a person's dossier, the people's counts.
  for (const list of LISTS) void client.invalidateQueries({ queryKey: ["library", list] });
  for (const id of change.documents) {
    for (const view of DOCUMENT_VIEWS) {
      void client.invalidateQueries({ queryKey: ["library", view, id] });
    }
  }
}

// What a "library changed" event makes stale in the UI's query cache.

import type { QueryClient } from "@tanstack/react-query";
import type { LibraryChanged } from "../bindings";

/** The views of one document, each keyed ["library", view, id, ...]. */
const DOCUMENT_VIEWS = ["document", "text", "compare"] as const;

/**
 * Mark stale what the backend says changed: lists, counts and searches always; the views
 * of the documents it names, or of every document when it names none (a sync).
 */
export function invalidateChanged(client: QueryClient, change: LibraryChanged): void {
  if (change.documents === null) {
    void client.invalidateQueries({ queryKey: ["library"] });
    return;
  }
  void client.invalidateQueries({ queryKey: ["library", "search"] });
  for (const id of change.documents) {
    for (const view of DOCUMENT_VIEWS) {
      void client.invalidateQueries({ queryKey: ["library", view, id] });
    }
  }
}

// The UI's side of the backend: generated commands and events, preview URLs, and a hook
// that refreshes queries when the library changes. Types come only from bindings.ts.

import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, events } from "./bindings";
import type { AppError } from "./bindings";

export { commands, events };

/** Base of the dossier:// protocol (Windows' webview reaches custom schemes over http). */
const BASE = navigator.userAgent.includes("Windows")
  ? "http://dossier.localhost"
  : "dossier://localhost";

/** A document's thumbnail; `size` fits it within that many pixels (list rows ask for a
 *  small one: less to decode and keep in memory). */
export function thumbnailUrl(doc: string, version?: number, size?: number): string {
  const q = [version ? `v=${version}` : "", size ? `size=${size}` : ""].filter(Boolean).join("&");
  return `${BASE}/thumbnail/${doc}${q ? `?${q}` : ""}`;
}

export function pageUrl(doc: string, page: number, width: number, version?: number): string {
  return `${BASE}/page/${doc}/${page}?width=${width}${version ? `&v=${version}` : ""}`;
}

export function contentUrl(doc: string, version?: number): string {
  return `${BASE}/content/${doc}${version ? `?v=${version}` : ""}`;
}

/** An error from a command, in plain words with what to do next. */
export function describe(e: unknown): { message: string; hint: string | null } {
  if (e && typeof e === "object" && "message" in e) {
    const a = e as Partial<AppError>;
    return { message: String(a.message), hint: a.hint ?? null };
  }
  return { message: String(e), hint: null };
}

/**
 * Keep event listeners for an effect's lifetime: pass their pending unlisten functions,
 * return the result as the effect's cleanup (a listener that registers after the
 * cleanup ran is removed at once).
 */
export function listening(...pending: Promise<() => void>[]): () => void {
  let gone = false;
  const stops: (() => void)[] = [];
  for (const p of pending) void p.then((f) => (gone ? f() : stops.push(f)));
  return () => {
    gone = true;
    stops.forEach((f) => f());
  };
}

/** Refetch everything shown from the library when the backend says it changed. */
export function useLibraryChanges(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      listening(
        events.libraryChanged.listen(() => {
          void client.invalidateQueries({ queryKey: ["library"] });
        }),
      ),
    [client],
  );
}

// The UI's side of the backend: generated commands and events, preview URLs, a hook
// that refreshes queries when the library changes, and one that follows syncing. Types
// come only from bindings.ts.

import { useEffect } from "react";
import { useQuery, useQueryClient, type QueryClient, type UseQueryResult } from "@tanstack/react-query";
import { commands, events } from "./bindings";
import type { AppError, ErrorKind, SyncStatus } from "./bindings";
import { invalidateChanged } from "./lib/changes";

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

/** An error from a command, in plain words with what to do next and its kind. */
export function describe(e: unknown): { message: string; hint: string | null; kind: ErrorKind | null } {
  if (e && typeof e === "object" && "message" in e) {
    const a = e as Partial<AppError>;
    return { message: String(a.message), hint: a.hint ?? null, kind: a.kind ?? null };
  }
  return { message: String(e), hint: null, kind: null };
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

/** Refetch what the backend says changed in the library. */
export function useLibraryChanges(): void {
  const client = useQueryClient();
  useEffect(
    () => listening(events.libraryChanged.listen((e) => invalidateChanged(client, e.payload))),
    [client],
  );
}

/** Sync events seen so far: a status asked for before the latest event is already old. */
let syncEvents = 0;

/**
 * Ask the backend for where syncing stands (`commands.syncStatus`, or `addRemote`, which
 * answers with it) and keep the answer as query ["sync"], unless a sync event arrived
 * meanwhile: that one is newer.
 */
export async function askSyncStatus(
  client: QueryClient,
  ask: () => Promise<SyncStatus>,
): Promise<SyncStatus> {
  const seen = syncEvents;
  const answer = await ask();
  const known = client.getQueryData<SyncStatus>(["sync"]);
  const kept = seen !== syncEvents && known && (known.remote !== null || answer.remote === null) ? known : answer;
  client.setQueryData(["sync"], kept);
  return kept;
}

/**
 * Where syncing stands, shared by the status bar and the settings (query ["sync"]): asked
 * for on mount, then kept up to date by the backend's sync events.
 */
export function useSyncStatus(): UseQueryResult<SyncStatus> {
  const client = useQueryClient();
  useEffect(
    () =>
      listening(
        events.syncChanged.listen((e) => {
          syncEvents += 1;
          client.setQueryData(["sync"], e.payload.status);
        }),
      ),
    [client],
  );
  return useQuery({
    queryKey: ["sync"],
    queryFn: () => askSyncStatus(client, () => commands.syncStatus()),
    staleTime: Infinity,
    refetchOnMount: "always",
  });
}

// Syncing in plain words: the status line's text and tone, "5 minutes ago", the
// credentials as typed, and the status after a document's concurrent versions are settled.

import type { RemoteCredentials, SyncStatus, SyncStep } from "../bindings";
import { formatDate } from "./format";

export type SyncTone = "ok" | "busy" | "warn" | "error" | "off";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const STEPS: Record<SyncStep, string> = {
  sending: "Sending changes…",
  receiving: "Receiving changes…",
  downloading: "Downloading documents…",
};

/** 1 → "1 change", 3 → "3 changes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
}

function clock(d: Date): string {
  return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/**
 * When `ms` was, seen from `nowMs`: "just now", "5 minutes ago", "at 14:05" (today),
 * "yesterday at 14:05", else "on 12 Mar 2024".
 */
export function relativeTime(ms: number, nowMs: number): string {
  const ago = nowMs - ms;
  if (ago < MINUTE) return "just now"; // also a clock a little ahead
  if (ago < HOUR) return `${plural(Math.floor(ago / MINUTE), "minute")} ago`;
  const then = new Date(ms);
  const now = new Date(nowMs);
  if (sameDay(then, now)) return `at ${clock(then)}`;
  const yesterday = new Date(nowMs);
  yesterday.setDate(yesterday.getDate() - 1);
  if (sameDay(then, yesterday)) return `yesterday at ${clock(then)}`;
  return `on ${formatDate(ms)}`;
}

/** The status line: what syncing is doing, in plain words, and how it should look. */
export function describeSync(status: SyncStatus, nowMs: number): { text: string; tone: SyncTone } {
  switch (status.state) {
    case "off":
      // A remote just added: the first sync is about to start.
      return status.remote === null
        ? { text: "Only on this desktop", tone: "off" }
        : { text: "Starting to sync…", tone: "busy" };
    case "syncing": {
      const p = status.progress;
      if (p === null) return { text: "Syncing…", tone: "busy" };
      const count = `${p.done.toLocaleString("en-GB")} of ${p.total.toLocaleString("en-GB")}`;
      return { text: `${STEPS[p.step]} ${count}`, tone: "busy" };
    }
    case "waiting": {
      const last = status.last;
      const when = last === null ? "Not synced yet" : `Synced ${relativeTime(last.at_ms, nowMs)}`;
      const pending = status.pending_changes > 0 ? ` · ${plural(status.pending_changes, "change")} to send` : "";
      if (last !== null && last.history.length > 0) {
        // The shared storage lost or hides changes: say what, in the backend's words.
        return { text: `${when} · Changes are missing from the shared storage: ${last.history[0]}`, tone: "warn" };
      }
      if (last !== null && last.waiting_for_keys) {
        // Nothing is lost: the changes stay here until an owner's desktop gives new keys.
        return {
          text: `${when} · ${plural(status.pending_changes, "change")} wait to be sent: someone who held the library's keys has left, and the owner's desktop has not synced since`,
          tone: "warn",
        };
      }
      if (last !== null && last.batches_waiting > 0) {
        // Colleagues' changes sealed before their desktop heard of the department's
        // keys: a desktop that reads every record seals them again for this one.
        return {
          text: `${when} · Some changes from colleagues arrive once the owner's or registrar's desktop has synced`,
          tone: "busy",
        };
      }
      if (last !== null && last.refused > 0) {
        const objects = plural(last.refused, "item");
        return { text: `${when} · ${objects} on the shared storage failed their check and were not used`, tone: "warn" };
      }
      return { text: when + pending, tone: last === null ? "busy" : "ok" };
    }
    case "offline":
      return { text: "Offline — changes are kept here and sent when the network is back", tone: "warn" };
    case "failed":
      return { text: status.error ? `Sync failed: ${status.error.message}` : "Sync failed", tone: "error" };
  }
}

/** "1 document has concurrent versions", "3 documents have concurrent versions". */
export function describeConcurrent(count: number): string {
  return `${plural(count, "document")} ${count === 1 ? "has" : "have"} concurrent versions`;
}

/** The kinds of address a library can be kept at, as a placeholder. */
export const REMOTE_EXAMPLES =
  "s3://bucket/folder?endpoint=https://… or webdavs://user@host/folder or file:///shared/folder";

/** Credentials as typed in a form; empty boxes mean "none". */
export interface TypedCredentials {
  keyId: string;
  secret: string;
  password: string;
}

export const NO_CREDENTIALS: TypedCredentials = { keyId: "", secret: "", password: "" };

/** What the backend expects: empty boxes sent as null (the key id without stray spaces). */
export function toCredentials(typed: TypedCredentials): RemoteCredentials {
  const keyId = typed.keyId.trim();
  return {
    access_key_id: keyId || null,
    secret_access_key: typed.secret || null,
    password: typed.password || null,
    account_key: null,
  };
}

/** The status once document `id`'s concurrent versions are settled (until the next sync says). */
export function withoutConcurrent(status: SyncStatus, id: string): SyncStatus {
  if (!status.concurrent_documents.some((d) => d.id === id)) return status;
  return {
    ...status,
    concurrent: Math.max(0, status.concurrent - 1),
    concurrent_documents: status.concurrent_documents.filter((d) => d.id !== id),
  };
}

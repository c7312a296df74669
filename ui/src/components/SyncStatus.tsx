// The status bar's sync area: how syncing is doing, "Sync now", what to do when it
// fails, and the documents two desktops changed at the same time.

import { useEffect, useState } from "react";
import { commands, describe, useSyncStatus } from "../api";
import type { SyncStatus } from "../bindings";
import { describeConcurrent, describeSync } from "../lib/sync";
import { ErrorNote } from "./ErrorNote";

/** How often "Synced 5 minutes ago" moves on. */
const REFRESH_MS = 30_000;

/** The time now, refreshed every `everyMs`. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function SyncArea({ onOpenDocument }: { onOpenDocument: (id: string) => void }) {
  const status = useSyncStatus();
  const now = useNow(REFRESH_MS);
  const [shown, setShown] = useState<"problem" | "concurrent" | null>(null);
  if (!status.data) return null;
  const s = status.data;
  const { text, tone } = describeSync(s, now);
  const problem = (s.state === "failed" || s.state === "offline") && s.error ? s.error : null;
  const toggle = (what: "problem" | "concurrent") => setShown((was) => (was === what ? null : what));
  return (
    <span className="sync">
      <span className={`dot ${tone}`} aria-hidden="true" />
      <span
        className={`sync-state ${tone}`}
        data-testid="sync-status"
        data-state={s.state}
        title={problem?.hint ? `${text}\n${problem.hint}` : text}
      >
        {text}
      </span>
      {problem && (
        <button className="link small" onClick={() => toggle("problem")} aria-expanded={shown === "problem"}>
          What to do?
        </button>
      )}
      {s.remote !== null && s.state !== "off" && <SyncNow syncing={s.state === "syncing"} />}
      {s.concurrent > 0 && (
        <button
          className="link small warn"
          onClick={() => toggle("concurrent")}
          aria-expanded={shown === "concurrent"}
          data-testid="sync-concurrent"
        >
          {describeConcurrent(s.concurrent)}
        </button>
      )}
      {shown === "problem" && problem && (
        <Popover onClose={() => setShown(null)}>
          <ErrorNote {...problem} />
        </Popover>
      )}
      {shown === "concurrent" && s.concurrent > 0 && (
        <Popover onClose={() => setShown(null)}>
          <Concurrent
            status={s}
            onOpen={(id) => {
              setShown(null);
              onOpenDocument(id);
            }}
          />
        </Popover>
      )}
    </span>
  );
}

/** "Sync now"; an error (e.g. the library just closed) shows beside it. */
export function SyncNow({ syncing, testId = "sync-now" }: { syncing: boolean; testId?: string }) {
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    setError(null);
    commands.syncNow().catch((e) => setError(describe(e).message));
  };
  return (
    <>
      <button
        className="link small"
        onClick={run}
        title={syncing ? "Another sync follows the one running now" : undefined}
        data-testid={testId}
      >
        Sync now
      </button>
      {error && <span className="sync-state error">{error}</span>}
    </>
  );
}

/** The flagged documents, each opening in the document view. */
function Concurrent({ status, onOpen }: { status: SyncStatus; onOpen: (id: string) => void }) {
  const more = status.concurrent - status.concurrent_documents.length;
  return (
    <>
      <p className="small">
        Two desktops changed these at the same time. Both versions are kept: open one to choose which stays current.
      </p>
      <ul className="concurrent">
        {status.concurrent_documents.map((d) => (
          <li key={d.id}>
            <button className="link" onClick={() => onOpen(d.id)} data-testid="concurrent-doc">
              {d.title}
            </button>
          </li>
        ))}
      </ul>
      {more > 0 && <p className="small muted">and {more.toLocaleString("en-GB")} more</p>}
    </>
  );
}

/** A small box above the status bar; Escape or × closes it, and the window stays usable. */
function Popover({ onClose, children }: { onClose: () => void; children: React.ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="popover" role="dialog">
      <button className="icon close" title="Close" onClick={onClose}>
        ×
      </button>
      {children}
    </div>
  );
}

// Drop files or folders anywhere on the window; the queue shows each file's outcome.

import { useEffect, useReducer, useRef, useState, type ReactNode } from "react";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { commands, describe, events, listening } from "../api";
import { counts, fileName, progress, reduce, settled, type Queue } from "../lib/intake";

interface Props {
  children: ReactNode;
  /**
   * Offered every drop first, with the paths and the point in CSS pixels; returns true
   * when it took the drop (e.g. a file dropped on an open document becomes its version).
   */
  claim?: (paths: string[], x: number, y: number) => boolean;
  /** Open a document (the one a duplicate is already in the library as). */
  onOpen?: (id: string) => void;
}

export function Intake({ children, claim, onOpen }: Props) {
  const claimRef = useRef(claim);
  claimRef.current = claim;
  const [queue, dispatch] = useReducer(reduce, [] as Queue);
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hidden, setHidden] = useState(false);

  useEffect(
    () =>
      listening(
        events.intakeEvent.listen((e) => {
          setHidden(false);
          dispatch(e.payload);
        }),
        getCurrentWebview().onDragDropEvent((e) => {
          const p = e.payload;
          if (p.type === "enter" || p.type === "over") setOver(true);
          else if (p.type === "leave") setOver(false);
          else if (p.type === "drop") {
            setOver(false);
            const scale = window.devicePixelRatio || 1;
            const taken = claimRef.current?.(p.paths, p.position.x / scale, p.position.y / scale);
            if (!taken && p.paths.length) void importPaths(p.paths, false);
          }
        }),
      ),
    [],
  );

  async function importPaths(paths: string[], anyway: boolean) {
    setError(null);
    try {
      await commands.importPaths(paths, anyway);
    } catch (e) {
      setError(describe(e).message);
    }
  }

  return (
    <>
      {children}
      {over && <div className="drop-overlay">Drop to add to the library</div>}
      {queue.length > 0 && !error && !hidden && settled(queue) && (
        // Done with nothing to look at: a line in the corner, off the document pane.
        <aside className="queue compact" data-testid="intake" data-settled="yes" role="status">
          <span className="small">
            {queue.reduce((n, b) => n + counts(b).imported, 0)} added
            {newestSource(queue) && (
              <span className="muted" data-testid="intake-source">
                {" "}
                from the watched folder {newestSource(queue)}
              </span>
            )}
          </span>
          <button className="icon" title="Hide" onClick={() => setHidden(true)}>
            ×
          </button>
        </aside>
      )}
      {(queue.length > 0 || error) && !hidden && (error || !settled(queue)) && (
        <aside className="queue" data-testid="intake">
          <header>
            <strong>Adding files</strong>
            <button className="icon" title="Hide" onClick={() => setHidden(true)}>
              ×
            </button>
          </header>
          {error && <div className="error">{error}</div>}
          {queue.map((b) => {
            const c = counts(b);
            return (
              <div key={b.batch} className="batch">
                <progress value={progress(b)} max={1} />
                {b.source && (
                  <div className="small muted" data-testid="intake-source">
                    From the watched folder {b.source}
                  </div>
                )}
                <div className="small">
                  {b.error
                    ? `Nothing was added: ${b.error}`
                    : `${c.imported} added` +
                      (c.duplicates ? `, ${c.duplicates} already in the library` : "") +
                      (c.refused ? `, ${c.refused} could not be added` : "") +
                      (b.finished ? "" : ` — ${b.done.length} of ${b.files}`)}
                </div>
                <ul>
                  {b.done
                    .filter((f) => f.result.outcome !== "imported")
                    .map((f) => (
                      <li key={f.path} className="small" data-testid="intake-problem">
                        <strong>{fileName(f.path)}</strong>{" "}
                        {f.result.outcome === "duplicate" ? (
                          <>
                            is already in the library as “{f.result.existing_title}”.{" "}
                            {onOpen && (
                              <>
                                <button className="link" onClick={() => onOpen(f.result.outcome === "duplicate" ? f.result.existing : "")}>
                                  Open it
                                </button>{" "}
                                or{" "}
                              </>
                            )}
                            {/* A watched folder's file may have moved into "Imported". */}
                            {!b.source && (
                              <button className="link" onClick={() => void importPaths([f.path], true)}>
                                Import anyway
                              </button>
                            )}
                          </>
                        ) : f.result.outcome === "refused" ? (
                          <>could not be added: {f.result.reason}</>
                        ) : null}
                      </li>
                    ))}
                  {b.notMoved.map((m) => (
                    <li key={`moved:${m.path}`} className="small">
                      <strong>{fileName(m.path)}</strong> is in the library but could not be moved
                      into “Imported”: {m.reason}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </aside>
      )}
    </>
  );
}

/** The watched folder of the newest batch that came from one. */
function newestSource(queue: Queue): string | null {
  return [...queue].reverse().find((b) => b.source !== null)?.source ?? null;
}

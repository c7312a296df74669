// The bottom line: how many documents, what background processing is doing, and syncing.

import { useEffect, useState } from "react";
import { events, listening } from "../api";
import { About } from "./About";
import { Settings } from "./Settings";
import { SyncArea } from "./SyncStatus";
import type { ProcessingEvent } from "../bindings";

export function StatusBar({
  total,
  searching,
  fuzzy,
  onOpenDocument,
  onShortcuts,
}: {
  total: number | null;
  searching: boolean;
  fuzzy: boolean;
  /** Open a document in the document view (from the list of concurrent versions). */
  onOpenDocument: (id: string) => void;
  /** Show the keyboard shortcuts. */
  onShortcuts: () => void;
}) {
  const [work, setWork] = useState<ProcessingEvent | null>(null);
  const [about, setAbout] = useState(false);
  const [settings, setSettings] = useState(false);
  useEffect(() => listening(events.processingEvent.listen((e) => setWork(e.payload))), []);
  const count =
    total === null
      ? ""
      : searching
        ? `${total.toLocaleString("en-GB")} ${total === 1 ? "match" : "matches"}${fuzzy ? " (close spellings)" : ""}`
        : `${total.toLocaleString("en-GB")} ${total === 1 ? "document" : "documents"}`;
  return (
    <footer className="statusbar" data-testid="status">
      <span data-testid="count">{count}</span>
      <span data-testid="processing" data-busy={work?.busy ? "yes" : "no"}>
        {work?.busy
          ? `Reading documents… ${work.current ?? ""}${work.pending ? ` (${work.pending} waiting)` : ""}`
          : "All documents are ready"}
      </span>
      <SyncArea onOpenDocument={onOpenDocument} />
      <button className="link small" onClick={() => setSettings(true)} data-testid="settings-open">
        Settings
      </button>
      {settings && <Settings onClose={() => setSettings(false)} />}
      <button className="link small" onClick={onShortcuts} data-testid="shortcuts-open">
        Shortcuts <kbd>?</kbd>
      </button>
      <button className="link small" onClick={() => setAbout(true)} data-testid="about-open">
        About
      </button>
      {about && <About onClose={() => setAbout(false)} />}
    </footer>
  );
}

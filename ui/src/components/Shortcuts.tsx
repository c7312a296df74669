// The keyboard shortcuts sheet: every shortcut the app has, opened with "?" or from the
// status bar. Main's window keys and DocumentList's keys are the ones listed here.

import { useEffect } from "react";

export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ["Ctrl+K"], what: "Search (⌘K on a Mac)" },
  { keys: ["↑", "↓"], what: "Move through the documents and open each (← → in the grid)" },
  { keys: ["Shift+↑", "Shift+↓"], what: "Select a range of documents" },
  { keys: ["Space"], what: "Select or unselect the document" },
  { keys: ["Enter"], what: "Open the document" },
  { keys: ["Home", "End"], what: "First or last document" },
  { keys: ["Y"], what: "Accept the suggested type, tags and person" },
  { keys: ["Esc"], what: "Close the document or this sheet" },
  { keys: ["Alt+1", "Alt+2", "Alt+3", "Alt+4", "Alt+5"], what: "Documents, People, Rules, Records, Access" },
  { keys: ["Tab"], what: "Move between the parts of the window" },
  { keys: ["?"], what: "These shortcuts" },
];

export function Shortcuts({ onClose }: { onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="card modal wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        onClick={(e) => e.stopPropagation()}
        data-testid="shortcuts"
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.what}>
                <th scope="row">
                  {s.keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}

// The about box: versions, and what is unavailable on this computer in plain words.

import { useQuery } from "@tanstack/react-query";
import { commands, describe } from "../api";
import { ErrorNote } from "./ErrorNote";

export function About({ onClose }: { onClose: () => void }) {
  const info = useQuery({ queryKey: ["app-info"], queryFn: () => commands.appInfo() });
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="card modal" role="dialog" aria-label="About Dossier" onClick={(e) => e.stopPropagation()} data-testid="about">
        <h1>Dossier</h1>
        {info.isPending && <p className="muted">…</p>}
        {info.isError && <ErrorNote {...describe(info.error)} />}
        {info.data && (
          <>
            <p>Version {info.data.version}</p>
            {info.data.unavailable.length === 0 ? (
              <p className="muted">PDF previews, OCR and office files as pages are available.</p>
            ) : (
              <ul data-testid="unavailable">
                {info.data.unavailable.map((u) => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            )}
          </>
        )}
        <button className="primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}

// The settings screen: library location, watched folders, OCR languages, the keyring, and
// sharing the library (where it is kept, how often it syncs).
// Each change is saved and put into effect at once; a refused change says why and leaves
// the settings as they were.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { AfterImport, Settings as SettingsT, SettingsView } from "../bindings";
import { ErrorNote } from "./ErrorNote";
import { formatBytes } from "../lib/format";
import { Sharing } from "./Sharing";

/** Seconds between scans of a folder marked as a network share. */
const SHARE_POLL_SECONDS = 30;

export function Settings({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const view = useQuery({
    queryKey: ["settings"],
    queryFn: () => commands.getSettings(),
    // A folder just added is "starting" until its watcher answers.
    refetchInterval: (q) => (q.state.data?.watched.some((w) => w.state === "starting") ? 500 : false),
  });
  const save = useMutation({
    mutationFn: (s: SettingsT) => commands.saveSettings(s),
    onSuccess: (next: SettingsView) => {
      client.setQueryData(["settings"], next);
      // Another library folder closes this one: the app goes back to its first screen.
      if (next.library !== view.data?.library) void client.invalidateQueries({ queryKey: ["state"] });
    },
  });

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="card modal wide"
        role="dialog"
        aria-label="Settings"
        onClick={(e) => e.stopPropagation()}
        data-testid="settings"
      >
        <h1>Settings</h1>
        {view.isPending && <p className="muted">…</p>}
        {view.isError && <ErrorNote {...describe(view.error)} />}
        {view.data && <Form view={view.data} onSave={(s) => save.mutate(s)} busy={save.isPending} />}
        {save.isError && <ErrorNote {...describe(save.error)} />}
        <button className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}

function Form({ view, onSave, busy }: { view: SettingsView; onSave: (s: SettingsT) => void; busy: boolean }) {
  const s = view.settings;
  const watched = s.watched ?? [];
  const [folder, setFolder] = useState("");
  const [after, setAfter] = useState<AfterImport>("leave");
  const [share, setShare] = useState(false);
  const [library, setLibrary] = useState(view.library);
  const [languages, setLanguages] = useState((s.ocr_languages ?? ["eng"]).join(" "));

  const addFolder = () => {
    const path = folder.trim();
    if (!path) return;
    onSave({
      ...s,
      watched: [...watched, { path, after_import: after, poll_seconds: share ? SHARE_POLL_SECONDS : null }],
    });
    setFolder("");
  };

  return (
    <div className="settings">
      <section>
        <h2>Watched folders</h2>
        <p className="small muted">
          Files put into these folders are added to the library once they stop changing.
        </p>
        <ul className="watched">
          {watched.map((w) => {
            const status = view.watched.find((x) => x.path === w.path);
            return (
              <li key={w.path} data-testid="watched-folder">
                <div>
                  <strong>{w.path}</strong>
                  <div className="small muted">
                    {w.after_import === "move" ? "Moved into “Imported” once added" : "Left in place once added"}
                    {w.poll_seconds ? ` · network share, checked every ${w.poll_seconds} s` : ""}
                  </div>
                  <div className="small" data-testid="watch-state" data-state={status?.state ?? "stopped"}>
                    {status?.state === "watching"
                      ? "Watching"
                      : status?.state === "failed"
                        ? `Not watched: ${status.message}`
                        : status?.state === "starting"
                          ? "Starting…"
                          : "Watched while the library is open"}
                  </div>
                </div>
                <button
                  disabled={busy}
                  onClick={() => onSave({ ...s, watched: watched.filter((x) => x.path !== w.path) })}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
        <div className="line">
          <input
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            placeholder="Folder path, e.g. C:\Scans or \\server\share\scans"
            aria-label="Folder to watch"
            data-testid="watch-path"
          />
          <ChooseFolder title="Choose a folder to watch" onChosen={setFolder} />
        </div>
        <div className="line">
          <select value={after} onChange={(e) => setAfter(e.target.value as AfterImport)} aria-label="After adding">
            <option value="leave">Leave files in place</option>
            <option value="move">Move files into “Imported”</option>
          </select>
          <label className="check small">
            <input type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} /> Network share
          </label>
          <button disabled={busy || !folder.trim()} onClick={addFolder} data-testid="watch-add">
            Watch this folder
          </button>
        </div>
      </section>

      <section>
        <h2>Text recognition (OCR)</h2>
        <div className="line">
          <input
            value={languages}
            onChange={(e) => setLanguages(e.target.value)}
            aria-label="OCR languages"
            placeholder="eng fra"
          />
          <button
            disabled={busy}
            onClick={() => onSave({ ...s, ocr_languages: languages.split(/[\s,+]+/).filter(Boolean) })}
          >
            Use these languages
          </button>
        </div>
        <p className="small muted">Tesseract language codes, e.g. eng, fra, deu. They apply to documents read from now on.</p>
      </section>

      <section>
        <h2>Security</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={s.use_keyring ?? true}
            disabled={busy}
            onChange={(e) => onSave({ ...s, use_keyring: e.target.checked })}
            data-testid="use-keyring"
          />{" "}
          Remember the key on this computer, so Dossier opens without the passphrase
        </label>
        <LockAfter settings={s} onSave={onSave} busy={busy} />
      </section>

      <Sharing settings={s} onSave={onSave} busy={busy} />

      <section>
        <h2>Library</h2>
        {view.library_from_environment && (
          <p className="small muted">Chosen by the DOSSIER_LIBRARY environment variable when Dossier starts.</p>
        )}
        <div className="line">
          <input value={library} onChange={(e) => setLibrary(e.target.value)} aria-label="Library folder" />
          <ChooseFolder title="Choose the library folder" onChosen={setLibrary} />
          <button disabled={busy || library.trim() === view.library} onClick={() => onSave({ ...s, library: library.trim() })}>
            Open this library
          </button>
        </div>
        <p className="small muted">
          The library open now closes first. A folder without a library offers to create one.
        </p>
      </section>
      <CheckLibrary />
      {view.file && <p className="small muted">Settings are kept in {view.file}</p>}
    </div>
  );
}

function ChooseFolder({ title, onChosen }: { title: string; onChosen: (path: string) => void }) {
  return (
    <button
      onClick={() =>
        void commands.pick("folder", title).then(
          (p) => p !== null && onChosen(p),
          () => {},
        )
      }
    >
      Choose…
    </button>
  );
}

/** Decrypt and check everything, on demand. */
function CheckLibrary() {
  const check = useMutation({ mutationFn: () => commands.checkLibrary() });
  return (
    <section>
      <h2>Check the library</h2>
      <div className="line">
        <button onClick={() => check.mutate()} disabled={check.isPending} data-testid="check">
          {check.isPending ? "Checking…" : "Check every document now"}
        </button>
      </div>
      {check.data && (
        <div className="small" data-testid="check-result">
          {check.data.clean
            ? `All ${check.data.versions.toLocaleString("en-GB")} versions (${formatBytes(check.data.bytes)}) read back intact.`
            : "Problems were found:"}
          <ul>
            {[...check.data.affected, ...check.data.audit_problems].map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      {check.isError && <ErrorNote {...describe(check.error)} />}
    </section>
  );
}

/** "Sign out after … minutes without use" (a library kept by its people; 0: never). */
function LockAfter({ settings, onSave, busy }: { settings: SettingsT; onSave: (s: SettingsT) => void; busy: boolean }) {
  const saved = settings.lock_after_minutes ?? 15;
  const [minutes, setMinutes] = useState(String(saved));
  const n = Number(minutes);
  const valid = Number.isInteger(n) && n >= 0 && n <= 1440;
  return (
    <div className="line">
      <label className="inline">
        Sign out after
        <input
          type="number"
          min={0}
          max={1440}
          step={1}
          className="minutes"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          data-testid="lock-after"
        />
        minutes without use (0: never)
      </label>
      <button disabled={busy || !valid || n === saved} onClick={() => onSave({ ...settings, lock_after_minutes: n })}>
        Use this
      </button>
    </div>
  );
}

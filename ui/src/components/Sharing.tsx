// Settings, "Sharing and sync": keep the library on a shared drive or in cloud storage so
// other desktops can join it, see how syncing is doing, and choose how often it syncs.

import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { askSyncStatus, commands, describe, useSyncStatus } from "../api";
import type { Settings, SyncStatus } from "../bindings";
import { NO_CREDENTIALS, describeSync, toCredentials } from "../lib/sync";
import { CredentialFields, RemoteUrl } from "./Credentials";
import { ErrorNote } from "./ErrorNote";
import { SyncNow, useNow } from "./SyncStatus";

const DEFAULT_MINUTES = 5;
const MAX_MINUTES = 1440;

export function Sharing({ settings, onSave, busy }: { settings: Settings; onSave: (s: Settings) => void; busy: boolean }) {
  const status = useSyncStatus();
  return (
    <section>
      <h2>Sharing and sync</h2>
      {status.isPending && <p className="muted">…</p>}
      {status.isError && <ErrorNote {...describe(status.error)} />}
      {status.data && (status.data.remote !== null ? <Remote status={status.data} /> : <AddRemote />)}
      <SyncMinutes settings={settings} onSave={onSave} busy={busy} />
    </section>
  );
}

/** Where the library is kept, and how syncing is doing. */
function Remote({ status }: { status: SyncStatus }) {
  const now = useNow(30_000);
  const { text, tone } = describeSync(status, now);
  const problem = status.state === "failed" || status.state === "offline" ? status.error : null;
  return (
    <div data-testid="remote-shown">
      <p>
        This library is kept at <code>{status.remote}</code>. Other desktops can join it from there.
      </p>
      <div className="line">
        <span className={`sync-state ${tone}`} data-testid="remote-sync-status">
          {text}
        </span>
        {status.state !== "off" && <SyncNow syncing={status.state === "syncing"} testId="remote-sync-now" />}
      </div>
      {problem && <ErrorNote {...problem} />}
    </div>
  );
}

/** Choose where to keep the library. */
function AddRemote() {
  const client = useQueryClient();
  const [url, setUrl] = useState("");
  const [creds, setCreds] = useState(NO_CREDENTIALS);
  const add = useMutation({
    mutationFn: () => askSyncStatus(client, () => commands.addRemote(url.trim(), toCredentials(creds))),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (url.trim()) add.mutate();
      }}
    >
      <p className="small muted">
        Keep the library on a shared drive or in cloud storage, so other desktops can join it and stay up to date.
        Everything is encrypted on this desktop before it leaves, so the storage provider sees nothing readable.
      </p>
      <div className="line">
        <RemoteUrl value={url} onChange={setUrl} testId="remote-url" label="Where to keep the library" />
      </div>
      <CredentialFields
        value={creds}
        onChange={setCreds}
        ids={{ keyId: "remote-key-id", secret: "remote-secret", password: "remote-password" }}
      />
      {add.isError && <ErrorNote {...describe(add.error)} />}
      <div className="line">
        <button type="submit" disabled={add.isPending || !url.trim()} data-testid="remote-add">
          {add.isPending ? "Connecting…" : "Keep the library there"}
        </button>
      </div>
    </form>
  );
}

/** "Sync every … minutes", saved like the other settings. */
function SyncMinutes({ settings, onSave, busy }: { settings: Settings; onSave: (s: Settings) => void; busy: boolean }) {
  const saved = settings.sync_minutes ?? DEFAULT_MINUTES;
  const [minutes, setMinutes] = useState(String(saved));
  const n = Number(minutes);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_MINUTES;
  return (
    <>
      <div className="line">
        <label className="inline">
          Sync every
          <input
            type="number"
            min={1}
            max={MAX_MINUTES}
            step={1}
            className="minutes"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            data-testid="sync-minutes"
          />
          minutes
        </label>
        <button disabled={busy || !valid || n === saved} onClick={() => onSave({ ...settings, sync_minutes: n })}>
          Use this
        </button>
      </div>
      <p className="small muted">
        {valid
          ? "Changes made here are also sent soon after you make them."
          : `Choose a number of minutes from 1 to ${MAX_MINUTES} (a day).`}
      </p>
    </>
  );
}

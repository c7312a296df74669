// The lock screen: the passphrase (or recovery key) when the keyring has no key.

import { useState } from "react";
import { commands, describe } from "../api";
import { ErrorNote } from "../components/ErrorNote";

export function Unlock({ path, onDone }: { path: string; onDone: () => void }) {
  const [secret, setSecret] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);

  async function unlock() {
    setBusy(true);
    setError(null);
    try {
      await commands.unlockLibrary(secret);
      onDone();
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (secret) void unlock();
      }}
    >
      <h1>Unlock the library</h1>
      <p className="muted">
        <code>{path}</code>
      </p>
      <label>
        Passphrase or recovery key
        <input
          type="password"
          autoFocus
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          data-testid="unlock-secret"
        />
      </label>
      {error && <ErrorNote {...error} />}
      <button className="primary" type="submit" disabled={busy || !secret} data-testid="unlock">
        {busy ? "Unlocking…" : "Unlock"}
      </button>
    </form>
  );
}

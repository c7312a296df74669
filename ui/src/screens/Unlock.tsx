// The lock screen: the passphrase (or recovery key) when the keyring has no key.

import { useState } from "react";
import { commands } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { useStep } from "../lib/step";

export function Unlock({ path, onDone }: { path: string; onDone: () => void }) {
  const [secret, setSecret] = useState("");
  const { busy, error, run } = useStep();

  const unlock = () =>
    run(async () => {
      await commands.unlockLibrary(secret);
      onDone();
    });

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

// First run: choose a passphrase, then see the recovery key once and confirm it is kept.

import { useState } from "react";
import { commands, describe } from "../api";
import { ErrorNote } from "../components/ErrorNote";

const MIN_LENGTH = 8;

export function FirstRun({ path, onDone }: { path: string; onDone: () => void }) {
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint: string | null } | null>(null);
  const [recovery, setRecovery] = useState<string | null>(null);
  const [stored, setStored] = useState(false);

  const problem =
    pass.length > 0 && pass.length < MIN_LENGTH
      ? `Use at least ${MIN_LENGTH} characters.`
      : again.length > 0 && again !== pass
        ? "The two passphrases differ."
        : null;

  async function create() {
    setBusy(true);
    setError(null);
    try {
      setRecovery(await commands.createLibrary(pass));
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  if (recovery !== null) {
    return (
      <div className="card narrow" data-testid="recovery">
        <h1>Your recovery key</h1>
        <p>
          If the passphrase is ever forgotten, this key is the only way into the library. Print
          it or write it down and keep it somewhere safe, away from this computer.
        </p>
        <pre className="recovery-key" data-testid="recovery-key">
          {recovery}
        </pre>
        <label className="check">
          <input
            type="checkbox"
            checked={stored}
            onChange={(e) => setStored(e.target.checked)}
            data-testid="recovery-stored"
          />
          I have stored the recovery key
        </label>
        <button className="primary" disabled={!stored} onClick={onDone} data-testid="recovery-done">
          Open the library
        </button>
      </div>
    );
  }

  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem && pass.length >= MIN_LENGTH && pass === again) void create();
      }}
    >
      <h1>Welcome to Dossier</h1>
      <p>
        A new library will be made in <code>{path}</code>. Everything in it is encrypted with a
        passphrase: choose one the office will remember.
      </p>
      <label>
        Passphrase
        <input
          type="password"
          autoFocus
          value={pass}
          onChange={(e) => setPass(e.target.value)}
          data-testid="passphrase"
        />
      </label>
      <label>
        Repeat the passphrase
        <input
          type="password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
          data-testid="passphrase-again"
        />
      </label>
      {problem && <div className="muted">{problem}</div>}
      {error && <ErrorNote {...error} />}
      <button
        className="primary"
        type="submit"
        disabled={busy || problem !== null || pass.length < MIN_LENGTH || pass !== again}
        data-testid="create"
      >
        {busy ? "Creating…" : "Create the library"}
      </button>
    </form>
  );
}

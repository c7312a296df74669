// The lock screen: the passphrase (or recovery key) when the keyring has no key; in a
// library kept by its people, who is signing in and their own passphrase.

import { useState } from "react";
import { commands } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { useStep } from "../lib/step";

export function Unlock({ path, people, onDone }: { path: string; people: string[]; onDone: () => void }) {
  const [secret, setSecret] = useState("");
  const [person, setPerson] = useState(people.length === 1 ? people[0] : "");
  const { busy, error, run } = useStep();
  const kept = people.length > 0;
  const ready = secret !== "" && (!kept || person !== "");

  const unlock = () =>
    run(async () => {
      await commands.unlockLibrary(secret, kept ? person : null);
      onDone();
    });

  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void unlock();
      }}
    >
      <h1>{kept ? "Sign in" : "Unlock the library"}</h1>
      <p className="muted">
        <code>{path}</code>
      </p>
      {kept && (
        <label>
          Who are you?
          <select value={person} onChange={(e) => setPerson(e.target.value)} autoFocus data-testid="sign-in-person">
            <option value="" disabled>
              Choose your name
            </option>
            {people.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {kept ? "Your passphrase" : "Passphrase or recovery key"}
        <input
          type="password"
          autoFocus={!kept}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          data-testid="unlock-secret"
        />
      </label>
      {error && <ErrorNote {...error} />}
      <button className="primary" type="submit" disabled={busy || !ready} data-testid="unlock">
        {busy ? (kept ? "Signing in…" : "Unlocking…") : kept ? "Sign in" : "Unlock"}
      </button>
    </form>
  );
}

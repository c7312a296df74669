// First run: choose a passphrase, then see the recovery key once and confirm it is kept;
// or join a library another desktop keeps on a shared drive or in the cloud, with its
// passphrase or with an invitation code (`JoinInvited`).

import { useState } from "react";
import { commands } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { CredentialFields, RemoteUrl } from "../components/Credentials";
import { useStep } from "../lib/step";
import { JoinInvited } from "./JoinInvited";
import { NO_CREDENTIALS, toCredentials } from "../lib/sync";

const MIN_LENGTH = 8;

export function FirstRun({ path, onDone }: { path: string; onDone: () => void }) {
  const [mode, setMode] = useState<"create" | "join" | "invited">("create");
  if (mode === "invited") return <JoinInvited onDone={onDone} onBack={() => setMode("create")} />;
  return mode === "join" ? (
    <Join path={path} onDone={onDone} onCreate={() => setMode("create")} />
  ) : (
    <Create path={path} onDone={onDone} onJoin={() => setMode("join")} onInvited={() => setMode("invited")} />
  );
}

function Create({
  path,
  onDone,
  onJoin,
  onInvited,
}: {
  path: string;
  onDone: () => void;
  onJoin: () => void;
  onInvited: () => void;
}) {
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const { busy, error, run } = useStep();
  const [recovery, setRecovery] = useState<string | null>(null);
  const [stored, setStored] = useState(false);

  const problem =
    pass.length > 0 && pass.length < MIN_LENGTH
      ? `Use at least ${MIN_LENGTH} characters.`
      : again.length > 0 && again !== pass
        ? "The two passphrases differ."
        : null;

  const create = () =>
    run(async () => {
      setRecovery(await commands.createLibrary(pass));
    });

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
      <p className="choice">
        <button type="button" className="link" onClick={onJoin} data-testid="join-choose">
          Join a library kept on a shared drive or in the cloud
        </button>
      </p>
      <p className="choice">
        <button type="button" className="link" onClick={onInvited} data-testid="invited-choose">
          Join with an invitation code
        </button>
      </p>
    </form>
  );
}

/** Make this desktop's library a copy of one kept elsewhere, opened with its passphrase. */
function Join({ path, onDone, onCreate }: { path: string; onDone: () => void; onCreate: () => void }) {
  const [url, setUrl] = useState("");
  const [creds, setCreds] = useState(NO_CREDENTIALS);
  const [secret, setSecret] = useState("");
  const { busy, error, run } = useStep();

  const join = () =>
    run(async () => {
      await commands.joinLibrary(url.trim(), toCredentials(creds), secret);
      onDone();
    });

  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && url.trim() && secret) void join();
      }}
    >
      <h1>Join a library</h1>
      <p>
        Another desktop keeps the library on a shared drive or in the cloud. A copy will be kept here in{" "}
        <code>{path}</code> and stay up to date with it.
      </p>
      <label>
        Where the library is kept
        <RemoteUrl value={url} onChange={setUrl} testId="join-url" autoFocus />
      </label>
      <CredentialFields
        value={creds}
        onChange={setCreds}
        ids={{ keyId: "join-key-id", secret: "join-secret-key", password: "join-password" }}
      />
      <label>
        The library’s passphrase or recovery key
        <input type="password" value={secret} onChange={(e) => setSecret(e.target.value)} data-testid="join-secret" />
      </label>
      {error && <ErrorNote {...error} />}
      {busy && <div className="muted small">The list of documents comes first; documents follow while you work.</div>}
      <button className="primary" type="submit" disabled={busy || !url.trim() || !secret} data-testid="join-submit">
        {busy ? "Joining…" : "Join the library"}
      </button>
      <p className="choice">
        <button type="button" className="link" onClick={onCreate} disabled={busy} data-testid="create-choose">
          Create a new library
        </button>
      </p>
    </form>
  );
}

// First run by invitation (issue 21): the person enters where the library is kept and the
// one-time code they were given; chooses a passphrase of their own (their keys are made
// on this desktop); reads the fingerprint shown to the person who invited them; and the
// library opens here as soon as that person has let them in.

import { useEffect, useState } from "react";
import { commands, describe } from "../api";
import type { InvitationOffer } from "../bindings";
import { ErrorNote } from "../components/ErrorNote";
import { CredentialFields, RemoteUrl } from "../components/Credentials";
import { NO_CREDENTIALS, toCredentials } from "../lib/sync";

const MIN_LENGTH = 8;
/** How often the waiting screen asks whether the owner has let this person in. */
const ASK_EVERY_MS = 3000;

type Problem = ReturnType<typeof describe> | null;

export function JoinInvited({ onDone, onBack }: { onDone: () => void; onBack: () => void }) {
  const [url, setUrl] = useState("");
  const [creds, setCreds] = useState(NO_CREDENTIALS);
  const [code, setCode] = useState("");
  const [offer, setOffer] = useState<InvitationOffer | null>(null);
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);

  async function step(action: () => Promise<void>) {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (e) {
      setProblem(describe(e));
    } finally {
      setBusy(false);
    }
  }

  // Waiting for the owner: ask again and again; anything but "waiting" stops and is shown.
  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async () => {
      try {
        await commands.joinInvited(url.trim(), toCredentials(creds), code, pass);
        if (!stopped) onDone();
      } catch (e) {
        if (stopped) return;
        const d = describe(e);
        if (d.kind === "waiting") timer = setTimeout(() => void ask(), ASK_EVERY_MS);
        else {
          setProblem(d);
          setWaiting(false);
        }
      }
    };
    void ask();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [waiting, url, creds, code, pass, onDone]);

  if (offer === null) {
    return (
      <form
        className="card narrow"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && url.trim() && code.trim())
            void step(async () => {
              setOffer(await commands.openInvitation(url.trim(), toCredentials(creds), code));
            });
        }}
        data-testid="join-invited"
      >
        <h1>Join with an invitation code</h1>
        <p>Enter where the library is kept and the code the person who invited you gave you.</p>
        <label>
          Where the library is kept
          <RemoteUrl value={url} onChange={setUrl} testId="invite-url" autoFocus />
        </label>
        <CredentialFields
          value={creds}
          onChange={setCreds}
          ids={{ keyId: "invite-key-id", secret: "invite-secret-key", password: "invite-password" }}
        />
        <label>
          Invitation code
          <input value={code} onChange={(e) => setCode(e.target.value)} data-testid="invite-code-typed" />
        </label>
        {problem && <ErrorNote {...problem} />}
        <button className="primary" type="submit" disabled={busy || !url.trim() || !code.trim()} data-testid="invite-open">
          {busy ? "Looking…" : "Continue"}
        </button>
        <p className="choice">
          <button type="button" className="link" onClick={onBack} disabled={busy}>
            Back
          </button>
        </p>
      </form>
    );
  }

  const role = `${offer.role_name}${offer.collections.length > 0 ? ` (${offer.collections.join(", ")})` : ""}`;
  // Answered before (by this person, if their passphrase opens it): no new passphrase.
  const choosing = fingerprint === null && !offer.answered;
  const mismatch = choosing && again !== "" && again !== pass;
  const ready = pass.length >= MIN_LENGTH && (!choosing || pass === again);
  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy || waiting || !ready) return;
        if (fingerprint !== null) {
          setWaiting(true);
          return;
        }
        void step(async () => {
          const answer = offer.answered ? commands.ownAnswer : commands.answerInvitation;
          setFingerprint(await answer(url.trim(), toCredentials(creds), code, pass));
          setWaiting(true);
        });
      }}
      data-testid="invitation-offer"
    >
      <h1>
        {offer.by} invites you, {offer.name}, as {role}
      </h1>
      {fingerprint === null ? (
        <p>
          {choosing
            ? "Choose your own passphrase: you sign in with it, and nobody else needs to know it."
            : "You answered this invitation before: type the passphrase you chose then."}
        </p>
      ) : (
        <>
          <p>
            Read these digits to {offer.by}, in person or by phone. They let you in once the digits match what they see.
          </p>
          <pre className="recovery-key" data-testid="my-fingerprint">
            {fingerprint}
          </pre>
        </>
      )}
      {!waiting && (
        <label>
          {choosing ? `Your passphrase (at least ${MIN_LENGTH} characters)` : "Your passphrase"}
          <input type="password" value={pass} onChange={(e) => setPass(e.target.value)} data-testid="invite-passphrase" />
        </label>
      )}
      {!waiting && choosing && (
        <label>
          Again
          <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid="invite-passphrase-again" />
        </label>
      )}
      {mismatch && <p className="muted small">The two passphrases differ.</p>}
      {waiting && (
        <p className="muted" role="status" data-testid="invite-waiting">
          Waiting for {offer.by} to let you in… The library opens here by itself.
        </p>
      )}
      {problem && <ErrorNote {...problem} />}
      {!waiting && (
        <button className="primary" type="submit" disabled={busy || !ready} data-testid="invite-answer">
          {busy ? "Working…" : choosing ? "Answer the invitation" : "Continue"}
        </button>
      )}
    </form>
  );
}

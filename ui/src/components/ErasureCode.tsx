// The erasure recovery code (issue 22), on the Records screen: records' own keys are
// under an erasure key that only the desktops' keyrings hold, so the records officer keeps
// a printed code that brings it back if every desktop is lost, and makes a new one after
// each destruction (the old one would still open copies taken before it). A desktop that
// waits for the key can take it with the code.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { Ability, ErasureState } from "../bindings";
import { ErrorNote } from "./ErrorNote";
import { gate } from "../lib/access";

const STATE_WORDS: Record<ErasureState["recovery_code"], string> = {
  none: "No recovery code was made. If every desktop of the library is lost, the records' contents are lost with them.",
  outdated:
    "The recovery code was made before the last destruction. Make a new one and shred the old sheet: it would still open copies taken before the destruction.",
  current: "A printed recovery code reaches the current erasure key.",
};

export function ErasureCode({ dispose }: { dispose: Ability }) {
  const client = useQueryClient();
  const [code, setCode] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const state = useQuery({ queryKey: ["library", "erasure"], queryFn: () => commands.erasureState() });
  const make = useMutation({
    mutationFn: () => commands.newErasureRecoveryCode(),
    onSuccess: (made) => {
      setCode(made);
      void client.invalidateQueries({ queryKey: ["library", "erasure"] });
    },
  });
  const recover = useMutation({
    mutationFn: (c: string) => commands.recoverErasure(c),
    onSuccess: () => {
      setTyped("");
      void client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const s = state.data;
  return (
    <>
      <h2>Erasure recovery code</h2>
      {state.isError && <ErrorNote {...describe(state.error)} />}
      {s && !s.begun && <p className="muted">The library holds no records yet.</p>}
      {s?.begun && (
        <p data-testid="erasure-state" data-state={s.recovery_code} className={s.recovery_code === "current" ? undefined : "danger"}>
          {STATE_WORDS[s.recovery_code]}
        </p>
      )}
      {s?.begun && s.held && !code && (
        <p>
          <button onClick={() => make.mutate()} disabled={make.isPending} data-testid="erasure-make" {...gate(dispose)}>
            Make a new recovery code
          </button>
        </p>
      )}
      {make.error && <ErrorNote {...describe(make.error)} />}
      {code && (
        <div role="status">
          <p>Print this code or write it down, and keep it locked away from the computers. It is shown only now.</p>
          <pre className="recovery-key" data-testid="erasure-code">
            {code}
          </pre>
          <p>
            <button onClick={() => window.print()}>Print</button>{" "}
            <button onClick={() => setCode(null)} data-testid="erasure-code-kept">
              I have kept it
            </button>
          </p>
        </div>
      )}
      {s?.begun && !s.held && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            recover.mutate(typed);
          }}
        >
          <p className="muted small">
            This desktop {s.waiting ? "waits for" : "does not hold"} the erasure key: another desktop of the library
            gives it when it next syncs. If every other desktop is lost, type the printed recovery code.
          </p>
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="Erasure recovery code"
            aria-label="Erasure recovery code"
            autoComplete="off"
            spellCheck={false}
            data-testid="erasure-recover-code"
          />{" "}
          <button type="submit" disabled={!typed.trim() || recover.isPending} data-testid="erasure-recover">
            Recover
          </button>
        </form>
      )}
      {recover.error && <ErrorNote {...describe(recover.error)} />}
    </>
  );
}

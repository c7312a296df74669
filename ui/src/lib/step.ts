// One step of opening the library (create, join, unlock): a call to the backend that
// keeps the form busy while it runs and shows the error in plain words if it fails.

import { useState } from "react";
import { describe } from "../api";

export interface Step {
  busy: boolean;
  error: ReturnType<typeof describe> | null;
  /** Runs `action` once. A failure frees the form again with its error; a success leaves
   *  it busy, since the screen moves on. */
  run: (action: () => Promise<void>) => Promise<void>;
}

export function useStep(): Step {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  }

  return { busy, error, run };
}

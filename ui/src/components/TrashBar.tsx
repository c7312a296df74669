// Above the trash: what the trash is, and emptying it (after asking).

import { useState } from "react";
import { commands, describe } from "../api";
import type { EmptiedTrash } from "../bindings";
import { ConfirmButton } from "./Confirm";
import { ErrorNote } from "./ErrorNote";
import { gate, useAccess } from "../lib/access";

export function TrashBar({ count }: { count: number | null }) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<EmptiedTrash | null>(null);
  const [error, setError] = useState<ReturnType<typeof describe> | null>(null);
  const access = useAccess();
  const empty = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await commands.emptyTrash());
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk" data-testid="trash-bar">
      <span className="small">
        Documents in the trash can be restored until the trash is emptied.
      </span>
      {busy ? (
        <span className="small muted">Emptying the trash…</span>
      ) : (
        count !== null &&
        count > 0 && (
          <ConfirmButton
            label="Empty the trash"
            question={`Delete ${count.toLocaleString("en-GB")} ${count === 1 ? "document" : "documents"} and all their versions for good?`}
            confirm="Delete for good"
            onConfirm={() => void empty()}
            testId="empty-trash"
            {...gate(access?.dispose)}
          />
        )
      )}
      {done && (
        <span className="small" data-testid="emptied">
          {done.deleted} deleted for good.
          {done.kept.length > 0 &&
            ` ${done.kept.length} kept: ${done.kept.map((k) => `“${k.title}” (${k.why})`).join(", ")}.`}
        </span>
      )}
      {error && <ErrorNote {...error} />}
    </div>
  );
}

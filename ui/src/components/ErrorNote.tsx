// An error in plain words, with what to do next; its kind gives it a heading.

import type { ErrorKind } from "../bindings";
import { headingFor } from "../lib/errors";

export function ErrorNote({
  message,
  hint,
  kind = null,
}: {
  message: string;
  hint: string | null;
  kind?: ErrorKind | null;
}) {
  const heading = headingFor(kind);
  return (
    <div className="error" role="alert" data-testid="error-note" data-kind={kind ?? undefined}>
      {heading && <div className="error-heading">{heading}</div>}
      <strong>{message}</strong>
      {hint && <div>{hint}</div>}
    </div>
  );
}

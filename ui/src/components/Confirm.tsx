// A button that asks once more, in place, before something that cannot be undone.

import { useState } from "react";

export function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
  testId,
  disabled,
  title,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => void;
  testId?: string;
  /** Not offered (the reason in `title`). */
  disabled?: boolean;
  title?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button className="danger" onClick={() => setAsking(true)} data-testid={testId} disabled={disabled} title={title}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={question}>
      <span>{question}</span>
      <button
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={testId ? `${testId}-yes` : undefined}
      >
        {confirm}
      </button>
      <button onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}

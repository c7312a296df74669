// An error in plain words, with what to do next.

export function ErrorNote({ message, hint }: { message: string; hint: string | null }) {
  return (
    <div className="error" role="alert" data-testid="error-note">
      <strong>{message}</strong>
      {hint && <div>{hint}</div>}
    </div>
  );
}

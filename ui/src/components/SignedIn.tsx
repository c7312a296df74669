// Who is signed in, in the sidebar, and signing out (offices share desktops).

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import { ErrorNote } from "./ErrorNote";
import { useAccess } from "../lib/access";

export function SignedIn() {
  const access = useAccess();
  const client = useQueryClient();
  const out = useMutation({
    mutationFn: () => commands.signOut(),
    onSuccess: () => {
      client.removeQueries({ queryKey: ["library"] });
      return client.invalidateQueries({ queryKey: ["state"] });
    },
  });
  if (!access?.person) return null;
  return (
    <div className="signed-in" data-testid="signed-in">
      <span>
        {access.person.name} <span className="muted small">({access.person.role_name})</span>
      </span>
      <button className="link small" onClick={() => out.mutate()} disabled={out.isPending} data-testid="sign-out">
        Sign out
      </button>
      {out.isError && <ErrorNote {...describe(out.error)} />}
    </div>
  );
}

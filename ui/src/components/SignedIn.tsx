// Who is signed in, in the sidebar, and signing out: by hand, or after the settings'
// minutes without use (offices share desktops).

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import { ErrorNote } from "./ErrorNote";
import { useAccess } from "../lib/access";
import { useIdle } from "../lib/idle";

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
  const settings = useQuery({ queryKey: ["settings"], queryFn: () => commands.getSettings() });
  const minutes = access?.person ? (settings.data?.settings.lock_after_minutes ?? 15) : null;
  useIdle(minutes, () => out.mutate());
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

// Who is signed in, in the sidebar, and signing out: by hand, after the settings'
// minutes without use, or when the OS session locks (offices share desktops).

import { useEffect } from "react";
import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe, events, listening } from "../api";
import { ErrorNote } from "./ErrorNote";
import { useAccess } from "../lib/access";
import { useIdle } from "../lib/idle";

/** Forget the library's answers and ask again where the library stands (locked now). */
function signedOut(client: QueryClient) {
  client.removeQueries({ queryKey: ["library"] });
  return client.invalidateQueries({ queryKey: ["state"] });
}

export function SignedIn() {
  const access = useAccess();
  const client = useQueryClient();
  const out = useMutation({ mutationFn: () => commands.signOut(), onSuccess: () => signedOut(client) });
  // The backend signed the person out because the OS session locked (the screen saver
  // or logind): ask who is signing in, as after signing out by hand.
  useEffect(() => listening(events.sessionLocked.listen(() => void signedOut(client))), [client]);
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

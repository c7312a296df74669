// Invitations on an owner's People and access screen (issue 21): invite a person by a
// one-time code handed over in person or by phone; when they answer from their own
// desktop, type the fingerprint they read out to let them in (the screen does not show
// the expected digits, so they are compared, not copied); withdraw what is not wanted.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { InvitationView, Role } from "../bindings";
import { ErrorNote } from "./ErrorNote";
import { ConfirmButton } from "./Confirm";
import { formatDate } from "../lib/format";
import { collectionsOf, digitsOf } from "../lib/access";

/** How often the list asks the shared storage for answers while an invitation is open. */
const LOOK_EVERY_MS = 5000;

export function InvitePerson({ roles }: { roles: [Role, string][] }) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("registrar_staff");
  const [collections, setCollections] = useState("");
  const invite = useMutation({
    mutationFn: () =>
      commands.inviteStaff(name.trim(), role, role === "department_staff" ? collectionsOf(collections) : []),
    onSuccess: () => {
      setName("");
      setCollections("");
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const ready = name.trim() !== "" && (role !== "department_staff" || collectionsOf(collections).length > 0);
  return (
    <form
      className="card add-person"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) invite.mutate();
      }}
      data-testid="invite-person"
    >
      <h2>Invite a person</h2>
      <p className="muted small">
        They join from their own desktop with a one-time code you give them yourself, in person or by phone. Their
        keys are made there; you let them in once the fingerprint they read to you matches.
      </p>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="invite-name" />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="invite-role">
          {roles.map(([r, words]) => (
            <option key={r} value={r}>
              {words}
            </option>
          ))}
        </select>
      </label>
      {role === "department_staff" && (
        <label>
          Collections (separated by commas)
          <input value={collections} onChange={(e) => setCollections(e.target.value)} data-testid="invite-collections" />
        </label>
      )}
      {invite.isError && <ErrorNote {...describe(invite.error)} />}
      {invite.isSuccess && (
        <div data-testid="invited">
          <p>
            Give {invite.data.name} this code yourself (not by e-mail through the shared storage). It is open until{" "}
            {formatDate(invite.data.expires, true)}.
          </p>
          <pre className="recovery-key" data-testid="invite-code">
            {invite.data.code}
          </pre>
          <p className="muted small">
            On their desktop they choose "Join with an invitation code", enter the shared storage's address and this
            code, and read you the fingerprint they are shown.
          </p>
        </div>
      )}
      <button className="primary" type="submit" disabled={!ready || invite.isPending} data-testid="invite">
        {invite.isPending ? "Inviting…" : "Invite"}
      </button>
    </form>
  );
}

export function InvitationList() {
  const list = useQuery({
    queryKey: ["library", "invitations"],
    queryFn: () => commands.invitations(),
    refetchInterval: (q) => (q.state.data?.some((i) => i.state === "open") ? LOOK_EVERY_MS : false),
  });
  if (list.isError) return <ErrorNote {...describe(list.error)} />;
  const all = list.data ?? [];
  if (all.length === 0) return null;
  return (
    <section className="card held-changes" data-testid="invitations">
      <h2>Invitations</h2>
      <ul>
        {all.map((i) => (
          <Invitation key={i.id} invitation={i} />
        ))}
      </ul>
    </section>
  );
}

const STATES: Record<InvitationView["state"], string> = {
  open: "open",
  joined: "joined",
  withdrawn: "withdrawn",
  expired: "expired",
};

function Invitation({ invitation: i }: { invitation: InvitationView }) {
  const client = useQueryClient();
  const [typed, setTyped] = useState("");
  const done = () => client.invalidateQueries({ queryKey: ["library"] });
  const confirm = useMutation({ mutationFn: () => commands.confirmInvitation(i.id, typed), onSuccess: done });
  const withdraw = useMutation({ mutationFn: () => commands.withdrawInvitation(i.id), onSuccess: done });
  const complete = digitsOf(typed).length === 24;
  return (
    <li data-testid={`invitation-${i.name}`}>
      <strong>{i.name}</strong>, {i.role_name}
      {i.collections.length > 0 && ` (${i.collections.join(", ")})`}: {STATES[i.state]}
      {i.state === "open" && !i.answered && (
        <span className="muted small">
          {" "}
          — waiting for their answer{i.code !== null && (
            <>
              ; their code is <code>{i.code}</code>
            </>
          )}
        </span>
      )}
      {i.state === "open" && i.answered && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (complete) confirm.mutate();
          }}
          data-testid={`answered-${i.name}`}
        >
          <p className="small">
            They answered. Ask them to read you the 24 digits on their screen, and type them here as you hear them:
            they are let in only if the digits are those of the answer that arrived.
          </p>
          <div className="line">
            <label className="inline">
              The digits they read
              <input
                value={typed}
                inputMode="numeric"
                onChange={(e) => setTyped(e.target.value)}
                data-testid={`confirm-digits-${i.name}`}
              />
            </label>
            <button type="submit" disabled={!complete || confirm.isPending} data-testid={`confirm-${i.name}`}>
              Let them in
            </button>
          </div>
        </form>
      )}
      {i.state === "open" && (
        <ConfirmButton
          label="Withdraw"
          question={`Withdraw the invitation of ${i.name}? Their answer is never accepted.`}
          confirm="Withdraw"
          onConfirm={() => withdraw.mutate()}
          testId={`withdraw-${i.name}`}
        />
      )}
      {confirm.isError && <ErrorNote {...describe(confirm.error)} />}
      {withdraw.isError && <ErrorNote {...describe(withdraw.error)} />}
    </li>
  );
}

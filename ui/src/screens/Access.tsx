// People and access (issue 21): who keeps the library, their roles and fingerprints; an
// owner invites people (who join from their own desktops) or adds them here (each types
// their own passphrase), changes roles and removes people.
// In a library not yet kept by its people, whoever unlocked can take it into their keeping.

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, describe } from "../api";
import type { CollectionKeysView, HeldChange, Role, StaffMember } from "../bindings";
import { ErrorNote } from "../components/ErrorNote";
import { ConfirmButton } from "../components/Confirm";
import { InvitationList, InvitePerson } from "../components/Invitations";
import { collectionsOf, gate, useAccess } from "../lib/access";
import { formatDate } from "../lib/format";

const ROLES: [Role, string][] = [
  ["owner", "Owner: manages people and roles, and everything else"],
  ["records_officer", "Records officer: retention, holds, deleting for good"],
  ["registrar_staff", "Registrar staff: reads and files every record"],
  ["department_staff", "Department staff: their collections' records only"],
  ["auditor", "Auditor: reads records and the history, changes nothing"],
];

export function Access() {
  const access = useAccess();
  const people = useQuery({ queryKey: ["library", "staff"], queryFn: () => commands.staff() });
  if (!access) return <p className="muted">Loading…</p>;
  if (!access.kept_by_people) return <TakeOwnership />;
  return (
    <section className="access" data-testid="access">
      <h1>People and access</h1>
      <p className="muted">
        Each person signs in with their own passphrase. Compare a new person's fingerprint with the one their own
        screen shows before they rely on it.
      </p>
      {people.isError && <ErrorNote {...describe(people.error)} />}
      <table className="staff" data-testid="staff">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Collections</th>
            <th>Fingerprint</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(people.data ?? []).map((p) => (
            <StaffRow key={p.member} person={p} manage={access.manage_people} />
          ))}
        </tbody>
      </table>
      <HeldChanges />
      <CollectionKeys />
      <ChangePassphrase />
      {access.manage_people.allowed && <InvitationList />}
      {access.manage_people.allowed ? (
        <>
          <InvitePerson roles={ROLES} />
          <AddPerson />
        </>
      ) : (
        <p className="muted small" data-testid="manage-reason">
          {access.manage_people.reason}
        </p>
      )}
    </section>
  );
}

/** Changes received from other desktops and not applied: refused (with why) or waiting for their author. */
function HeldChanges() {
  const held = useQuery({ queryKey: ["library", "held"], queryFn: () => commands.heldChanges() });
  if (held.isError) return <ErrorNote {...describe(held.error)} />;
  const list = held.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="card held-changes" data-testid="held-changes">
      <h2>Changes not applied</h2>
      <p className="muted small">
        These changes reached this desktop but were not applied: they are kept, never deleted. Show them to the
        library's owner.
      </p>
      <ul>
        {list.map((h: HeldChange, i) => (
          <li key={`${h.when}-${i}`}>
            <strong>{h.refused ? "Refused" : "Waiting"}</strong>: {h.by ?? "no one"}, {formatDate(h.when, true)},{" "}
            {h.documents} document{h.documents === 1 ? "" : "s"}: {h.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Each collection's own key: who it is sealed to, and whether this person can open its records. */
function CollectionKeys() {
  const keys = useQuery({ queryKey: ["library", "collection-keys"], queryFn: () => commands.collectionKeys() });
  if (keys.isError) return <ErrorNote {...describe(keys.error)} />;
  const list = keys.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="card collection-keys" data-testid="collection-keys">
      <h2>Collections and their keys</h2>
      <p className="muted small">
        A collection's records are sealed with its own key, given only to the people who may read them. When someone
        leaves or moves, the collection gets a new key for everything written after.
      </p>
      <table>
        <thead>
          <tr>
            <th>Collection</th>
            <th>Key</th>
            <th>Given to</th>
            <th>You</th>
          </tr>
        </thead>
        <tbody>
          {list.map((k: CollectionKeysView) => (
            <tr key={k.collection} data-collection={k.collection}>
              <td>{k.collection}</td>
              <td>{k.epoch + 1}</td>
              <td>{k.readers.join(", ")}</td>
              <td data-testid="readable">{k.readable ? "can read" : "cannot read"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function StaffRow({ person, manage }: { person: StaffMember; manage: { allowed: boolean; reason: string | null } }) {
  const client = useQueryClient();
  const done = () => client.invalidateQueries({ queryKey: ["library"] });
  const role = useMutation({
    mutationFn: (next: Role) =>
      commands.setStaffRole(person.member, next, next === "department_staff" ? person.collections : []),
    onSuccess: done,
  });
  const remove = useMutation({ mutationFn: () => commands.removeStaff(person.member), onSuccess: done });
  const owner = person.role === "owner" && person.signed_in;
  return (
    <tr data-testid={`staff-${person.name}`}>
      <td>
        {person.name}
        {person.signed_in && <span className="muted small"> (you)</span>}
      </td>
      <td>
        <select
          aria-label={`Role of ${person.name}`}
          value={person.role}
          onChange={(e) => role.mutate(e.target.value as Role)}
          {...gate(owner ? { allowed: false, reason: "You stay the owner." } : manage)}
        >
          {ROLES.filter(([r]) => r !== "department_staff" || person.collections.length > 0).map(([r]) => (
            <option key={r} value={r}>
              {r.replace("_", " ")}
            </option>
          ))}
        </select>
        {role.isError && <ErrorNote {...describe(role.error)} />}
      </td>
      <td>{person.collections.join(", ")}</td>
      <td>
        <code className="fingerprint">{person.fingerprint}</code>
      </td>
      <td>
        {!person.signed_in && (
          <ConfirmButton
            label="Remove"
            question={`Remove ${person.name}? Nothing they do from now on is accepted; what they already downloaded stays with them.`}
            confirm="Remove"
            onConfirm={() => remove.mutate()}
            testId={`remove-${person.name}`}
            {...gate(manage)}
          />
        )}
        {remove.isError && <ErrorNote {...describe(remove.error)} />}
        {manage.allowed && !person.signed_in && <NewKeys person={person} />}
      </td>
    </tr>
  );
}

function AddPerson() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [role, setRole] = useState<Role>("registrar_staff");
  const [collections, setCollections] = useState("");
  const add = useMutation({
    mutationFn: () =>
      commands.addStaff(name.trim(), passphrase, role, role === "department_staff" ? collectionsOf(collections) : []),
    onSuccess: () => {
      setName("");
      setPassphrase("");
      setAgain("");
      setCollections("");
      return client.invalidateQueries({ queryKey: ["library"] });
    },
  });
  const mismatch = again !== "" && again !== passphrase;
  const ready =
    name.trim() !== "" &&
    passphrase.length >= 8 &&
    passphrase === again &&
    (role !== "department_staff" || collectionsOf(collections).length > 0);
  return (
    <form
      className="card add-person"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) add.mutate();
      }}
      data-testid="add-person"
    >
      <h2>Add a person on this desktop</h2>
      <p className="muted small">They type their own passphrase here; nobody else needs to know it.</p>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="person-name" />
      </label>
      <label>
        Role
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="person-role">
          {ROLES.map(([r, words]) => (
            <option key={r} value={r}>
              {words}
            </option>
          ))}
        </select>
      </label>
      {role === "department_staff" && (
        <label>
          Collections (separated by commas)
          <input value={collections} onChange={(e) => setCollections(e.target.value)} data-testid="person-collections" />
        </label>
      )}
      <label>
        Their passphrase (at least 8 characters)
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="person-passphrase" />
      </label>
      <label>
        Again
        <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid="person-passphrase-again" />
      </label>
      {mismatch && <p className="muted small">The two passphrases differ.</p>}
      {add.isError && <ErrorNote {...describe(add.error)} />}
      {add.isSuccess && (
        <p data-testid="added">
          Added {add.data.name}. Fingerprint: <code className="fingerprint">{add.data.fingerprint}</code>
        </p>
      )}
      <button className="primary" type="submit" disabled={!ready || add.isPending} data-testid="person-add">
        {add.isPending ? "Adding…" : "Add"}
      </button>
    </form>
  );
}

function TakeOwnership() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const take = useMutation({
    mutationFn: () => commands.takeOwnership(name.trim(), passphrase),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  const ready = name.trim() !== "" && passphrase.length >= 8 && passphrase === again;
  return (
    <form
      className="card narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) take.mutate();
      }}
      data-testid="take-ownership"
    >
      <h1>Keep this library by its people</h1>
      <p className="muted">
        Today anyone with the library's passphrase may do anything, and the history names whoever typed it. Kept by
        its people, each person signs in with their own passphrase and may do what their role allows; you become its
        owner. The library's passphrase then opens nothing; the recovery key stays in your safe.
      </p>
      <label>
        Your name
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="owner-name" />
      </label>
      <label>
        Your own passphrase (at least 8 characters)
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="owner-passphrase" />
      </label>
      <label>
        Again
        <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid="owner-passphrase-again" />
      </label>
      {take.isError && <ErrorNote {...describe(take.error)} />}
      <button className="primary" type="submit" disabled={!ready || take.isPending} data-testid="take">
        {take.isPending ? "Working…" : "Become the owner"}
      </button>
    </form>
  );
}

/** A new passphrase typed twice; `onSet` receives it once both agree. */
function PassphrasePair({ label, busy, testId, onSet }: { label: string; busy: boolean; testId: string; onSet: (p: string) => void }) {
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const ready = passphrase.length >= 8 && passphrase === again;
  return (
    <form
      className="line"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) {
          onSet(passphrase);
          setPassphrase("");
          setAgain("");
        }
      }}
    >
      <label className="inline">
        New passphrase
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid={`${testId}-new`} />
      </label>
      <label className="inline">
        Again
        <input type="password" value={again} onChange={(e) => setAgain(e.target.value)} data-testid={`${testId}-again`} />
      </label>
      <button type="submit" disabled={!ready || busy} data-testid={testId}>
        {label}
      </button>
    </form>
  );
}

/** The signed-in person changes their own passphrase (the same keys). */
function ChangePassphrase() {
  const change = useMutation({ mutationFn: (p: string) => commands.changePassphrase(p) });
  return (
    <section className="card add-person" data-testid="change-passphrase">
      <h2>Your passphrase</h2>
      <PassphrasePair label="Change it" busy={change.isPending} testId="change-passphrase-set" onSet={(p) => change.mutate(p)} />
      {change.isSuccess && <p className="small">Changed, on every desktop once they sync.</p>}
      {change.isError && <ErrorNote {...describe(change.error)} />}
    </section>
  );
}

/** An owner gives a person who forgot their passphrase new keys; they type the new one. */
function NewKeys({ person }: { person: StaffMember }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const reset = useMutation({
    mutationFn: (p: string) => commands.resetStaff(person.member, p),
    onSuccess: () => client.invalidateQueries({ queryKey: ["library"] }),
  });
  if (!open)
    return (
      <button className="link small" onClick={() => setOpen(true)} data-testid={`new-keys-${person.name}`}>
        Forgot their passphrase…
      </button>
    );
  return (
    <div>
      <p className="small muted">
        {person.name} types a new passphrase; their old one opens nothing after.
        {person.role === "department_staff" &&
          " Their own desktop's copy opens only with their old keys: with the new ones they join the library again there, in a new folder."}
      </p>
      <PassphrasePair label="Give new keys" busy={reset.isPending} testId={`new-keys-${person.name}-set`} onSet={(p) => reset.mutate(p)} />
      {reset.isSuccess && (
        <p className="small">
          New fingerprint: <code className="fingerprint">{reset.data.fingerprint}</code>
        </p>
      )}
      {reset.isError && <ErrorNote {...describe(reset.error)} />}
    </div>
  );
}

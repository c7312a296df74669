// Optional credentials for a shared place, behind a disclosure: an access key (cloud
// storage) or a password (WebDAV). Used when adding a remote and when joining one.

import type { TypedCredentials } from "../lib/sync";

/** The test ids of the three boxes (adding a remote and joining use different ones). */
export interface CredentialIds {
  keyId: string;
  secret: string;
  password: string;
}

export function CredentialFields({
  value,
  onChange,
  ids,
}: {
  value: TypedCredentials;
  onChange: (c: TypedCredentials) => void;
  ids: CredentialIds;
}) {
  const set = (part: Partial<TypedCredentials>) => onChange({ ...value, ...part });
  return (
    <details className="credentials">
      <summary>Access key or password</summary>
      <p className="small muted">
        Only if the place asks for one. They are kept in this computer’s keyring, never in the library.
      </p>
      <label>
        Access key id (cloud storage)
        <input
          value={value.keyId}
          onChange={(e) => set({ keyId: e.target.value })}
          autoComplete="off"
          spellCheck={false}
          data-testid={ids.keyId}
        />
      </label>
      <label>
        Secret access key
        <input
          type="password"
          value={value.secret}
          onChange={(e) => set({ secret: e.target.value })}
          autoComplete="off"
          data-testid={ids.secret}
        />
      </label>
      <label>
        Password (WebDAV)
        <input
          type="password"
          value={value.password}
          onChange={(e) => set({ password: e.target.value })}
          autoComplete="off"
          data-testid={ids.password}
        />
      </label>
    </details>
  );
}

// The fields that name a shared place: where it is, and optional credentials behind a
// disclosure, an access key (cloud storage) or a password (WebDAV). Used when adding a
// remote and when joining one.

import { REMOTE_EXAMPLES, type TypedCredentials } from "../lib/sync";

/** Where the library is kept: a folder path or a cloud/WebDAV address. `label` names the
 *  box for screen readers when it stands outside a visible label. */
export function RemoteUrl({
  value,
  onChange,
  testId,
  label,
  autoFocus,
}: {
  value: string;
  onChange: (url: string) => void;
  testId: string;
  label?: string;
  autoFocus?: boolean;
}) {
  return (
    <input
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={REMOTE_EXAMPLES}
      aria-label={label}
      spellCheck={false}
      data-testid={testId}
    />
  );
}

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
  /** One labelled box for one part of the credentials; secret parts are hidden as typed. */
  const box = (label: string, part: keyof TypedCredentials, hidden: boolean) => (
    <label>
      {label}
      <input
        type={hidden ? "password" : undefined}
        value={value[part]}
        onChange={(e) => onChange({ ...value, [part]: e.target.value })}
        autoComplete="off"
        spellCheck={hidden ? undefined : false}
        data-testid={ids[part]}
      />
    </label>
  );
  return (
    <details className="credentials">
      <summary>Access key or password</summary>
      <p className="small muted">
        Only if the place asks for one. They are kept in this computer’s keyring, never in the library.
      </p>
      {box("Access key id (cloud storage)", "keyId", false)}
      {box("Secret access key", "secret", true)}
      {box("Password (WebDAV)", "password", true)}
    </details>
  );
}

// How an error from the backend is shown: its kind chooses the heading.

import type { ErrorKind } from "../bindings";

/** A heading above the message for the kinds a person should tell apart at a glance;
 *  `null` where the message says it all. */
export function headingFor(kind: ErrorKind | null): string | null {
  switch (kind) {
    case "update_needed":
      return "Dossier needs an update";
    case "offline":
      return "Offline";
    case "unavailable":
      return "Not available on this desktop";
    case "damaged":
      return "Damaged data";
    case "held":
      return "Kept by a hold";
    case "not_permitted":
      return "Not allowed for your role";
    case "internal":
      return "Something went wrong in Dossier";
    case "waiting":
      return "Waiting for someone else";
    case "not_open":
    case "in_use":
    case "wrong_passphrase":
    case "not_found":
    case "invalid":
    case "system":
    case null:
      return null;
  }
}

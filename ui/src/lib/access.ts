// Who is signed in and what they may do (issue 21), for every screen that offers an
// action: a button the person's role does not allow is disabled, with the reason.

import { useQuery } from "@tanstack/react-query";
import { commands } from "../api";
import type { Ability, AccessState } from "../bindings";

/** The access of the signed-in person (refreshed with every change to the library). */
export function useAccess(): AccessState | undefined {
  return useQuery({ queryKey: ["library", "access"], queryFn: () => commands.access() }).data;
}

/** Props that disable a control the person may not use, saying why on hover and to
 *  screen readers. Allowed while the access is still being asked for: the backend
 *  refuses anyway. */
export function gate(ability: Ability | undefined): { disabled?: boolean; title?: string } {
  if (!ability || ability.allowed) return {};
  return { disabled: true, title: ability.reason ?? undefined };
}

/** The collections typed in one field, separated by commas. */
export function collectionsOf(text: string): string[] {
  return text
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
}

/** The digits of a fingerprint as typed or read out (spaces and dashes do not matter). */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

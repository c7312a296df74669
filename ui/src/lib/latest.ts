// As-you-type without a typing pause: the newest value is passed on at once when nothing is
// in flight, and otherwise as soon as what is in flight settles, so at most one search runs
// and one waits, and the last keystroke never waits for a timer.

import { useEffect } from "react";

/** Calls `pass(value)` at once while `busy` is false; while `busy` is true it waits, then
 *  passes the newest `value` when `busy` clears (values in between are skipped). */
export function usePassWhenIdle<T>(value: T, busy: boolean, pass: (value: T) => void): void {
  useEffect(() => {
    if (!busy) pass(value);
  }, [value, busy, pass]);
}

// Signing out after a time without use (issue 21): offices share desktops, so a library
// kept by its people does not stay open for whoever sits down next.

import { useEffect, useRef } from "react";

const ACTIVITY = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"] as const;

/**
 * Call `onIdle` once after `minutes` without a key pressed, the mouse moved or the page
 * scrolled (`minutes` 0 or null: never). Activity anywhere in the window starts the
 * count again.
 */
export function useIdle(minutes: number | null, onIdle: () => void): void {
  const callback = useRef(onIdle);
  callback.current = onIdle;
  useEffect(() => {
    if (!minutes) return;
    const limit = minutes * 60_000;
    let timer = window.setTimeout(() => callback.current(), limit);
    const active = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => callback.current(), limit);
    };
    for (const e of ACTIVITY) window.addEventListener(e, active, { passive: true, capture: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, active, { capture: true });
    };
  }, [minutes]);
}

// The idle sign-out: it fires after the minutes without use, activity starts the count
// again, and 0 means never.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderHook } from "@testing-library/react";
import { useIdle } from "./idle";

describe("useIdle", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("signs out after the minutes without use, and activity starts the count again", () => {
    const idle = vi.fn();
    renderHook(() => useIdle(2, idle));
    vi.advanceTimersByTime(119_000);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    vi.advanceTimersByTime(119_000);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it("never fires when the setting is 0", () => {
    const idle = vi.fn();
    renderHook(() => useIdle(0, idle));
    vi.advanceTimersByTime(24 * 60 * 60_000);
    expect(idle).not.toHaveBeenCalled();
  });
});

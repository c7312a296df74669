import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { usePassWhenIdle } from "./latest";

function track(initial: { v: string; busy: boolean }) {
  const passed: string[] = [];
  const pass = (v: string) => passed.push(v);
  const hook = renderHook(({ v, busy }) => usePassWhenIdle(v, busy, pass), { initialProps: initial });
  return { passed, rerender: hook.rerender };
}

describe("usePassWhenIdle", () => {
  it("passes each value on at once when nothing is in flight", () => {
    const { passed, rerender } = track({ v: "a", busy: false });
    rerender({ v: "ab", busy: false });
    expect(passed).toEqual(["a", "ab"]);
  });

  it("holds while busy, skips what was typed meanwhile, and passes the newest when done", () => {
    const { passed, rerender } = track({ v: "inv", busy: true });
    rerender({ v: "invo", busy: true });
    rerender({ v: "invoi", busy: true });
    expect(passed).toEqual([]);
    rerender({ v: "invoi", busy: false });
    expect(passed).toEqual(["invoi"]);
  });
});

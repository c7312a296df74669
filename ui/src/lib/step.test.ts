import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useStep } from "./step";

describe("useStep", () => {
  it("is busy while the action runs and stays busy once it succeeds", async () => {
    const { result } = renderHook(() => useStep());
    let finish = () => {};
    let running!: Promise<void>;
    act(() => {
      running = result.current.run(() => new Promise<void>((done) => (finish = done)));
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      finish();
      await running;
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeNull();
  });

  it("frees the form with the error in plain words when the action fails, and clears it on the next try", async () => {
    const { result } = renderHook(() => useStep());
    await act(() =>
      result.current.run(() => Promise.reject({ message: "Wrong passphrase", hint: "Try again", kind: "wrong_passphrase" })),
    );
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toEqual({ message: "Wrong passphrase", hint: "Try again", kind: "wrong_passphrase" });

    act(() => {
      void result.current.run(() => new Promise<void>(() => {}));
    });
    expect(result.current.busy).toBe(true);
    expect(result.current.error).toBeNull();
  });
});

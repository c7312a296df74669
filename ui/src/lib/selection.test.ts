import { describe, expect, it } from "vitest";
import { click, empty } from "./selection";

const order = ["a", "b", "c", "d", "e"];
const plain = { toggle: false, range: false };
const toggle = { toggle: true, range: false };
const range = { toggle: false, range: true };

describe("selection", () => {
  it("a plain click selects one", () => {
    const s = click(click(empty(), "b", order, plain), "d", order, plain);
    expect([...s.ids]).toEqual(["d"]);
  });
  it("Ctrl+click adds and removes", () => {
    let s = click(empty(), "b", order, plain);
    s = click(s, "d", order, toggle);
    expect([...s.ids].sort()).toEqual(["b", "d"]);
    s = click(s, "b", order, toggle);
    expect([...s.ids]).toEqual(["d"]);
  });
  it("Shift+click selects a range either way from the anchor", () => {
    let s = click(empty(), "d", order, plain);
    s = click(s, "b", order, range);
    expect([...s.ids].sort()).toEqual(["b", "c", "d"]);
    s = click(s, "e", order, range);
    expect([...s.ids].sort()).toEqual(["d", "e"]);
  });
  it("Shift+click with no anchor selects just that one", () => {
    const s = click(empty(), "c", order, range);
    expect([...s.ids]).toEqual(["c"]);
  });
});

import { describe, expect, it } from "vitest";
import type { DiffLine } from "../bindings";
import { sideBySide } from "./sideBySide";

const line = (op: DiffLine["op"], text: string): DiffLine => ({
  op,
  text,
  old_page: op === "added" ? null : 1,
  new_page: op === "removed" ? null : 1,
  changes: [],
});

describe("sideBySide", () => {
  it("pairs a replaced line with its replacement and keeps context on both sides", () => {
    const rows = sideBySide({
      old_pages: [1, 1],
      new_pages: [1, 1],
      lines: [line("equal", "a"), line("removed", "b"), line("added", "B"), line("equal", "c")],
    });
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ["a", "a"],
      ["b", "B"],
      ["c", "c"],
    ]);
  });
  it("leaves a gap where one side has more lines", () => {
    const rows = sideBySide({
      old_pages: null,
      new_pages: [2, 2],
      lines: [line("removed", "x"), line("added", "y"), line("added", "z"), line("added", "w")],
    });
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      ["x", "y"],
      [null, "z"],
      [null, "w"],
    ]);
  });
  it("does not pair an addition with a later removal", () => {
    const rows = sideBySide({
      old_pages: null,
      new_pages: null,
      lines: [line("added", "new"), line("removed", "old")],
    });
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([
      [null, "new"],
      ["old", null],
    ]);
  });
});

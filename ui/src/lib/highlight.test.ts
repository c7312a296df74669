import { describe, expect, it } from "vitest";
import { segments } from "./highlight";

describe("segments", () => {
  it("marks the ranges and keeps the rest plain", () => {
    expect(segments("final grade was excellent", [[6, 11]])).toEqual([
      { text: "final ", hit: false },
      { text: "grade", hit: true },
      { text: " was excellent", hit: false },
    ]);
  });
  it("counts characters, not UTF-16 units", () => {
    // "Élève 📄 grade": the emoji is one character for the backend.
    expect(segments("Élève 📄 grade", [[8, 13]])).toEqual([
      { text: "Élève 📄 ", hit: false },
      { text: "grade", hit: true },
    ]);
  });
  it("merges overlapping ranges and ignores ones past the end", () => {
    expect(segments("abcdef", [[3, 5], [1, 4], [10, 12]])).toEqual([
      { text: "a", hit: false },
      { text: "bcde", hit: true },
      { text: "f", hit: false },
    ]);
    expect(segments("", [[0, 3]])).toEqual([]);
  });
});

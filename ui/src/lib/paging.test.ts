import { describe, expect, it } from "vitest";
import { PAGE, pagesFor } from "./paging";

describe("pagesFor", () => {
  it("always includes the first page", () => {
    expect(pagesFor(0, 20, 1000)).toEqual([0]);
    expect(pagesFor(5 * PAGE + 3, 5 * PAGE + 40, 100_000)).toEqual([0, 5]);
  });
  it("covers rows spanning a page boundary", () => {
    expect(pagesFor(PAGE - 5, PAGE + 5, 100_000)).toEqual([0, 1]);
  });
  it("never asks past the last page", () => {
    expect(pagesFor(0, 10_000, 250)).toEqual([0, 1, 2]);
    expect(pagesFor(0, 10, null)).toEqual([0]);
  });
});

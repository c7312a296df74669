import { describe, expect, it } from "vitest";
import { PAGE, pageSpan, pagesFor } from "./paging";

describe("pagesFor", () => {
  it("always includes the first page", () => {
    expect(pagesFor(0, 20, 1000)).toEqual([0]);
    expect(pagesFor(5 * PAGE + 3, 5 * PAGE + 40, 100_000)).toEqual([0, 5]);
  });
  it("covers rows spanning a page boundary", () => {
    expect(pagesFor(PAGE - 5, PAGE + 5, 100_000)).toEqual([0, 1]);
  });
  it("never asks past the last page", () => {
    expect(pagesFor(0, 10_000, 2 * PAGE + PAGE / 2)).toEqual([0, 1, 2]);
    expect(pagesFor(0, 10, null)).toEqual([0]);
  });
  it("widens a range of rows to whole pages", () => {
    expect(pageSpan(0, 20)).toEqual([0, PAGE - 1]);
    expect(pageSpan(PAGE + 5, PAGE + 20)).toEqual([PAGE, 2 * PAGE - 1]);
    expect(pageSpan(2 * PAGE - 3, 2 * PAGE + 3)).toEqual([PAGE, 3 * PAGE - 1]);
    // Rows scrolled inside one page give the same span.
    expect(pageSpan(PAGE + 1, PAGE + 10)).toEqual(pageSpan(PAGE + 20, PAGE + 30));
    expect(pageSpan(5, 2)).toEqual([5, 2]);
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_COLUMNS, columnsOf, toggled } from "./columns";

describe("columns", () => {
  it("reads a saved view's columns, leaving out unknown and repeated names", () => {
    expect(columnsOf(["tags", "colour", "date", "tags"])).toEqual(["tags", "date"]);
    expect(columnsOf([])).toEqual(DEFAULT_COLUMNS);
    expect(columnsOf(["colour"])).toEqual(DEFAULT_COLUMNS);
  });

  it("shows and hides a column in the list's order, keeping at least one", () => {
    expect(toggled(["type", "date"], "tags")).toEqual(["type", "date", "tags"]);
    expect(toggled(["date", "tags"], "type")).toEqual(["type", "date", "tags"]);
    expect(toggled(["type", "date"], "type")).toEqual(["date"]);
    expect(toggled(["date"], "date")).toEqual(["date"]);
  });
});

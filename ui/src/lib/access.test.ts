import { describe, expect, it } from "vitest";
import { collectionsOf, digitsOf, gate } from "./access";

describe("access helpers", () => {
  it("reads collections separated by commas, without blanks", () => {
    expect(collectionsOf(" science, history ,, ")).toEqual(["science", "history"]);
    expect(collectionsOf("")).toEqual([]);
  });

  it("keeps only the digits of a fingerprint as it was typed", () => {
    expect(digitsOf("1234 5678-9012 3456 7890 1234")).toBe("123456789012345678901234");
    expect(digitsOf("12a34")).toBe("1234");
  });

  it("disables what a role does not allow, with the reason", () => {
    expect(gate({ allowed: false, reason: "As auditor, you may not edit." })).toEqual({
      disabled: true,
      title: "As auditor, you may not edit.",
    });
    expect(gate({ allowed: true, reason: null })).toEqual({});
  });
});

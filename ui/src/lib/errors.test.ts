import { describe, expect, it } from "vitest";
import { headingFor } from "./errors";

describe("headingFor", () => {
  it("names the kinds that need another step than trying again", () => {
    expect(headingFor("update_needed")).toBe("Dossier needs an update");
    expect(headingFor("offline")).toBe("Offline");
    expect(headingFor("unavailable")).toBe("Not available on this desktop");
    expect(headingFor("internal")).toBe("Something went wrong in Dossier");
    expect(headingFor("not_permitted")).toBe("Not allowed for your role");
  });

  it("leaves plain refusals and unknown errors to their message", () => {
    expect(headingFor("invalid")).toBeNull();
    expect(headingFor(null)).toBeNull();
  });
});

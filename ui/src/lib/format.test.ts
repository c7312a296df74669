import { describe, expect, it } from "vitest";
import { formatBytes, formatDate, isPicture, kindOf } from "./format";

describe("formatBytes", () => {
  it("keeps small sizes exact and rounds larger ones", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1024)).toBe("1.0 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(20 * 1024 * 1024)).toBe("20 MB");
    expect(formatBytes(3.5 * 1024 ** 3)).toBe("3.5 GB");
  });
  it("shows nothing for impossible sizes", () => {
    expect(formatBytes(-1)).toBe("");
    expect(formatBytes(Number.NaN)).toBe("");
  });
});

describe("formatDate", () => {
  it("formats milliseconds and RFC 3339 alike", () => {
    const ms = Date.UTC(2024, 2, 12, 12, 0, 0);
    expect(formatDate(ms)).toBe("12 Mar 2024");
    expect(formatDate("2024-03-12T12:00:00.000Z")).toBe("12 Mar 2024");
  });
  it("shows nothing for a bad date", () => {
    expect(formatDate("someday")).toBe("");
  });
});

describe("kindOf", () => {
  it("names common types in plain words", () => {
    expect(kindOf("application/pdf")).toBe("PDF");
    expect(kindOf("image/tiff")).toBe("TIFF scan");
    expect(kindOf("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe(
      "Word document",
    );
    expect(kindOf("text/csv")).toBe("Spreadsheet");
    expect(kindOf("application/x-unknown")).toBe("File");
  });
  it("knows which pictures the webview shows itself", () => {
    expect(isPicture("image/jpeg")).toBe(true);
    expect(isPicture("image/tiff")).toBe(false);
    expect(isPicture("application/pdf")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { counts, fileName, progress, reduce, settled, type Queue } from "./intake";

describe("intake queue", () => {
  it("follows a batch from plan to finish", () => {
    let q: Queue = [];
    q = reduce(q, { kind: "planned", batch: 1, files: 3, bytes: 300, source: null });
    expect(progress(q[0])).toBe(0);
    q = reduce(q, { kind: "progress", batch: 1, bytes: 150 });
    expect(progress(q[0])).toBe(0.5);
    q = reduce(q, {
      kind: "file",
      batch: 1,
      path: "C:\\scans\\a.pdf",
      result: { outcome: "imported", doc: "d1", title: "a" },
    });
    q = reduce(q, {
      kind: "file",
      batch: 1,
      path: "/home/x/b.pdf",
      result: { outcome: "duplicate", existing: "d0", existing_title: "b" },
    });
    q = reduce(q, {
      kind: "file",
      batch: 1,
      path: "/home/x/c.pdf",
      result: { outcome: "refused", reason: "the file is empty" },
    });
    q = reduce(q, { kind: "finished", batch: 1, imported: 1, duplicates: 1, refused: 1 });
    expect(q).toHaveLength(1);
    expect(progress(q[0])).toBe(1);
    expect(counts(q[0])).toEqual({ imported: 1, duplicates: 1, refused: 1 });
    expect(q[0].done.map((f) => fileName(f.path))).toEqual(["a.pdf", "b.pdf", "c.pdf"]);
  });
  it("keeps batches apart and records a failed one", () => {
    let q: Queue = [];
    q = reduce(q, { kind: "planned", batch: 1, files: 1, bytes: 10, source: null });
    q = reduce(q, { kind: "planned", batch: 2, files: 2, bytes: 20, source: null });
    q = reduce(q, { kind: "failed", batch: 2, message: "The disk is full." });
    expect(q.map((b) => [b.batch, b.finished, b.error])).toEqual([
      [1, false, null],
      [2, true, "The disk is full."],
    ]);
  });
  it("remembers a watched folder's batch and the files it could not move", () => {
    let q: Queue = [];
    q = reduce(q, { kind: "planned", batch: 7, files: 1, bytes: 5, source: "/scans" });
    q = reduce(q, { kind: "not_moved", batch: 7, path: "/scans/a.pdf", reason: "permission denied" });
    expect(q[0].source).toBe("/scans");
    expect(q[0].notMoved).toEqual([{ path: "/scans/a.pdf", reason: "permission denied" }]);
  });

  it("steps aside only once every batch is done with nothing for the user to see", () => {
    let q: Queue = [];
    q = reduce(q, { kind: "planned", batch: 1, files: 1, bytes: 10, source: null });
    expect(settled(q)).toBe(false);
    q = reduce(q, { kind: "file", batch: 1, path: "/a.pdf", result: { outcome: "imported", doc: "d1", title: "a" } });
    q = reduce(q, { kind: "finished", batch: 1, imported: 1, duplicates: 0, refused: 0 });
    expect(settled(q)).toBe(true);
    let dup = reduce(q, { kind: "planned", batch: 2, files: 1, bytes: 10, source: null });
    expect(settled(dup)).toBe(false);
    dup = reduce(dup, { kind: "file", batch: 2, path: "/b.pdf", result: { outcome: "duplicate", existing: "d0", existing_title: "b" } });
    dup = reduce(dup, { kind: "finished", batch: 2, imported: 0, duplicates: 1, refused: 0 });
    expect(settled(dup)).toBe(false);
    expect(settled(reduce(q, { kind: "not_moved", batch: 1, path: "/a.pdf", reason: "in use" }))).toBe(false);
    expect(settled(reduce(q, { kind: "failed", batch: 3, message: "disk full" }))).toBe(false);
  });
});

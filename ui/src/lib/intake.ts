// The intake queue: what the user dropped, file by file, from the backend's events.

import type { FileOutcome, IntakeEvent } from "../bindings";

export interface QueuedFile {
  path: string;
  result: FileOutcome;
}

export interface Batch {
  batch: number;
  files: number;
  bytes: number;
  bytesDone: number;
  done: QueuedFile[];
  finished: boolean;
  /** Set when the whole batch failed. */
  error: string | null;
  /** The watched folder the files came from; null for dropped or picked files. */
  source: string | null;
  /** Files in the library that could not be moved into the folder's "Imported". */
  notMoved: { path: string; reason: string }[];
}

export type Queue = Batch[];

function update(queue: Queue, batch: number, f: (b: Batch) => Batch): Queue {
  const i = queue.findIndex((b) => b.batch === batch);
  const current: Batch =
    i >= 0
      ? queue[i]
      : {
          batch,
          files: 0,
          bytes: 0,
          bytesDone: 0,
          done: [],
          finished: false,
          error: null,
          source: null,
          notMoved: [],
        };
  const next = f(current);
  return i >= 0 ? queue.map((b, j) => (j === i ? next : b)) : [...queue, next];
}

/** The queue after one event. */
export function reduce(queue: Queue, e: IntakeEvent): Queue {
  switch (e.kind) {
    case "planned":
      return update(queue, e.batch, (b) => ({ ...b, files: e.files, bytes: e.bytes, source: e.source }));
    case "progress":
      return update(queue, e.batch, (b) => ({ ...b, bytesDone: e.bytes }));
    case "file":
      return update(queue, e.batch, (b) => ({
        ...b,
        done: [...b.done, { path: e.path, result: e.result }],
      }));
    case "finished":
      return update(queue, e.batch, (b) => ({ ...b, finished: true, bytesDone: b.bytes }));
    case "not_moved":
      return update(queue, e.batch, (b) => ({
        ...b,
        notMoved: [...b.notMoved, { path: e.path, reason: e.reason }],
      }));
    case "failed":
      return update(queue, e.batch, (b) => ({ ...b, finished: true, error: e.message }));
  }
}

/** 0..1 for a progress bar. */
export function progress(b: Batch): number {
  if (b.finished) return 1;
  if (b.bytes > 0) return Math.min(1, b.bytesDone / b.bytes);
  return b.files > 0 ? b.done.length / b.files : 0;
}

/** A file's name from its path, on any platform. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Counts for the batch's summary line. */
export function counts(b: Batch): { imported: number; duplicates: number; refused: number } {
  let imported = 0;
  let duplicates = 0;
  let refused = 0;
  for (const f of b.done) {
    if (f.result.outcome === "imported") imported++;
    else if (f.result.outcome === "duplicate") duplicates++;
    else refused++;
  }
  return { imported, duplicates, refused };
}

/** Every batch is done and nothing in it needs the user (no failure, duplicate, refusal
 *  or file left unmoved): the panel can step aside. */
export function settled(queue: Queue): boolean {
  return queue.every((b) => {
    const c = counts(b);
    return b.finished && b.error === null && c.duplicates === 0 && c.refused === 0 && b.notMoved.length === 0;
  });
}

// Splitting a snippet into plain and highlighted parts from the backend's ranges.

export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * `ranges` are `[start, end)` in characters (code points), as the backend counts them;
 * overlapping, unsorted or out-of-range ranges are tolerated.
 */
export function segments(text: string, ranges: [number, number][]): Segment[] {
  const chars = Array.from(text);
  const marks = new Array<boolean>(chars.length).fill(false);
  for (const [a, b] of ranges) {
    for (let i = Math.max(0, a); i < Math.min(b, chars.length); i++) marks[i] = true;
  }
  const out: Segment[] = [];
  for (let i = 0; i < chars.length; i++) {
    const last = out[out.length - 1];
    if (last && last.hit === marks[i]) last.text += chars[i];
    else out.push({ text: chars[i], hit: marks[i] });
  }
  return out;
}

// Which pages of a long result list to fetch for the rows on screen.

/** Rows fetched per request. */
export const PAGE = 100;

/** Page numbers covering rows `first..=last` (plus the first page, which has the counts). */
export function pagesFor(first: number, last: number, total: number | null): number[] {
  const pages = new Set<number>([0]);
  if (last >= first && first >= 0) {
    const max = total === null ? Infinity : Math.max(0, Math.ceil(total / PAGE) - 1);
    for (let p = Math.floor(first / PAGE); p <= Math.min(Math.floor(last / PAGE), max); p++) {
      pages.add(p);
    }
  }
  return [...pages].sort((a, b) => a - b);
}

// Which pages of a long result list to fetch for the rows on screen.

/** Rows fetched per request: about two screens of rows. Each row's snippet is made for
 *  the request, so a smaller page answers a new search sooner. */
export const PAGE = 50;

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

/** Rows `first..=last` widened to whole pages: the parent re-renders only when the set of
 *  pages to fetch changes, not on every row scrolled. */
export function pageSpan(first: number, last: number): [number, number] {
  if (last < first || first < 0) return [first, last];
  return [Math.floor(first / PAGE) * PAGE, (Math.floor(last / PAGE) + 1) * PAGE - 1];
}

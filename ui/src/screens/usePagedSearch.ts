// Results of a query fetched page by page for the rows a virtualized list shows.

import { useQueries } from "@tanstack/react-query";
import { commands } from "../api";
import type { Facets, Hit, Query, Results } from "../bindings";
import { PAGE, pagesFor } from "../lib/paging";

export type BaseQuery = Omit<Query, "offset" | "limit">;

export interface Paged {
  total: number | null;
  facets: Facets | null;
  fuzzy: boolean;
  /** The hit at row `i`, once its page has arrived. */
  row: (i: number) => Hit | undefined;
  error: unknown;
  /** The first page is here. */
  ready: boolean;
  /** The first page is being fetched (this query's, or again after a change). */
  fetching: boolean;
  /** The first page shown is this query's own (not the previous query's, kept while
   *  this one runs). */
  current: boolean;
}

export function usePagedSearch(base: BaseQuery, first: number, last: number, known: number | null): Paged {
  const pages = pagesFor(first, last, known);
  const results = useQueries({
    queries: pages.map((p) => ({
      queryKey: ["library", "search", base, p],
      queryFn: () => commands.search({ ...base, offset: p * PAGE, limit: PAGE }),
      staleTime: 30_000,
      placeholderData: (previous: Results | undefined) => previous,
    })),
  });
  const byPage = new Map<number, Hit[]>();
  pages.forEach((p, i) => {
    const d = results[i]?.data;
    if (d) byPage.set(p, d.hits);
  });
  const head = results[0]?.data ?? null;
  return {
    total: head ? head.total : null,
    facets: head ? head.facets : null,
    fuzzy: head ? head.fuzzy : false,
    row: (i) => byPage.get(Math.floor(i / PAGE))?.[i % PAGE],
    error: results.find((r) => r.error)?.error ?? null,
    ready: head !== null,
    fetching: results[0]?.isFetching ?? false,
    current: head !== null && !results[0]?.isPlaceholderData,
  };
}

import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import { invalidateChanged } from "./changes";

const KEYS = [
  ["library", "search", "", 0],
  ["library", "people", ""],
  ["library", "person", "P"],
  ["library", "rules"],
  ["library", "document", "A"],
  ["library", "text", "A"],
  ["library", "compare", "A", 1, 2],
  ["library", "document", "B"],
  ["library", "text", "B"],
  ["sync"],
];

function cache(): QueryClient {
  const client = new QueryClient();
  for (const key of KEYS) client.setQueryData(key, "data");
  return client;
}

function stale(client: QueryClient): string[] {
  return KEYS.filter((k) => client.getQueryState(k)?.isInvalidated).map((k) => k.slice(0, 3).join("/"));
}

describe("invalidateChanged", () => {
  it("a change to named documents refetches the lists, the dossiers and their views only", () => {
    const client = cache();
    invalidateChanged(client, { documents: ["A"] });
    expect(stale(client)).toEqual([
      "library/search/",
      "library/people/",
      "library/person/P",
      "library/document/A",
      "library/text/A",
      "library/compare/A",
    ]);
  });

  it("new documents (none named) refetch only the lists and the dossiers", () => {
    const client = cache();
    invalidateChanged(client, { documents: [] });
    expect(stale(client)).toEqual(["library/search/", "library/people/", "library/person/P"]);
  });

  it("a change to any document refetches everything from the library, not the sync status", () => {
    const client = cache();
    invalidateChanged(client, { documents: null });
    expect(stale(client)).toEqual([
      "library/search/",
      "library/people/",
      "library/person/P",
      "library/rules",
      "library/document/A",
      "library/text/A",
      "library/compare/A",
      "library/document/B",
      "library/text/B",
    ]);
  });
});

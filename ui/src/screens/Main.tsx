// The library window: search and filters on top and left, documents in the middle, the
// open document on the right; files can be dropped anywhere.

import { useCallback, useEffect, useRef, useState } from "react";
import { commands, describe, useLibraryChanges } from "../api";
import type { SortOrder } from "../bindings";
import { DocumentList, type Mods } from "../components/DocumentList";
import { FacetPanel } from "../components/FacetPanel";
import { Intake } from "../components/Intake";
import { StatusBar } from "../components/StatusBar";
import { Shortcuts } from "../components/Shortcuts";
import { DocumentView, type OpenAt } from "./DocumentView";
import { usePagedSearch, type BaseQuery } from "./usePagedSearch";
import { usePassWhenIdle } from "../lib/latest";
import { click, empty, type Selection } from "../lib/selection";
import { BulkBar } from "../components/BulkBar";
import { TrashBar } from "../components/TrashBar";
import { People } from "./People";
import { Person } from "./Person";
import { Rules } from "./Rules";
import { Access } from "./Access";
import { Records } from "./Records";
import { SignedIn } from "../components/SignedIn";
import { SaveView, SavedViews } from "../components/SavedViews";
import type { ViewForm } from "../bindings";
import { ColumnsMenu } from "../components/ColumnsMenu";
import { DEFAULT_COLUMNS, columnsOf, type Column } from "../lib/columns";

/** What the middle of the window shows. */
type Screen =
  | { kind: "documents" }
  | { kind: "people" }
  | { kind: "person"; id: string }
  | { kind: "rules" }
  | { kind: "records" }
  | { kind: "access" };

export interface Filters {
  doc_type: string | null;
  tags: string[];
  year: number | null;
  /** `YYYY-MM-DD`, both days included; null: open. */
  from: string | null;
  until: string | null;
  status: string | null;
  /** A person's student or staff number. */
  subject: string | null;
}

export function Main() {
  useLibraryChanges();
  const [typed, setTyped] = useState("");
  const [text, setText] = useState("");
  const [sort, setSort] = useState<SortOrder>("relevance");
  const [reverse, setReverse] = useState(false);
  const [filters, setFilters] = useState<Filters>({
    doc_type: null,
    tags: [],
    year: null,
    from: null,
    until: null,
    status: null,
    subject: null,
  });
  const [trashed, setTrashed] = useState(false);
  const [view, setView] = useState<"list" | "grid">("list");
  const [columns, setColumns] = useState<Column[]>(DEFAULT_COLUMNS);
  const [open, setOpen] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection>(empty());
  const [visible, setVisible] = useState<[number, number]>([0, 50]);
  const [known, setKnown] = useState<number | null>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const detail = useRef<HTMLElement>(null);
  const [versionNote, setVersionNote] = useState<string | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: "documents" });
  // Where the open document opens: its search hit's page and the search, or its start.
  const [openAt, setOpenAt] = useState<OpenAt | null>(null);
  const searched = useRef("");

  // One file dropped on the open document becomes its new version.
  const claim = (paths: string[], x: number, y: number): boolean => {
    const r = detail.current?.getBoundingClientRect();
    if (!open || !r || x < r.left || x > r.right || y < r.top || y > r.bottom) return false;
    if (paths.length !== 1) {
      setVersionNote("Drop one file on a document to add it as a new version.");
      return true;
    }
    setVersionNote("Adding the new version…");
    commands
      .addVersion(open, paths[0], null)
      .then(() => setVersionNote("New version added."))
      .catch((e) => setVersionNote(describe(e).message));
    return true;
  };

  // The shortcuts of the whole window (the sheet lists them: components/Shortcuts).
  const [sheet, setSheet] = useState(false);
  useEffect(() => {
    const places: Record<string, Screen> = {
      "1": { kind: "documents" },
      "2": { kind: "people" },
      "3": { kind: "rules" },
      "4": { kind: "records" },
      "5": { kind: "access" },
    };
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setScreen({ kind: "documents" });
        searchBox.current?.focus();
        searchBox.current?.select();
      } else if (e.altKey && places[e.key]) {
        e.preventDefault();
        setScreen(places[e.key]);
      } else if (!typing && e.key === "?") {
        e.preventDefault();
        setSheet(true);
      } else if (!typing && e.key === "Escape" && !document.querySelector("[role=dialog]")) {
        setOpen(null);
        setVersionNote(null);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const base: BaseQuery = {
    text,
    sort: text === "" && sort === "relevance" ? "date" : sort,
    reverse,
    ...filters,
    trashed,
    snippets: text !== "",
  };
  const paged = usePagedSearch(base, visible[0], visible[1], known);
  searched.current = text;
  // As you type: search at once, or, while a search runs, for the newest text once it is done.
  usePassWhenIdle(typed.trim(), paged.fetching, setText);
  // Paint results only for what is in the box now: those of an earlier prefix, arriving
  // while the user types on, are skipped (each paint of the list takes a frame that the
  // newest results would then wait behind).
  const shown = useRef(paged);
  if ((paged.current && text === typed.trim()) || !shown.current.ready) shown.current = paged;
  const onScreen = shown.current;
  useEffect(() => setKnown(paged.total), [paged.total]);

  // A saved view: its search, filters and order on the documents screen.
  const openView = (v: ViewForm) => {
    setScreen({ kind: "documents" });
    setTyped(v.query);
    setFilters({
      doc_type: v.doc_type,
      tags: v.tags,
      year: v.year,
      from: v.from,
      until: v.until,
      status: v.status,
      subject: v.subject,
    });
    setTrashed(v.trashed);
    setSort((v.sort as SortOrder | null) ?? "relevance");
    setReverse(v.reverse);
    setColumns(columnsOf(v.columns));
    setSelection(empty());
  };

  const openDocument = (id: string) => {
    setOpen(id);
    setOpenAt(null);
    setVersionNote(null);
  };

  const onPick = useCallback(
    (id: string, order: string[], mods: Mods, page: number | null) => {
      setSelection((s) => click(s, id, order, mods));
      // A search hit opens at its page, its words marked there.
      if (!mods.toggle && !mods.range) setOpenAt(page !== null && searched.current ? { page, query: searched.current } : null);
      if (!mods.toggle && !mods.range) {
        setOpen(id);
        setVersionNote(null);
      }
    },
    [],
  );

  return (
    <Intake claim={claim} onOpen={openDocument}>
      <div className="app">
        <header className="topbar">
          <input
            ref={searchBox}
            className="search"
            type="search"
            placeholder="Search names, ids, text…   (Ctrl+K)"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-testid="search"
          />
          <label className="inline">
            Sort
            <select value={sort} onChange={(e) => setSort(e.target.value as SortOrder)} data-testid="sort">
              <option value="relevance">{text ? "Best match" : "Newest"}</option>
              <option value="date">Date</option>
              <option value="name">Name</option>
              <option value="type">Type</option>
              <option value="size">Size</option>
            </select>
          </label>
          <button className="icon" title="Reverse the order" onClick={() => setReverse((r) => !r)}>
            {reverse ? "↑" : "↓"}
          </button>
          <SaveView
            current={() => ({
              pinned: true,
              query: typed.trim(),
              ...filters,
              trashed,
              sort,
              reverse,
              columns,
            })}
          />
          {view === "list" && <ColumnsMenu columns={columns} onChange={setColumns} />}
          <div className="segmented" role="group" aria-label="View">
            <button aria-pressed={view === "list"} onClick={() => setView("list")}>
              List
            </button>
            <button aria-pressed={view === "grid"} onClick={() => setView("grid")} data-testid="grid">
              Grid
            </button>
          </div>
        </header>
        <aside className="sidebar">
          <nav className="places" aria-label="Go to">
            {(
              [
                ["documents", "Documents"],
                ["people", "People"],
                ["rules", "Rules"],
                ["records", "Records"],
                ["access", "Access"],
              ] as const
            ).map(([kind, label]) => (
              <button
                key={kind}
                aria-pressed={screen.kind === kind || (kind === "people" && screen.kind === "person")}
                onClick={() => setScreen({ kind })}
                data-testid={`go-${kind}`}
              >
                {label}
              </button>
            ))}
          </nav>
          <SignedIn />
          <SavedViews onOpen={openView} />
          {screen.kind === "documents" && (
          <FacetPanel
            facets={onScreen.facets}
            filters={filters}
            onChange={setFilters}
            trashed={trashed}
            onTrashed={(t) => {
              setTrashed(t);
              setSelection(empty());
            }}
          />
          )}
        </aside>
        {/* data-results-for: the query whose results are on screen (for tests and the
            benchmark, which wait on it). */}
        {screen.kind === "people" && (
          <main className="content">
            <People onOpen={(id) => setScreen({ kind: "person", id })} />
          </main>
        )}
        {screen.kind === "person" && (
          <main className="content">
            <Person
              id={screen.id}
              onBack={() => setScreen({ kind: "people" })}
              onOpenDocument={openDocument}
              onOpenPerson={(id) => setScreen({ kind: "person", id })}
            />
          </main>
        )}
        {screen.kind === "rules" && (
          <main className="content">
            <Rules onOpenDocument={openDocument} />
          </main>
        )}
        {screen.kind === "records" && (
          <main className="content">
            <Records onOpenDocument={openDocument} />
          </main>
        )}
        {screen.kind === "access" && (
          <main className="content">
            <Access />
          </main>
        )}
        <main className="content" hidden={screen.kind !== "documents"} data-testid="content" data-results-for={onScreen === paged && paged.current ? text : undefined}>
          {trashed && selection.ids.size <= 1 && <TrashBar count={onScreen.total} />}
          {selection.ids.size > 1 && (
            <BulkBar ids={[...selection.ids]} trashed={trashed} onDone={() => setSelection(empty())} />
          )}
          <DocumentList
            paged={onScreen}
            view={view}
            columns={columns}
            selected={selection.ids}
            onVisible={setVisible}
            onPick={onPick}
            searching={text !== ""}
          />
        </main>
        {open && (
          <section className="detail" ref={detail}>
            <DocumentView
              id={open}
              at={openAt}
              onOpenPerson={(id) => setScreen({ kind: "person", id })}
              note={versionNote}
              onClose={() => {
                setOpen(null);
                setVersionNote(null);
              }}
            />
          </section>
        )}
        <StatusBar
          total={onScreen.total}
          searching={text !== ""}
          fuzzy={onScreen.fuzzy}
          onOpenDocument={openDocument}
          onShortcuts={() => setSheet(true)}
        />
        {sheet && <Shortcuts onClose={() => setSheet(false)} />}
      </div>
    </Intake>
  );
}

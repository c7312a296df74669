// The virtualized list (or grid) of documents: only the rows on screen are in the DOM.

import { memo, useCallback, useEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Hit } from "../bindings";
import type { Paged } from "../screens/usePagedSearch";
import { describe, thumbnailUrl } from "../api";
import { formatBytes, formatDate, kindOf } from "../lib/format";
import { Snippet } from "./Snippet";
import { pageSpan } from "../lib/paging";
import { ErrorNote } from "./ErrorNote";
import type { Column } from "../lib/columns";

const ROW = 64;
const SEARCH_ROW = 92;
const TILE = 196;
/** Pixels of a row's thumbnail: shown in 40 × 48 px, sharp on a 2x display. */
const ROW_THUMB = 96;

/** How a document was picked: Ctrl (⌘) toggles it, Shift selects the range up to it. */
export type Mods = { toggle: boolean; range: boolean };

interface Props {
  paged: Paged;
  view: "list" | "grid";
  /** The details each list row shows, in order. */
  columns: Column[];
  selected: Set<string>;
  searching: boolean;
  onVisible: (range: [number, number]) => void;
  /** A document picked with the mouse or the keyboard; `order` is the rows on screen,
   *  `page` the page its search hit is on. */
  onPick: (id: string, order: string[], mods: Mods, page: number | null) => void;
}

export function DocumentList({ paged, view, columns, selected, searching, onVisible, onPick }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const total = paged.total ?? 0;
  const perRow = view === "grid" ? Math.max(1, Math.floor(width / TILE)) : 1;
  const rows = Math.ceil(total / perRow);
  const v = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => (view === "grid" ? TILE + 40 : searching ? SEARCH_ROW : ROW),
    overscan: 6,
  });
  const items = v.getVirtualItems();
  const first = items.length ? items[0].index * perRow : 0;
  const last = items.length ? (items[items.length - 1].index + 1) * perRow - 1 : 0;
  // The parent fetches whole pages: tell it only when the pages on screen change.
  const [spanFirst, spanLast] = pageSpan(first, last);
  useEffect(() => onVisible([spanFirst, spanLast]), [spanFirst, spanLast, onVisible]);
  useEffect(() => v.measure(), [view, searching, v]);

  // The rows on screen in order, for Shift+click; read when clicked, so rows need not
  // re-render as it changes.
  const order = useRef<string[]>([]);
  order.current = [];
  for (let i = first; i <= Math.min(last, total - 1); i++) {
    const h = paged.row(i);
    if (h) order.current.push(h.id);
  }
  // The row the keyboard is on (-1: none yet).
  const [active, setActive] = useState(-1);
  const click = useCallback(
    (hit: Hit, index: number, e: React.MouseEvent) => {
      setActive(index);
      onPick(hit.id, order.current, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey }, hit.page);
    },
    [onPick],
  );
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (total === 0) return;
    const plain = { toggle: false, range: false };
    const step: Record<string, number> =
      view === "grid"
        ? { ArrowDown: perRow, ArrowUp: -perRow, ArrowRight: 1, ArrowLeft: -1 }
        : { ArrowDown: 1, ArrowUp: -1 };
    let to: number | null = null;
    let mods = plain;
    if (e.key in step) {
      to = active < 0 ? 0 : active + step[e.key];
      mods = { toggle: false, range: e.shiftKey };
    } else if (e.key === "Home") to = 0;
    else if (e.key === "End") to = total - 1;
    else if (e.key === "Enter" && active >= 0) to = active;
    else if (e.key === " " && active >= 0) {
      to = active;
      mods = { toggle: true, range: false };
    }
    if (to === null) return;
    e.preventDefault();
    const i = Math.max(0, Math.min(total - 1, to));
    setActive(i);
    v.scrollToIndex(Math.floor(i / perRow));
    const hit = paged.row(i);
    if (hit) onPick(hit.id, order.current.includes(hit.id) ? order.current : [...order.current, hit.id], mods, hit.page);
  };
  const activeHit = active >= 0 ? paged.row(active) : undefined;

  if (paged.error) {
    const e = describe(paged.error);
    return <ErrorNote {...e} />;
  }
  if (paged.ready && total === 0) {
    return (
      <div className="empty">
        {searching ? "Nothing matches. Try fewer or other words." : "No documents yet. Drop files anywhere on this window to add them."}
      </div>
    );
  }

  return (
    <div
      ref={scroller}
      className="scroller"
      data-testid="documents"
      role="listbox"
      aria-label="Documents"
      aria-multiselectable="true"
      aria-activedescendant={activeHit ? `doc-${activeHit.id}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: v.getTotalSize(), position: "relative" }}>
        {items.map((item) => (
          <div
            key={item.key}
            className={view === "grid" ? "tiles" : undefined}
            style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)`, height: item.size }}
          >
            {Array.from({ length: perRow }, (_, k) => item.index * perRow + k)
              .filter((i) => i < total)
              .map((i) => {
                const hit = paged.row(i);
                if (!hit) return <div key={i} className={view === "grid" ? "tile placeholder" : "row placeholder"} />;
                return view === "grid" ? (
                  <Tile key={hit.id} hit={hit} index={i} active={i === active} selected={selected.has(hit.id)} onClick={click} />
                ) : (
                  <Row
                    key={hit.id}
                    hit={hit}
                    index={i}
                    columns={columns}
                    active={i === active}
                    selected={selected.has(hit.id)}
                    onClick={click}
                  />
                );
              })}
          </div>
        ))}
      </div>
    </div>
  );
}

type ItemProps = {
  hit: Hit;
  index: number;
  active: boolean;
  selected: boolean;
  onClick: (hit: Hit, index: number, e: React.MouseEvent) => void;
};

/** One list row; re-rendered only when its hit or selection changes. */
const Row = memo(function Row({ hit, index, columns, active, selected, onClick }: ItemProps & { columns: Column[] }) {
  return (
    <div
      id={`doc-${hit.id}`}
      role="option"
      aria-selected={selected}
      className={`row${selected ? " selected" : ""}${active ? " active" : ""}`}
      onClick={(e) => onClick(hit, index, e)}
      data-testid="row"
      data-id={hit.id}
    >
      <img className="thumb" src={thumbnailUrl(hit.id, hit.versions, ROW_THUMB)} alt="" loading="lazy" />
      <div className="row-main">
        <div className="title">{hit.title}</div>
        <div className="muted small meta">
          {columns
            .map((c) => [c, cell(hit, c)] as const)
            .filter(([, v]) => v !== "")
            .map(([c, v]) => (
              <span key={c} data-col={c}>
                {v}
              </span>
            ))}
          {hit.status !== "done" && <span className={`badge ${hit.status}`}>{statusWords(hit.status)}</span>}
        </div>
        {hit.snippet && <Snippet hit={hit} />}
      </div>
    </div>
  );
});

/** What a row shows of a document in one column ("": nothing to show). */
function cell(hit: Hit, column: Column): string {
  switch (column) {
    case "type":
      return hit.doc_type ?? kindOf(hit.mime);
    case "person":
      return hit.subject_id ?? "";
    case "date":
      return formatDate(hit.date_ms);
    case "size":
      return formatBytes(hit.size);
    case "tags":
      return hit.tags.join(", ");
    case "file":
      return hit.file_name;
  }
}

/** One grid tile; re-rendered only when its hit or selection changes. */
const Tile = memo(function Tile({ hit, index, active, selected, onClick }: ItemProps) {
  return (
    <div
      id={`doc-${hit.id}`}
      role="option"
      aria-selected={selected}
      className={`tile${selected ? " selected" : ""}${active ? " active" : ""}`}
      onClick={(e) => onClick(hit, index, e)}
      data-testid="tile"
      data-id={hit.id}
    >
      <img src={thumbnailUrl(hit.id, hit.versions)} alt="" loading="lazy" />
      <div className="title small">{hit.title}</div>
    </div>
  );
});

export function statusWords(status: string): string {
  switch (status) {
    case "pending":
      return "Being read…";
    case "waiting":
      return "Waiting for a tool";
    case "failed":
      return "Could not be read";
    case "protected":
      return "Password protected";
    default:
      return status;
  }
}

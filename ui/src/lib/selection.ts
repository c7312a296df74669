// Multi-selection in a list: click, Ctrl/Cmd+click to toggle, Shift+click for a range.

export interface Selection {
  ids: Set<string>;
  /** Where a Shift+click range starts. */
  anchor: string | null;
}

export const empty = (): Selection => ({ ids: new Set(), anchor: null });

export interface ClickModifiers {
  toggle: boolean;
  range: boolean;
}

/** The selection after clicking `id`; `order` is the ids in the list's order. */
export function click(sel: Selection, id: string, order: string[], mods: ClickModifiers): Selection {
  if (mods.range && sel.anchor !== null) {
    const a = order.indexOf(sel.anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const ids = mods.toggle ? new Set(sel.ids) : new Set<string>();
      for (const x of order.slice(lo, hi + 1)) ids.add(x);
      return { ids, anchor: sel.anchor };
    }
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: id };
  }
  return { ids: new Set([id]), anchor: id };
}

// Two versions side by side: changed properties, text changes with their pages, and the
// pages themselves as thumbnails.

import { useQuery } from "@tanstack/react-query";
import { commands, describe, pageUrl } from "../api";
import type { DiffLine } from "../bindings";
import { segments } from "../lib/highlight";
import { sideBySide } from "../lib/sideBySide";
import { ErrorNote } from "./ErrorNote";

function Line({ line, side }: { line: DiffLine | null; side: "old" | "new" }) {
  if (!line) return <td className="diff-gap" />;
  const page = side === "old" ? line.old_page : line.new_page;
  return (
    <td className={`diff-${line.op}`}>
      {page !== null && <span className="page">p. {page}</span>}
      {segments(line.text, line.changes).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </td>
  );
}

export function CompareView({ id, old, current, onClose }: { id: string; old: number; current: number; onClose: () => void }) {
  const diff = useQuery({
    queryKey: ["library", "compare", id, old, current],
    queryFn: () => commands.compareVersions(id, old, current),
  });
  if (diff.isPending) return <div className="muted pad">Comparing…</div>;
  if (diff.isError) return <ErrorNote {...describe(diff.error)} />;
  const d = diff.data;
  return (
    <div className="compare" data-testid="compare">
      <header>
        <strong>
          Version {d.old.number} → version {d.new.number}
        </strong>
        <button onClick={onClose}>Back to versions</button>
      </header>
      {(d.old_text === "pending" || d.new_text === "pending") && (
        <div className="note small">Some text is still being read; this comparison may change.</div>
      )}
      {d.same_content ? (
        <p data-testid="same-content">The two versions have the same content.</p>
      ) : (
        <p className="muted small" data-testid="diff-summary">
          {d.lines_added} {d.lines_added === 1 ? "line" : "lines"} added, {d.lines_removed} removed
        </p>
      )}
      {d.properties.length > 0 && (
        <table className="properties">
          <tbody>
            {d.properties.map((p) => (
              <tr key={p.field}>
                <th>{p.field}</th>
                <td className="diff-removed">{p.old ?? "—"}</td>
                <td className="diff-added">{p.new ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.hunks.map((h, i) => (
        <section key={i} className="hunk">
          <div className="hunk-pages">
            {h.old_pages && <img src={pageUrl(id, h.old_pages[0], 200, d.old.number)} alt={`Version ${d.old.number}, page ${h.old_pages[0]}`} />}
            {h.new_pages && <img src={pageUrl(id, h.new_pages[0], 200, d.new.number)} alt={`Version ${d.new.number}, page ${h.new_pages[0]}`} />}
          </div>
          <table className="diff">
            <tbody>
              {sideBySide(h).map((r, j) => (
                <tr key={j}>
                  <Line line={r.left} side="old" />
                  <Line line={r.right} side="new" />
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

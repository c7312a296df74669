// A search hit's snippet with the matched words highlighted, and its page.

import type { Hit } from "../bindings";
import { segments } from "../lib/highlight";

export function Snippet({ hit }: { hit: Hit }) {
  return (
    <div className="snippet small" data-testid="snippet">
      {hit.page !== null && <span className="page">p. {hit.page}</span>}
      {segments(hit.snippet, hit.highlights).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </div>
  );
}

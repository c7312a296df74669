#!/usr/bin/env bash
# Search latency (issue 3): Dossier beside a bare Tantivy index of the same documents.
# Usage: ./scripts/bench-search.sh [DOCS] [QUERIES]   (defaults: 100000 documents, 300
# queries per class). The synthetic library is generated once under target/bench-search/.
#
# With DOSSIER_BASELINE_REV=<git revision>, the same benchmark of that revision is built
# (from a worktree under target/, into this target folder) and run in the same
# invocation, alternating with this build (baseline, this, baseline, this), each on its
# own library of the same generated documents: to compare a change with the code before it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
docs=${1:-100000}
queries=${2:-300}
# The bench executable cargo builds in the current folder.
bench_exe() {
  cargo bench -p dossier-core --bench search --no-run --message-format=json -q |
    python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "search" and m.get("executable"):
        print(m["executable"])'
}
run() { # executable, library folder
  "$1" --bench --docs "$docs" --queries "$queries" --dir "$2"
}
current=$(bench_exe)
if [ -z "${DOSSIER_BASELINE_REV:-}" ]; then
  run "$current" "target/bench-search/library-$docs"
  exit
fi
rev=$(git rev-parse --short "$DOSSIER_BASELINE_REV")
tree=$PWD/target/bench-baseline/$rev
[ -d "$tree" ] || git worktree add -f --detach "$tree" "$rev" >/dev/null
baseline=$(cd "$tree" && CARGO_TARGET_DIR=$OLDPWD/target bench_exe)
for round in 1 2; do
  echo "== round $round: baseline $rev"
  run "$baseline" "target/bench-search/library-$docs-$rev"
  echo "== round $round: this build ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes'))"
  run "$current" "target/bench-search/library-$docs"
done

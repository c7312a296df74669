#!/usr/bin/env bash
# Search latency (issue 3): Dossier beside a bare Tantivy index of the same documents.
# Usage: ./scripts/bench-search.sh [DOCS] [QUERIES]   (defaults: 100000 documents, 300
# queries per class). The synthetic library is generated once under target/bench-search/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo bench -p dossier-core --bench search -- --docs "${1:-100000}" --queries "${2:-300}"

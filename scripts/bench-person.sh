#!/usr/bin/env bash
# The person view at scale (issue 20): Catalog::dossier and people search on a library of
# DOCS documents and PEOPLE students (defaults 100000 and 20000). The library is the
# search benchmark's, copied once to target/bench-person/ and given a roster there.
# Usage: ./scripts/bench-person.sh [DOCS] [PEOPLE] [OPENS]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
docs=${1:-100000}
cargo bench -p dossier-core --bench search -- --docs "$docs" --generate-only
cargo bench -p dossier-core --bench person -- --docs "$docs" --people "${2:-20000}" --opens "${3:-300}"

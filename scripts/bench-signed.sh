#!/usr/bin/env bash
# Signed history (issue 21): a new desktop cloning a whole journal of N operations, in a
# library kept by its people (every batch verified) beside one without people.
# Usage: ./scripts/bench-signed.sh [OPS] [TAGS_PER_COMMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo bench -q -p dossier-sync --bench signed -- --ops "${1:-100000}" --per-commit "${2:-20}"

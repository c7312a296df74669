#!/usr/bin/env bash
# Sync beside `rclone copy` (issue 5), in one run against the same s3s-fs server on
# 127.0.0.1, both through one counting proxy: first sync of the corpus, bytes and requests
# after a one-page change to a large PDF, and a new desktop's clone until searchable.
#   ./scripts/bench-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release -p dossier-cli -q
# The whole corpus when it is beside the project; the tests' subset otherwise.
if [ -z "${DOSSIER_BENCH_CORPUS:-}" ] && [ -d ../shared/corpus/files ]; then
  export DOSSIER_BENCH_CORPUS="$(cd ../shared/corpus/files && pwd)"
fi
# With a keyring, as on a desktop: records' own keys, and the erasure key given to the
# new desktop, are measured too.
./scripts/keyring-session.sh cargo bench -q -p dossier-e2e --bench sync

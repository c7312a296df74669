#!/usr/bin/env bash
# Build Dossier and run its main job on the default library: import a folder of
# documents (default: the test corpus in tests/corpus) and list them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release -p dossier-cli
bin=target/release/dossier
folder="${1:-tests/corpus/files}"
if ! $bin ls >/dev/null 2>&1; then
  echo "Creating your library (choose a passphrase; keep the recovery key it prints)."
  $bin init
fi
$bin import "$folder" || true
$bin ls
$bin stats

#!/usr/bin/env bash
# The app on a large library (issue 4): launch → interactive view, scrolling, as-you-type
# search and idle memory, measured by driving the real release app (tests/app/bench.mjs).
# Usage: ./scripts/bench-app.sh [DOCS] [LAUNCHES]   (defaults: 100000 documents, 5 launches;
# DOSSIER_APP=path uses that app binary instead of building the release app)
# The synthetic library is the search benchmark's (generated once under target/bench-search/);
# DOSSIER_BENCH_LIBRARY=path opens another (e.g. the person benchmark's, with 20,000 people).
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-100000}"
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # A D-Bus session with an unlocked keyring of its own, as on a desktop.
  exec ./scripts/keyring-session.sh "$0" "$@"
fi
source scripts/setup.sh
app="${DOSSIER_APP:-}"
if [ -z "$app" ]; then
  npm run build >/dev/null
  cargo build --release -p dossier-app
  app="$PWD/target/release/dossier-app"
fi
cargo bench -p dossier-core --bench search -- --docs "$docs" --generate-only
source scripts/app-env.sh
export DOSSIER_LIBRARY="${DOSSIER_BENCH_LIBRARY:-$PWD/target/bench-search/library-$docs}"
export DOSSIER_SETTINGS="$work/settings.json"
start_driver
node tests/app/bench.mjs "$app" "$DOSSIER_LIBRARY" "bench passphrase" "${2:-5}"

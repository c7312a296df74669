#!/usr/bin/env bash
# End-to-end tests of the real desktop app (release build) in a WebKit webview, driven by
# tauri-driver under Xvfb. Called by test.sh inside its D-Bus session (for the keyring);
# expects `target/release/dossier-app` to be built. Screenshots: target/e2e-screens/.
set -euo pipefail
cd "$(dirname "$0")/.."

app="${DOSSIER_APP:-$PWD/target/release/dossier-app}"
corpus="$PWD/tests/corpus/files"
[ -x "$app" ] || { echo "build the app first: cargo build --release -p dossier-app" >&2; exit 1; }

source scripts/app-env.sh
export DOSSIER_LIBRARY="$work/library"
export DOSSIER_SETTINGS="$work/settings.json"
# The sync steps use the CLI as another desktop.
export DOSSIER_CLI="${DOSSIER_CLI:-$PWD/target/release/dossier}"
# Temporary files, caches and the webview's data in folders of this run's own, which the
# test then searches for anything readable (the keyring daemon keeps its own folders).
export TMPDIR="$work/tmp" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data"
mkdir -p "$TMPDIR" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
rm -rf target/e2e-screens
start_driver
node tests/app/e2e.mjs "$app" "$DOSSIER_LIBRARY" "$corpus"

# A PDF that crashes the PDF reader: the app's reader is this repository's test worker
# (the real one, which dies on a marked file), so the driver starts again with it.
worker="$PWD/target/release/dossier-test-pdf-worker"
[ -x "$worker" ] || { echo "build the test PDF worker first: cargo build --release -p dossier-core --bins" >&2; exit 1; }
driver="${pids[-1]}"
native=$(pgrep -P "$driver" || true) # its WebKitWebDriver
kill $native "$driver" 2>/dev/null || true
wait "$driver" 2>/dev/null || true
for p in $native; do tail --pid="$p" -f /dev/null; done
export DOSSIER_PDF_WORKER="$worker"
start_driver
node tests/app/hostile.mjs "$app" "$work/hostile" "$corpus"

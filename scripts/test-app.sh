#!/usr/bin/env bash
# End-to-end tests of the real desktop app (release build) in a WebKit webview, driven by
# tauri-driver under Xvfb. Called by test.sh inside its D-Bus session (for the keyring);
# expects `target/release/dossier-app` to be built. Screenshots: target/e2e-screens/.
set -euo pipefail
cd "$(dirname "$0")/.."

app="${DOSSIER_APP:-$PWD/target/release/dossier-app}"
corpus="$(cd ../shared/corpus/files 2>/dev/null && pwd || true)"
[ -x "$app" ] || { echo "build the app first: cargo build --release -p dossier-app" >&2; exit 1; }
[ -n "$corpus" ] || { echo "the shared corpus (../shared/corpus/files) is missing" >&2; exit 1; }

source scripts/app-env.sh
export DOSSIER_LIBRARY="$work/library"
export DOSSIER_SETTINGS="$work/settings.json"
# The sync steps use the CLI as another desktop.
export DOSSIER_CLI="${DOSSIER_CLI:-$PWD/target/release/dossier}"
rm -rf target/e2e-screens
start_driver
node tests/app/e2e.mjs "$app" "$DOSSIER_LIBRARY" "$corpus"

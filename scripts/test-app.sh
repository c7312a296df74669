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

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A display of its own, the size the app is designed for; Xvfb writes its number to fd 3
# once it accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(head -1 "$work/display")"

export DOSSIER_LIBRARY="$work/library"
export DOSSIER_SETTINGS="$work/settings.json"
export PDFIUM_DYNAMIC_LIB_PATH="${PDFIUM_DYNAMIC_LIB_PATH:-$PWD/.deps/pdfium}"
rm -rf target/e2e-screens
tauri-driver --port 4444 >"$work/tauri-driver.log" 2>&1 &
pids+=($!)
# Wait for the driver to listen (its status endpoint answers).
for _ in $(seq 100); do
  if node -e 'fetch("http://127.0.0.1:4444/status").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))'; then break; fi
  sleep 0.1
done

node tests/app/e2e.mjs "$app" "$DOSSIER_LIBRARY" "$corpus"

#!/usr/bin/env bash
# End-to-end tests of the real desktop app (release build) in a WebKit webview, driven by
# tauri-driver under Xvfb. Called by test.sh inside its D-Bus session (for the keyring);
# expects `target/release/dossier-app` to be built. Screenshots: target/e2e-screens/.
#
#   DOSSIER_DEB=target/package/release/bundle/deb/Dossier_*.deb ./scripts/test-app.sh
#
# runs the main end-to-end test on the installed package instead (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

app="${DOSSIER_APP:-$PWD/target/release/dossier-app}"
corpus="$PWD/tests/corpus/files"
[ -x "$app" ] || { echo "build the app first: cargo build --release -p dossier-app" >&2; exit 1; }

source scripts/app-env.sh

# With DOSSIER_DEB (a package from scripts/package.sh), the first run is of the installed
# app and CLI as a user gets them: installed with apt, started from /usr/bin, with nothing
# in the environment to say where libpdfium is. The package is removed on exit.
if [ -n "${DOSSIER_DEB:-}" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  deb=$(realpath "$DOSSIER_DEB")
  if dpkg -s dossier >/dev/null 2>&1; then
    echo "a dossier package is installed already; remove it first (apt-get purge dossier)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
  trap 'DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq dossier >/dev/null; cleanup' EXIT
  app=/usr/bin/dossier-app
  export DOSSIER_CLI=/usr/bin/dossier
  [ -x "$app" ] && [ -x "$DOSSIER_CLI" ] || { echo "the package did not install $app and $DOSSIER_CLI" >&2; exit 1; }
  built_pdfium="$PDFIUM_DYNAMIC_LIB_PATH"
  unset PDFIUM_DYNAMIC_LIB_PATH
fi
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
node tests/app/filing.mjs "$app" "$work/filing" "$corpus"
node tests/app/access.mjs "$app" "$work/access" "$corpus"
node tests/app/invite.mjs "$app" "$work/invite" "$corpus"
export PDFIUM_DYNAMIC_LIB_PATH="${built_pdfium:-$PDFIUM_DYNAMIC_LIB_PATH}"
export DOSSIER_CLI="$PWD/target/release/dossier"

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
node tests/app/hostile.mjs "${DOSSIER_APP:-$PWD/target/release/dossier-app}" "$work/hostile" "$corpus"

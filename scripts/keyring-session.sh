#!/usr/bin/env bash
# Run a command as on a desktop: in a D-Bus session with an unlocked keyring (a Secret
# Service, gnome-keyring) of its own, its data in a scratch folder removed afterwards.
# Already in a D-Bus session, the command runs there.
#   ./scripts/keyring-session.sh COMMAND [ARGS...]
set -euo pipefail
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "$@"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c 'echo -n session | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' _ "$@"

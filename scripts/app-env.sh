# Sourced by test-app.sh and bench-app.sh: a display of its own (Xvfb), a scratch folder
# `$work`, and `start_driver`, which starts tauri-driver on 127.0.0.1:4444; everything is
# stopped and removed on exit. The app inherits tauri-driver's environment, so export
# what the app needs (DOSSIER_LIBRARY, ...) before `start_driver`. Expects the caller to be
# in the repository root.

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The size the app is designed for; Xvfb writes its display number to fd 3 once it
# accepts clients.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY=":$(head -1 "$work/display")"
export PDFIUM_DYNAMIC_LIB_PATH="${PDFIUM_DYNAMIC_LIB_PATH:-$PWD/.deps/pdfium}"

start_driver() {
  tauri-driver --port 4444 >"$work/tauri-driver.log" 2>&1 &
  pids+=($!)
  # Wait for the driver to listen (its status endpoint answers).
  for _ in $(seq 100); do
    if node -e 'fetch("http://127.0.0.1:4444/status").then(r=>process.exit(r.ok?0:1),()=>process.exit(1))'; then return 0; fi
    sleep 0.1
  done
  echo "tauri-driver did not start" >&2
  return 1
}

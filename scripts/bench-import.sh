#!/usr/bin/env bash
# Import throughput, stored size and peak memory of `dossier import` beside `restic backup`
# (repository version 2, local) of the same data, in the same run.
#   ./scripts/bench-import.sh [SIZE_MIB]     (default 1024 MiB of synthetic mixed data)
# With DOSSIER_BASELINE=/path/to/an/older/dossier, that binary is measured too, in the same
# run ("baseline" rows), to compare a change with the code before it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # With a keyring, as on a desktop: each record's own key is measured too.
  exec ./scripts/keyring-session.sh "$0" "$@"
fi
source scripts/setup.sh
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
cargo build --release -p dossier-cli -q
bin=$PWD/target/release/dossier
size=${1:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DOSSIER_PASSPHRASE="benchmark passphrase" RESTIC_PASSWORD="benchmark passphrase"

python3 scripts/gen-mixed.py "$work/mixed" "$size" >/dev/null
head -c $((2 * 1024 * 1024 * 1024)) /dev/urandom > "$work/big.bin"

measure() { # label, data dir, tool → prints a row
  local label=$1 data=$2 tool=$3 out=$work/time.txt
  local files bytes
  files=$(find "$data" -type f -size +0 | wc -l)
  bytes=$(find "$data" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')
  sync
  if [ "$tool" = dossier ] || [ "$tool" = baseline ]; then
    local b=$bin
    [ "$tool" = baseline ] && b=$DOSSIER_BASELINE
    rm -rf "$work/lib"; "$b" --library "$work/lib" init >/dev/null
    /usr/bin/time -f '%e %M' -o "$out" "$b" --library "$work/lib" import --no-process "$data" >/dev/null || true
    stored=$("$b" --library "$work/lib" stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["stored_bytes"])')
  else
    rm -rf "$work/repo"; restic init -q --repository-version 2 -r "$work/repo" >/dev/null
    /usr/bin/time -f '%e %M' -o "$out" restic backup -q -r "$work/repo" "$data" >/dev/null
    stored=$(du -sb "$work/repo" | cut -f1)
  fi
  read -r secs rss_kib < <(tail -n 1 "$out")
  python3 - "$label" "$tool" "$files" "$bytes" "$secs" "$rss_kib" "$stored" <<'PY'
import sys
label, tool, files, size, secs, rss, stored = sys.argv[1:]
files, size, secs, rss, stored = int(files), int(size), float(secs), int(rss), int(stored)
print(f"{label:<8} {tool:<8} {size/1048576:9.1f} MiB {secs:7.2f} s {size/1048576/secs:8.1f} MiB/s {files/secs:8.1f} files/s "
      f"stored {stored/1048576:8.1f} MiB  peak {rss/1024:6.1f} MB")
PY
}

echo "dossier $("$bin" --version | cut -d' ' -f2), $(restic version | cut -d' ' -f1-2), $(nproc) cores"
corpus=../shared/corpus/files
if [ ! -d "$corpus" ]; then
  echo "the full corpus is not at $corpus: measuring on the tests' subset (tests/corpus), not comparable with docs/benchmarks.md" >&2
  corpus=tests/corpus/files
fi
for set in corpus mixed big; do
  case $set in corpus) d=$corpus ;; mixed) d=$work/mixed ;; big) d=$work/big.bin ;; esac
  [ $set = big ] && d_dir=$work/bigdir && mkdir -p "$d_dir" && mv "$d" "$d_dir/" && d=$d_dir
  measure $set "$d" dossier
  [ -n "${DOSSIER_BASELINE:-}" ] && measure $set "$d" baseline
  measure $set "$d" restic
done

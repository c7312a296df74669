#!/usr/bin/env bash
# Fuzz every parser of untrusted bytes (fuzz/fuzz_targets, dossier_core::fuzz) for
# SECONDS in all (default 480, CI's budget), split evenly between the targets, starting
# from the checked-in seeds (fuzz/seeds/<target>) and the corpus grown by earlier runs
# (target/fuzz-corpus/<target>). A crash, a timeout or an out-of-memory stops with the
# input in fuzz/artifacts/<target>/. Usage: ./scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1 # cargo fuzz on the stable toolchain
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
total=${1:-480}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cd fuzz && cargo fuzz list)
each=$(( total / ${#targets[@]} ))
# No sanitizer: the code is safe Rust (and C libraries cargo fuzz would not instrument);
# coverage guidance, debug assertions and libFuzzer's limits are what finds bugs here.
(cd fuzz && cargo fuzz build --sanitizer none --release --debug-assertions)
mkdir -p target/fuzz-logs
for t in "${targets[@]}"; do
  mkdir -p "target/fuzz-corpus/$t"
  echo "== $t: ${each} s"
  log="$PWD/target/fuzz-logs/$t.log"
  # A crash, a timeout or an out-of-memory ends the run with an error and leaves the
  # input in fuzz/artifacts/<target>/.
  if ! (cd fuzz && cargo fuzz run --sanitizer none --release --debug-assertions "$t" \
    "../target/fuzz-corpus/$t" "seeds/$t" -- \
    -max_total_time="$each" -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1); then
    tail -60 "$log"
    echo "fuzz target $t failed; the input is in fuzz/artifacts/$t/: $(ls "fuzz/artifacts/$t" 2>/dev/null)"
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|INFO: seed corpus|Done)' "$log" || true
done

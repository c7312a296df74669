#!/usr/bin/env bash
# Print the module dependency graph of each crate (top-level modules and the modules each
# uses) and any cycle; fails when a crate that must have none has one. The same check
# runs in the tests (tests/e2e/tidy.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q -p dossier-e2e --test e2e tidy::module_graphs_have_no_cycles -- --exact --nocapture

#!/usr/bin/env bash
# Processing throughput (issue 3) on the shared corpus: text-PDF pages/s, ms per
# thumbnail, OCR images/s per core beside the tesseract command line.
# Usage: ./scripts/bench-process.sh [ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo bench -p dossier-core --bench process -- --rounds "${1:-3}"

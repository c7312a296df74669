#!/usr/bin/env bash
# Filing suggestions (issue 20): accuracy of the suggested type on tests/school-docs after
# 10, 50 and 200 filed documents, beside tf-idf + logistic regression, and the cost of one
# suggestion. The set's text is read once by a real library (pdfium, Tesseract) and kept
# in target/bench-suggest/texts.json.
# Usage: ./scripts/bench-suggest.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo bench -p dossier-core --bench suggest -- --rounds "${1:-10}"

#!/usr/bin/env bash
# Build and launch the Dossier desktop app on the default library (the platform data
# folder; set DOSSIER_LIBRARY for another). Installs what is missing on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
npm run build --silent
cargo build --release -p dossier-app --locked
exec ./target/release/dossier-app "$@"

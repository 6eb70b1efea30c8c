#!/usr/bin/env bash
# Set everything up and run the main job: parse the bundled examples (one per layout family, in text,
# and the same tables as HTML/DOCX/XLSX/PDF) into out/examples/*.json and print a summary of each.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
.venv/bin/jixiao parse examples/* --out out/examples --format table
echo "JSON written to out/examples/"

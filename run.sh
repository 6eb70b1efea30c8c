#!/usr/bin/env bash
# Set everything up and run the main job: parse the bundled examples (one per layout family, in text and as
# HTML/DOCX/XLSX/PDF), store one format of each (the text) with the seed tables in out/jixiao.db, and start
# the web UI on them at http://127.0.0.1:8000 (JSON API at /api, its OpenAPI docs at /docs). Stop with Ctrl-C.
# Storing every format of one table would show each project several times and add its budget up as often.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
mkdir -p out
.venv/bin/jixiao parse examples/* --out out/examples --format table
.venv/bin/jixiao ingest examples/*.txt ../shared/seeds --db out/jixiao.db || true  # a bad file is reported, the rest goes on
exec .venv/bin/jixiao serve --db out/jixiao.db --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"

#!/usr/bin/env bash
# Set everything up and run the tests (lint, then the whole suite).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest -q "$@"

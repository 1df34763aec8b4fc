#!/usr/bin/env bash
# Lint, format and type checks (CI runs this before the tests): ruff check, ruff format --check, mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

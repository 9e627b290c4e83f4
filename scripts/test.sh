#!/usr/bin/env bash
# Sets up the project with its test tools and runs everything CI runs: lint, format, types, and the
# test suite on SQLite and PostgreSQL (AGGREGATOR_TEST_POSTGRES_URL, default the local `test` database).
EXTRAS="test" source "$(dirname "$0")/_venv.sh"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Sets up the project with its test tools and runs everything CI runs: lint, format, types, and the
# test suite on SQLite and PostgreSQL (AGGREGATOR_TEST_POSTGRES_URL, default the local `test` database).
EXTRAS="test" source "$(dirname "$0")/_venv.sh"
# The browser tests drive Debian's Chromium (Playwright's own browser download is not available);
# install it on a fresh machine when we may.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Test processes in parallel (AGGREGATOR_TEST_PROCESSES, default 3; 0 runs everything in this one).
exec .venv/bin/python -m pytest -n "${AGGREGATOR_TEST_PROCESSES:-3}" "$@"

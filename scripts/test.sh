#!/usr/bin/env bash
# Sets up the project with its test tools and runs everything CI runs: lint, format, types, and the
# test suite on SQLite and PostgreSQL (AGGREGATOR_TEST_POSTGRES_URL, default the local `test` database).
EXTRAS="test" source "$(dirname "$0")/_venv.sh"
# The browser tests drive Debian's Chromium (Playwright's own browser download is not available),
# the mailbox tests a private Dovecot, and the WordPress tests Debian's WordPress under PHP's own
# server (on the MariaDB at 127.0.0.1:3306); install what is missing on a fresh machine when we may.
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -x /usr/lib/dovecot/imap ] || missing="$missing dovecot-imapd"
[ -f /usr/share/wordpress/wp-settings.php ] || missing="$missing wordpress"
command -v php >/dev/null && php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' || missing="$missing php8.2-cli php8.2-mysql"
if [ -n "$missing" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    # Dovecot's package starts a system server on ports 143/993; the tests run their own, so
    # services are kept from starting while it installs.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    [ -z "$policy" ] || rm -f "$policy"
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Test processes in parallel (AGGREGATOR_TEST_PROCESSES, default 3; 0 runs everything in this one).
exec .venv/bin/python -m pytest -n "${AGGREGATOR_TEST_PROCESSES:-3}" "$@"

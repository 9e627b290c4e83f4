#!/usr/bin/env bash
# Sets up the product and runs the offline demo: recorded pages of the default sources are served
# on 127.0.0.1, crawled into aggregator.db in this folder, and the results are listed.
EXTRAS="" source "$(dirname "$0")/_venv.sh"
exec .venv/bin/aggregator demo "$@"

# Sourced by the scripts beside it: finds Python 3.11+, makes .venv, installs the project into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON_BIN=${PYTHON:-}
if [ -z "$PYTHON_BIN" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PYTHON_BIN=$candidate; break; fi
  done
fi
if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 or newer is needed (found: ${PYTHON_BIN:-none})" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON_BIN" -m venv .venv
fi
# pip 23 (what Python 3.11's venv ships) fails on lxml's extra spelled two ways by our dependencies
# ("lxml[html-clean,html-clean] vs lxml[html-clean]"); pip 24 and newer resolve it.
if ! .venv/bin/python -c 'import sys, pip; sys.exit(int(pip.__version__.split(".")[0]) < 24)' 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
fi
target="."
if [ -n "${EXTRAS:-}" ]; then target=".[${EXTRAS}]"; fi
# The install is editable, so code changes need none: install only when the dependencies changed
# since the last install, or when extras are asked for that it did not include; keep the
# installer's chatter in a log.
digest="$(sha256sum pyproject.toml | cut -c1-16)"
installed="$(cat .venv/.installed 2>/dev/null || true)"
if [ "${installed%% *}" != "$digest" ] || { [ -n "${EXTRAS:-}" ] && [[ " ${installed#* } " != *" ${EXTRAS} "* ]]; }; then
  echo "installing the project and its dependencies into .venv (log: .venv/install.log)" >&2
  if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target" >.venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "error: the install failed; the whole log is .venv/install.log" >&2
    exit 1
  fi
  echo "$digest ${EXTRAS:-}" >.venv/.installed
fi

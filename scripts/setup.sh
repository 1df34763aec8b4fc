#!/usr/bin/env bash
# Set up a fresh clone: a virtualenv with the pinned packages and Leaflet copied for static serving.
# With --dev: also the test tools and Debian's chromium for the browser tests (apt-get, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  # Debian's chromium (browser tests) and nginx (scripts/serve.sh, tests/test_serve.py).
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "setup.sh: ${missing[*]} missing; install Debian's packages (sudo apt-get install ${missing[*]}) for the browser and serving tests" >&2
      exit 1
    fi
  fi
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
fi
.venv/bin/python -m mapapp.map.assets

#!/usr/bin/env bash
# Set up a fresh clone: a virtualenv with the locked packages, and Leaflet (PyPI: XStatic-Leaflet) and
# Leaflet.draw (npm: leaflet-draw, the curator's drawing control) copied for static serving.
# With --dev: also the test and lint tools, and Debian's chromium and nginx for the browser and
# load-balancer tests (apt-get, as root).
#
# requirements.lock pins every package, transitive ones included; it is made from requirements.txt
# (runtime, what deployment platforms read) and requirements-dev.txt by:
#   .venv/bin/pip-compile --strip-extras --no-emit-index-url --no-emit-find-links \
#       --annotation-style=line -o requirements.lock requirements-dev.txt
#
# With --prepare-only: only the last step, what the app reads at start (Leaflet's files, the index
# file of the bundled data), with the .venv already there (the benchmark prepares a fresh copy of
# the repository this way).
set -euo pipefail
cd "$(dirname "$0")/.."
prepare() {
  # Leaflet.draw from the npm registry at the version and integrity in scripts/npm/package-lock.json
  # (npm ci refuses a tarball whose sha512 differs); mapapp.map.assets checks each file it copies.
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix scripts/npm --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  else
    echo "setup.sh: npm not found; the curator's drawing control (leaflet-draw) is not installed (apt-get install npm)" >&2
  fi
  .venv/bin/python -m mapapp.map.assets
  # The index of the bundled data, which the app opens at start instead of building it (and
  # converting the county polygons) in the first reader's run; brought up to date by the app
  # when the data or the pipeline's code changes (README, "Run the app").
  .venv/bin/python -m mapapp index build --out .cache/index.sqlite
  # The app's own modules compiled now (as pip does for packages), not in the first reader's run.
  .venv/bin/python -m compileall -q mapapp streamlit_app.py >/dev/null
}
if [ "${1:-}" = "--prepare-only" ]; then
  prepare
  exit 0
fi
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
pip_install() { .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@"; }
pip_install --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  pip_install -r requirements.lock
  # Debian's chromium (browser tests) and nginx (scripts/serve.sh, tests/test_serve.py).
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v npm >/dev/null 2>&1 || missing+=(npm)  # Leaflet.draw comes from the npm registry
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)  # a test certificate for serve.sh --tls-cert
  # Optional: nginx's brotli module, which serve.sh uses when it is there (gzip otherwise).
  if [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] && [ "$(id -u)" = "0" ]; then
    missing+=(libnginx-mod-http-brotli-filter)
  fi
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
  # Runtime packages only, at the locked versions (the lock is a superset: -c limits, -r chooses).
  pip_install -r requirements.txt -c requirements.lock
fi
prepare

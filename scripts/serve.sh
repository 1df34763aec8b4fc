#!/usr/bin/env bash
# Serve the map to many readers: N Streamlit replicas on loopback ports, nginx in front on one port.
#
#   bash scripts/serve.sh --replicas 2 --port 8501 [--address 127.0.0.1] [--run-dir DIR]
#                         [--tls-cert FILE --tls-key FILE]
#
# With a certificate and its key (PEM), nginx serves HTTPS and HTTP/2: a browser then asks for
# Streamlit's ~60 script modules over one connection instead of waves of six (BENCHMARKS.md: time to
# map on a phone). The WebSocket stays HTTP/1.1 (nginx 1.22 has no WebSockets over HTTP/2).
#
# nginx (Debian's package; scripts/setup.sh --dev installs it) upgrades WebSockets, keeps each reader
# on one replica by a cookie it sets (qz_reader; not ip_hash, so readers behind one address spread
# out), and sends a reader whose replica stopped answering to another one (max_fails/fail_timeout,
# proxy_next_upstream; a component file a replica does not know yet is asked of the next one); the
# Streamlit client reconnects and restores the view from its URL. A replica
# that exits is started again on its port. Each replica runs a new reader's page (in each language) through its own port
# (python -m mapapp.app.warmup) before nginx lets readers in, so no reader waits for a replica's first
# run (its caches: index file, gazetteer, the map's first render); a replica started again is warmed
# the same way in the background. On a phone, the page opens the map the app last rendered for new
# readers (a static file, mapapp/app/previewfiles.py) at once, before Streamlit's own page has drawn
# its map, which then takes over. Its config, logs and `replicas.tsv` (port, pid per
# replica; the load test reads it) are written to the run folder, never to /etc.
# Ctrl-C (SIGINT) or SIGTERM stops nginx and every replica.
#
# The replicas serve the data named by QZ_SEEDS_DIR / QZ_GEODATA_DIR / QZ_LAYERS_DIR (default: the
# repository's) from the index file QZ_INDEX_PATH (default: RUN_DIR/index.sqlite), which this script
# builds or brings up to date first (python -m mapapp index build).
set -euo pipefail
cd "$(dirname "$0")/.."

REPLICAS=2
PORT=8501
ADDRESS=127.0.0.1
RUN_DIR=""
TLS_CERT=""
TLS_KEY=""
PYTHON=${PYTHON:-.venv/bin/python}
NGINX=${NGINX:-nginx}

usage() {
  echo "usage: bash scripts/serve.sh [--replicas N] [--port P] [--address A] [--run-dir DIR] [--tls-cert FILE --tls-key FILE]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --replicas) REPLICAS=${2:?}; shift 2 ;;
    --port) PORT=${2:?}; shift 2 ;;
    --address) ADDRESS=${2:?}; shift 2 ;;
    --run-dir) RUN_DIR=${2:?}; shift 2 ;;
    --tls-cert) TLS_CERT=${2:?}; shift 2 ;;
    --tls-key) TLS_KEY=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "serve.sh: unknown option '$1'" >&2; usage ;;
  esac
done
case "$REPLICAS" in ''|*[!0-9]*|0) echo "serve.sh: --replicas is '$REPLICAS'; expected a whole number >= 1" >&2; exit 2 ;; esac
case "$PORT" in ''|*[!0-9]*) echo "serve.sh: --port is '$PORT'; expected a TCP port number" >&2; exit 2 ;; esac
if [ -n "$TLS_CERT$TLS_KEY" ]; then
  if [ -z "$TLS_CERT" ] || [ -z "$TLS_KEY" ]; then
    echo "serve.sh: --tls-cert and --tls-key go together; got cert '$TLS_CERT' and key '$TLS_KEY'" >&2; exit 2
  fi
  for pem in "$TLS_CERT" "$TLS_KEY"; do
    [ -r "$pem" ] || { echo "serve.sh: TLS file '$pem' is not readable; expected a PEM file" >&2; exit 2; }
  done
  TLS_CERT=$(cd "$(dirname "$TLS_CERT")" && pwd)/$(basename "$TLS_CERT")
  TLS_KEY=$(cd "$(dirname "$TLS_KEY")" && pwd)/$(basename "$TLS_KEY")
  SCHEME=https
  LISTEN="listen $ADDRESS:$PORT ssl http2;
    ssl_certificate $TLS_CERT;
    ssl_certificate_key $TLS_KEY;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:qz_tls:1m;"
else
  SCHEME=http
  LISTEN="listen $ADDRESS:$PORT;"
fi
if ! command -v "$NGINX" >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "serve.sh: nginx not found; install Debian's nginx (bash scripts/setup.sh --dev, or apt-get install nginx)" >&2
  exit 1
fi
command -v "$NGINX" >/dev/null 2>&1 || NGINX=/usr/sbin/nginx
if [ ! -x "$PYTHON" ]; then
  echo "serve.sh: $PYTHON not found; run bash scripts/setup.sh first (or set PYTHON=...)" >&2
  exit 1
fi

RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/qz-serve.XXXXXX")}
mkdir -p "$RUN_DIR/tmp"
RUN_DIR=$(cd "$RUN_DIR" && pwd)

# N free loopback ports for the replicas (asked of the kernel, then released).
mapfile -t REPLICA_PORTS < <("$PYTHON" - "$REPLICAS" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
)

declare -A REPLICA_PIDS=()
NGINX_PID=""
STOPPING=0

stop_all() {
  STOPPING=1
  trap - INT TERM EXIT
  if [ -n "$NGINX_PID" ]; then kill -TERM "$NGINX_PID" 2>/dev/null || true; fi
  for port in "${!REPLICA_PIDS[@]}"; do kill -TERM "${REPLICA_PIDS[$port]}" 2>/dev/null || true; done
  for pid in "$NGINX_PID" "${REPLICA_PIDS[@]}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  echo "serve.sh: stopped nginx and ${#REPLICA_PIDS[@]} replicas (logs in $RUN_DIR)" >&2
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

start_replica() {
  local port=$1
  "$PYTHON" -m streamlit run streamlit_app.py \
    --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    --browser.gatherUsageStats false --server.fileWatcherType none \
    >>"$RUN_DIR/replica-$port.log" 2>&1 &
  REPLICA_PIDS[$port]=$!
}

write_replicas_file() {
  local tmp="$RUN_DIR/replicas.tsv.tmp" port  # local: the watch loop below goes on with its own $port
  : >"$tmp"
  for port in "${REPLICA_PORTS[@]}"; do printf '%s\t%s\n' "$port" "${REPLICA_PIDS[$port]}" >>"$tmp"; done
  mv "$tmp" "$RUN_DIR/replicas.tsv"
}

wait_healthy() {
  "$PYTHON" - "$@" <<'EOF'
import sys, time, urllib.request
ports = sys.argv[1:]
deadline = time.monotonic() + 120
for port in ports:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"serve.sh: replica on port {port} did not answer /_stcore/health within 120 s")
        time.sleep(0.2)
EOF
}

# One run of the page on each replica, all at once, before readers come (a failure is logged: the
# replica still serves, its first reader just waits for the cold run).
warm_up_all() {
  local pids=() port
  for port in "$@"; do
    "$PYTHON" -m mapapp.app.warmup --port "$port" 2>>"$RUN_DIR/replica-$port.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || echo "serve.sh: a warm-up run failed; see $RUN_DIR/replica-*.log" >&2
  done
}

# Files nginx serves straight from disk, so that the replicas' time goes to what only they can do
# (search, a page's runs, curation): Streamlit's own bundle, the map component's files, and static/
# (Leaflet, the reader's script, and every place's panel written per data version by the app:
# mapapp/app/placefiles.py). Only immutable names are cached for long; current.json (which version
# of the place files is current) is asked again on every click.
read -r STREAMLIT_DIR FOLIUM_DIR < <("$PYTHON" -c 'import os, streamlit, streamlit_folium
print(os.path.dirname(streamlit.__file__), os.path.dirname(streamlit_folium.__file__))' 2>/dev/null)
STATIC_DIR="$(pwd)/static"
mkdir -p "$STATIC_DIR/placedata"

# The index file every replica opens (built once here, brought up to date if the data changed).
export QZ_INDEX_PATH=${QZ_INDEX_PATH:-$RUN_DIR/index.sqlite}
"$PYTHON" -m mapapp index build --seeds "${QZ_SEEDS_DIR:-seeds}" --geodata "${QZ_GEODATA_DIR:-geodata}" \
  --layers "${QZ_LAYERS_DIR:-layers}" --out "$QZ_INDEX_PATH"

for port in "${REPLICA_PORTS[@]}"; do start_replica "$port"; done
write_replicas_file

# Compression: gzip always; brotli too when Debian's module is installed (libnginx-mod-http-brotli-filter,
# which setup.sh --dev installs). Streamlit itself never compresses its /static/ bundle (~3 MB of
# JavaScript), so without this proxy a reader downloads it as it is.
COMPRESS_TYPES="text/css text/plain text/javascript application/javascript application/json application/manifest+json image/svg+xml"
LOAD_MODULES=""
BROTLI=""
NGINX_MODULES=${NGINX_MODULES:-/usr/lib/nginx/modules}
if [ -f "$NGINX_MODULES/ngx_http_brotli_filter_module.so" ]; then
  LOAD_MODULES="load_module $NGINX_MODULES/ngx_http_brotli_filter_module.so;"
  BROTLI="brotli on; brotli_comp_level 5; brotli_min_length 1000; brotli_types $COMPRESS_TYPES;"
fi

# The map's own files, which the page asks for only once its map component is drawn, one after
# another (the component's script, then Leaflet's script and style, the reader's script): the page's response names them
# in a Link header, so a browser fetches them at once, in parallel with Streamlit's bundle, and finds
# them in its cache when the map asks (they are immutable, see $qz_immutable).
PRELOAD=$("$PYTHON" - <<'PY'
import json, pathlib, streamlit_folium
from mapapp.map.assets import leaflet_urls
build = pathlib.Path(streamlit_folium.__file__).parent / "frontend" / "build"
script = json.loads((build / "asset-manifest.json").read_text())["files"]["main.js"].removeprefix("./")
leaflet = leaflet_urls()
print(", ".join([
    f"</component/streamlit_folium.st_folium/{script}>; rel=preload; as=script",
    f"<{'/' + leaflet.js.removeprefix('../../')}>; rel=preload; as=script",
    f"<{'/' + leaflet.css.removeprefix('../../')}>; rel=preload; as=style",
    *([f"<{'/' + leaflet.reader_js.removeprefix('../../')}>; rel=preload; as=script"] if leaflet.reader_js else []),
]))
PY
)

# A phone's first map (mapapp/app/previewfiles.py): nginx puts a few lines into Streamlit's page that,
# on a narrow screen, open the map the app last rendered for new readers (a static file) in a frame
# over the page while Streamlit's own page is loading; its map takes over and removes the frame.
PREVIEW_SNIPPET=$("$PYTHON" - <<'PY'
import os
from mapapp.app.pagelayout import PHONE_MAX_PX, PHONE_TITLE_PX
from mapapp.app.placefiles import source_key
from mapapp.app.previewfiles import page_snippet
from mapapp.datadirs import data_dirs_from_env
from mapapp.map.assets import install_reader_files, preview_page_url
from mapapp.map.mapview import BASEMAPS, LANGS
from mapapp.map.wording import t
install_reader_files()
print(page_snippet(
    preview_page=preview_page_url(),
    source=source_key(data_dirs_from_env(os.environ)),
    langs=LANGS,
    basemaps=BASEMAPS,
    phone_max_px=PHONE_MAX_PX,
    top_px=PHONE_TITLE_PX,
    titles={lang: t(lang, "title") for lang in LANGS},
))
PY
)

# Streamlit's page preloads its Source Sans font (170 kB) whatever the theme says; this app's theme
# asks for the reader's system fonts first (.streamlit/config.toml), so a browser needs Source Sans
# only for a character none of them has, and then fetches it itself; preloaded, every new reader gets
# it beside Streamlit's scripts. nginx unmarks that preload (the one rel="preload" of Streamlit's
# page; checked here, else the page is passed on as it is).
FONT_FILTER=$("$PYTHON" - "$STREAMLIT_DIR" <<'PY'
import pathlib, re, sys
page = (pathlib.Path(sys.argv[1]) / "static" / "index.html").read_text(encoding="utf-8")
preloads = re.findall(r'<link\s+rel="preload"\s+href="([^"]+)"', page)
if len(preloads) == 1 and page.count('rel="preload"') == 1 and "SourceSans" in preloads[0]:
    print("sub_filter 'rel=\"preload\"' 'rel=\"qz-unused-font\"';")
PY
)

UPSTREAM=""
for port in "${REPLICA_PORTS[@]}"; do
  UPSTREAM+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done
cat >"$RUN_DIR/nginx.conf" <<EOF
# Generated by scripts/serve.sh: $REPLICAS Streamlit replicas behind one port.
$LOAD_MODULES
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $RUN_DIR/nginx-error.log warn;
events { worker_connections 8192; }
worker_rlimit_nofile 20000;
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  open_file_cache max=10000 inactive=60s;
  client_body_temp_path $RUN_DIR/tmp/body;
  proxy_temp_path $RUN_DIR/tmp/proxy;
  fastcgi_temp_path $RUN_DIR/tmp/fastcgi;
  uwsgi_temp_path $RUN_DIR/tmp/uwsgi;
  scgi_temp_path $RUN_DIR/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  # Compressed here, once per response (the replicas are asked for the plain bytes: Accept-Encoding
  # is not passed on); a response that arrives compressed is passed through as it is.
  gzip on;
  gzip_comp_level 5;
  gzip_min_length 1000;
  gzip_proxied any;
  gzip_vary on;
  gzip_types $COMPRESS_TYPES;
  $BROTLI
  # Files whose name or folder changes with their content are kept by browsers for a year:
  # Streamlit's /static/ bundle (it says so itself), a component's hashed build files, and the
  # Leaflet copy under a folder named by its version (mapapp/map/assets.py).
  map \$uri \$qz_immutable {
    default "";
    "~^/component/[^/]+/static/.+\.[0-9a-f]{8,}\.(js|css)\$" "public, max-age=31536000, immutable";
    "~^/app/static/vendor/[^/]+-[0-9][^/]*/" "public, max-age=31536000, immutable";
  }
  # A reader is who their cookie says; a first request gets a new random id (the request's own).
  map \$uri \$qz_preload { default ""; "/" "$PRELOAD"; }
  map \$cookie_qz_reader \$qz_reader { '' \$request_id; default \$cookie_qz_reader; }
  map \$cookie_qz_reader \$qz_set_reader { '' "qz_reader=\$request_id; Path=/; HttpOnly; SameSite=Lax"; default ''; }
  upstream qz_replicas {
    # Sticky per reader, even when every reader comes from one address; a replica that failed
    # is skipped for fail_timeout and its readers go to the next one on the ring.
    hash \$qz_reader consistent;
$UPSTREAM  }
  server {
    $LISTEN
    proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade;
    proxy_set_header Connection \$connection_upgrade;
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_connect_timeout 2s;
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
    proxy_max_temp_file_size 0;
    proxy_next_upstream_tries 0;
    proxy_set_header Accept-Encoding "";
    add_header Set-Cookie \$qz_set_reader always;
    add_header X-Qz-Replica \$upstream_addr always;  # which replica answered (tests, debugging)
    add_header Cache-Control \$qz_immutable;  # nothing when empty (Streamlit's own header stays)
    add_header Link \$qz_preload;  # the page only
    location / {
      proxy_pass http://qz_replicas;
      proxy_next_upstream error timeout http_502 http_503;
    }
    # The page itself: with the phone's first map (above) in its head, after the viewport's <meta>
    # (the script asks how wide the screen is) and before the stylesheet (which it would wait for).
    location = / {
      proxy_pass http://qz_replicas;
      proxy_next_upstream error timeout http_502 http_503;
      sub_filter '<link rel="shortcut icon"' "$PREVIEW_SNIPPET<link rel=\\"shortcut icon\\"";
      $FONT_FILTER
      sub_filter_once on;
    }
    # A component's files (the map's iframe) are served by a replica only once a run of the page
    # has declared the component: one started again answers 404 until its warm-up ran, and a reader
    # whose WebSocket is on another replica would get "having trouble loading" the map. GETs of
    # static files: another replica may answer them.
    location /component/ {
      proxy_pass http://qz_replicas;
      proxy_next_upstream error timeout http_404 http_502 http_503;
    }
    # From disk (see above): no replica is asked for a file.
    location /component/streamlit_folium.st_folium/ {
      alias $FOLIUM_DIR/frontend/build/;
      add_header Cache-Control "no-cache";
      location ~ /static/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
    }
    location /static/ {
      alias $STREAMLIT_DIR/static/static/;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location /app/static/ {
      alias $STATIC_DIR/;
      add_header Cache-Control "public, max-age=31536000, immutable";
      location ~ /(current|preview-[a-z]+-[a-z]+)\.json\$ { add_header Cache-Control "no-cache"; }
    }
  }
}
EOF
"$NGINX" -t -q -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf"
wait_healthy "${REPLICA_PORTS[@]}"
warm_up_all "${REPLICA_PORTS[@]}"
"$NGINX" -p "$RUN_DIR" -e "$RUN_DIR/nginx-error.log" -c "$RUN_DIR/nginx.conf" -g "daemon off;" &
NGINX_PID=$!
echo "$NGINX_PID" >"$RUN_DIR/nginx.main.pid"
echo "serve.sh: $SCHEME://$ADDRESS:$PORT/ -> $REPLICAS replicas on 127.0.0.1:${REPLICA_PORTS[*]} (run folder $RUN_DIR)" >&2

# Watch: nginx gone ends the service; a replica gone is started again on its port.
while [ "$STOPPING" = 0 ]; do
  sleep 1 &
  wait $! || true
  if ! kill -0 "$NGINX_PID" 2>/dev/null; then
    echo "serve.sh: nginx exited; see $RUN_DIR/nginx-error.log" >&2
    exit 1
  fi
  for port in "${REPLICA_PORTS[@]}"; do
    if ! kill -0 "${REPLICA_PIDS[$port]}" 2>/dev/null; then
      wait "${REPLICA_PIDS[$port]}" 2>/dev/null || true
      echo "serve.sh: replica on port $port exited; starting it again" >&2
      start_replica "$port"
      write_replicas_file
      "$PYTHON" -m mapapp.app.warmup --port "$port" 2>>"$RUN_DIR/replica-$port.log" &
    fi
  done
done

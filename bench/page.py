"""The benchmark's in-page JavaScript: the recorder set up in every frame and the conditions it watches.

INIT_JS times pointer-down and click events, counts WebSocket messages, and resolves `watch` at the
first animation frame after a condition holds; the *_JS conditions are the function sources it runs.
"""

from __future__ import annotations

from bench import mapprobe
from mapapp.map.mapstyles import PANE_SELECTION

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


# Runs in the top frame before the page's own scripts (add_init_script), and in the map iframe when
# the bench first touches it (Chromium does not run init scripts in that sandboxed iframe): pointer-down
# times, WebSocket messages (top frame), `watch` (the first frame after a condition holds) and `quiet`
# (the app went idle). The top frame also watches the map iframe for its first drawn feature.
INIT_JS = r"""
(() => {
  // An iframe's first about:blank document hands its window to the real one: one set-up per document.
  if (window.__qzb && window.__qzb.doc === document) return;
  const abs = (t) => performance.timeOrigin + t;
  const q = window.__qzb = {doc: document, downs: [], clicks: [], ws: [], wsClosed: [], finished: [], watches: {}, checks: new Set()};
  addEventListener('pointerdown', (e) => q.downs.push(abs(e.timeStamp)), true);
  // [when the click happened, when the page got to handle it]: the gap is input delay (a busy CPU)
  addEventListener('click', (e) => q.clicks.push([abs(e.timeStamp), abs(performance.now())]), true);
  const size = (d) => (d && (d.byteLength ?? d.size ?? d.length)) || 0;
  // The status of a ForwardMsg that ends a script run (top-level field 6, `script_finished`:
  // 0 = finished, 2 = stopped early for a rerun), else null. Only top-level fields are read.
  const scriptFinished = (data) => {
    if (!(data instanceof ArrayBuffer)) return null;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => { let x = 0, f = 1, c; do { c = b[i++]; x += (c & 0x7f) * f; f *= 128; } while (c & 0x80 && i < b.length); return x; };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), type = key & 7;
      if (type === 0) { const v = varint(); if (field === 6) return v; }
      else if (type === 2) { const n = varint(); i += n; }  // not `i += varint()`: that reads i first
      else if (type === 1) i += 8;
      else if (type === 5) i += 4;
      else return null;
    }
    return null;
  };
  if (window === window.top && window.WebSocket && !window.WebSocket.qzCounting) {
    const Native = window.WebSocket;
    window.WebSocket = class CountingWebSocket extends Native {
      static qzCounting = true;
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          const t = abs(performance.now());
          q.ws.push([t, 'r', size(e.data)]);
          const status = scriptFinished(e.data);
          if (status !== null) q.finished.push([t, status]);
          setTimeout(() => q.checks.forEach((check) => check()), 0);  // conditions may read q.finished
        });
        this.addEventListener("close", (e) => q.wsClosed.push([abs(performance.now()), e.code, e.reason]));
      }
      send(d) { q.ws.push([abs(performance.now()), 's', size(d)]); return super.send(d); }
    };
  }
  q.watch = (name, test, arg, timeoutMs, root) => {
    q.watches[name] = new Promise((resolve) => {
      let done = false;
      const observer = new MutationObserver(() => check());
      const top = window.top.__qzb;
      const finish = () => { done = true; observer.disconnect(); clearTimeout(timer); top.checks.delete(check); };
      const timer = setTimeout(() => { if (!done) { finish(); resolve({timeout: true}); } }, timeoutMs);
      function check() {
        if (done) return;
        let ok = false;
        try { ok = test(arg); } catch (err) { ok = false; }
        if (!ok) return;
        finish();
        const seen = abs(performance.now());
        requestAnimationFrame(() => setTimeout(() => resolve({seen, painted: abs(performance.now())}), 0));
      }
      observer.observe(root || document, {subtree: true, childList: true, attributes: true, characterData: true});
      top.checks.add(check);
      check();
    });
    return true;
  };
  q.quiet = (quietMs, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const top = window.top;
    const tick = () => {
      const log = top.__qzb.ws;
      const last = log.length ? log[log.length - 1][0] : 0;
      const idle = abs(performance.now()) - last >= quietMs && !top.document.querySelector('[data-testid="stStatusWidget"]');
      if (idle || performance.now() - start > timeoutMs) resolve(idle); else setTimeout(tick, 50);
    };
    tick();
  });
  q.waitFor = (name, timeoutMs) => new Promise((resolve) => {
    const start = performance.now();
    const tick = () => q.watches[name] ? resolve(q.watches[name]) : performance.now() - start > timeoutMs ? resolve({timeout: true}) : setTimeout(tick, 20);
    tick();
  });
  if (window === window.top) {
    // `name` is seen when the map in the frame `find()` returns (its page's path holding `pathPart`)
    // has drawn a feature: Streamlit's map component, and a phone's first map (mapapp/app/previewfiles.py)
    const watchFrame = (name, find, pathPart) => {
      let hooked = null;
      const hook = () => {
        const iframe = find();
        if (!iframe || iframe === hooked) return;
        hooked = iframe;
        const arm = () => {
          const d = iframe.contentDocument;
          if (!d || d.__qzArmed || !d.location.pathname.includes(pathPart)) return;
          d.__qzArmed = true;
          q.watch(name, () => d.querySelector('#map_div path.leaflet-interactive, #map_div .leaflet-marker-icon'), null, 120000, d);
        };
        iframe.addEventListener('load', arm);
        arm();
      };
      new MutationObserver(hook).observe(document, {subtree: true, childList: true});
    };
    watchFrame('mapVisible', () => document.querySelector('iframe[title="streamlit_folium.st_folium"]'), 'streamlit_folium');
    watchFrame('previewVisible', () => document.getElementById('qz-preview'), '/preview.');
  }
})();
"""


# Conditions for `watch` (JS function sources of one argument).
MAP_DRAWN_JS = (
    "() => !!(window.map && document.querySelector('#map_div path.leaflet-interactive, #map_div .leaflet-marker-icon'))"
)
# A closed popup stays in the DOM for Leaflet's 200 ms fade-out: look at every popup, not the first.
POPUP_JS = """(a) => Array.from(document.querySelectorAll('.leaflet-popup .qz-popup')).some(
  (p) => p.querySelector(':scope > b') && p.querySelector(':scope > b').textContent === a.name && p.querySelector('.qz-popup-excerpt'))"""
# The place panel (in the map's frame, mapapp/map/js/reader.js) shows the clicked feature: `first`,
# its name as the panel's heading and one excerpt block (`a.block`); complete, the whole panel drawn
# from the place's file (aria-busy false, data-ready the feature's id). No server run is involved.
PANEL_JS = """(a) => {
  const p = document.querySelector('.qz-panel');
  if (!p) return false;
  const h = p.querySelector('.qz-place h2');
  if (!h || h.textContent.trim() !== a.name) return false;
  if (a.first) return !!p.querySelector(a.block);
  return p.getAttribute('aria-busy') === 'false' && p.getAttribute('data-ready') === a.id;
}"""
# Features drawn on the map by id (the app's selection highlight, in its own pane, is not one).
DRAWN_IDS_JS = f"""() => {{
  const ids = {{}};
  window.map.eachLayer((l) => {{
    if (l.feature && l.feature.properties && l.feature.properties.id && (l._path || l._icon) && l.options.pane !== {PANE_SELECTION!r})
      ids[l.feature.properties.id] = l.feature.geometry.type;
  }});
  return ids;
}}"""
LAYER_STATE_JS = f"""(a) => {{
  if (!window.map) return false;
  const ids = new Set(Object.keys(({DRAWN_IDS_JS})()));
  return ids.size === a.count && a.ids.every((id) => ids.has(id) === a.on);
}}"""
VIEW_JS = "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"

# A point where a real click hits the feature's own path or icon: bench.mapprobe's search (shared
# with the browser and load tests), moved from map-container to iframe-viewport coordinates.
FEATURE_POINT_JS = f"""(args) => {{
  const p = ({mapprobe.FEATURE_POINT_JS})(args);
  if (!p) return null;
  const box = window.map.getContainer().getBoundingClientRect();
  return {{x: p.x + box.left, y: p.y + box.top}};
}}"""

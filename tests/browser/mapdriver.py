"""Drive the map in the page: find the Leaflet map in the st_folium iframe, click features by id."""
from __future__ import annotations

import time

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

# A point (relative to the map container) where a real click hits the feature's own SVG path.
_FEATURE_POINT_JS = """
([featureId, fit]) => {
  const map = window.map;
  const layers = [];
  map.eachLayer((l) => {
    if (l.feature && l.feature.properties && l.feature.properties.id === featureId && (l._path || l._icon)) layers.push(l);
  });
  const rank = (l) => ({shape: 0, dot: 1, halo: 2}[l.feature.properties.part] ?? 3);
  layers.sort((a, b) => rank(a) - rank(b));
  if (fit && layers.length) {
    const l = layers[0];
    if (l.getBounds) map.fitBounds(l.getBounds(), {maxZoom: 13, animate: false});
    else map.setView(l.getLatLng(), Math.max(map.getZoom(), 12), {animate: false});
  }
  const size = map.getSize();
  const box = map.getContainer().getBoundingClientRect();
  const inside = (p) => p.x > 8 && p.y > 8 && p.x < size.x - 8 && p.y < size.y - 30;
  for (const layer of layers) {
    const points = [];
    const target = layer._path || layer._icon;
    if (layer._icon) {
      const r = layer._icon.getBoundingClientRect();  // fanned-out icons sit away from their latlng
      points.push(L.point(r.left + r.width / 2 - box.left, r.top + r.height / 2 - box.top));
    } else if (layer.getLatLng) {
      points.push(map.latLngToContainerPoint(layer.getLatLng()));
    } else {
      const rings = layer._parts || [];  // projected, clipped, simplified: what is on screen
      for (const ring of rings) {
        for (let i = 0; i + 1 < ring.length; i++) {
          for (const t of [0.5, 0.25, 0.75]) {
            const a = ring[i], b = ring[i + 1];
            points.push(L.point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t).add(map._getMapPanePos()));
          }
        }
      }
      if (layer instanceof L.Polygon) {
        const b = layer.getBounds();
        for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
          points.unshift(map.latLngToContainerPoint(L.latLng(
            b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12, b.getWest() + (b.getEast() - b.getWest()) * j / 12)));
        }
      }
    }
    for (const p of points) {
      if (!inside(p)) continue;
      const hit = document.elementFromPoint(box.left + p.x, box.top + p.y);
      if (hit && (hit === target || target.contains(hit))) return {x: p.x, y: p.y};
    }
  }
  return null;
}
"""


def map_frame(page):
    page.locator(MAP_IFRAME).wait_for()
    for _ in range(200):
        for frame in page.frames:
            if "streamlit_folium.st_folium" in frame.url and not frame.is_detached():
                return frame
        time.sleep(0.1)
    raise AssertionError("no streamlit_folium iframe in the page")


def wait_until_idle(page, timeout_s: float = 30) -> None:
    """Wait until Streamlit has finished its run (the 'running' status widget is gone)."""
    page.wait_for_timeout(400)  # st_folium reports after ~250 ms
    deadline = time.monotonic() + timeout_s
    while page.locator('[data-testid="stStatusWidget"]').count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)


def open_app(page, url: str) -> object:
    page.goto(url)
    frame = map_frame(page)
    frame.wait_for_function("() => window.map && document.querySelectorAll('path.leaflet-interactive').length > 0", timeout=60_000)
    wait_until_idle(page)
    return frame


def drawn_feature_ids(frame) -> set[str]:
    return set(frame.evaluate(
        "() => { const ids = []; window.map.eachLayer((l) => { if (l.feature && l.feature.properties && l.feature.properties.part) ids.push(l.feature.properties.id); }); return ids; }"
    ))


def map_view(frame) -> tuple[float, float, int]:
    return tuple(frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"))


def click_feature(page, feature_id: str) -> None:
    """Click the feature with a real mouse click where its own path is on top."""
    frame = map_frame(page)
    point = frame.evaluate(_FEATURE_POINT_JS, [feature_id, False])
    if point is None:
        point = frame.evaluate(_FEATURE_POINT_JS, [feature_id, True])
        wait_until_idle(page)
        frame = map_frame(page)
        point = frame.evaluate(_FEATURE_POINT_JS, [feature_id, False])
    assert point is not None, f"feature {feature_id!r} is not drawn where it can be clicked"
    frame.locator("#map_div").click(position=point)


def panel_excerpts(page) -> list[str]:
    return page.locator(".qz-excerpt").all_inner_texts()


def wait_for_excerpt(page, fragment: str, timeout_s: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout_s
    texts: list[str] = []
    while time.monotonic() < deadline:
        texts = panel_excerpts(page)
        if any(fragment in text for text in texts):
            return texts
        page.wait_for_timeout(200)
    raise AssertionError(f"no excerpt with {fragment!r} in the side panel; it shows {texts!r}")

"""JavaScript that finds features in the app's Leaflet map, for the browser tests and the load test.

Runs inside the st_folium iframe, where the page exposes the map as `window.map`.
"""

from __future__ import annotations

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

FEATURE_POINT_JS = """
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
        // A grid over the part of the area on screen (a province is mostly off it), tried first.
        const all = layer.getBounds(), view = map.getBounds();
        const b = all.intersects(view) ? L.latLngBounds(
          [Math.max(all.getSouth(), view.getSouth()), Math.max(all.getWest(), view.getWest())],
          [Math.min(all.getNorth(), view.getNorth()), Math.min(all.getEast(), view.getEast())]) : all;
        for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
          points.unshift(map.latLngToContainerPoint(L.latLng(
            b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12, b.getWest() + (b.getEast() - b.getWest()) * j / 12)));
        }
      }
    }
    const on = (x, y) => { const hit = document.elementFromPoint(box.left + x, box.top + y);
                           return !!hit && (hit === target || target.contains(hit)); };
    // An area is pressed well inside itself: on a border shared with its neighbour a press lands on
    // whichever edge is drawn on top, a pixel either way.
    const margin = layer instanceof L.Polygon ? 4 : 0;
    const ok = (p) => inside(p) && on(p.x, p.y);
    const solid = (p) => [[-1, -1], [1, -1], [-1, 1], [1, 1]].every(([dx, dy]) => on(p.x + dx * margin, p.y + dy * margin));
    const rounded = points.map((q) => q.round());
    // well inside first; an area covered by markers and lines everywhere falls back to any point of its own
    const best = rounded.find((p) => ok(p) && (!margin || solid(p))) || rounded.find(ok);
    if (best) return {x: best.x, y: best.y};
  }
  return null;
}
"""

# The ids of every feature drawn on the map (a feature drawn as halo + dot counts once per part).
DRAWN_IDS_JS = """
() => {
  const ids = [];
  window.map.eachLayer((l) => { if (l.feature && l.feature.properties && l.feature.properties.part) ids.push(l.feature.properties.id); });
  return ids;
}
"""

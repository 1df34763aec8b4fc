"""The benchmark's baseline: the simplest streamlit-folium pattern on the app's data (not the app).

A folium map of the same features (the layers the app shows by default) in one GeoJson layer per map
layer; a click reruns the script on the server, which reads the clicked feature's id from
st_folium's return value and writes its excerpts with st.write. No popups, no caching of the map,
no partial updates. `python -m bench.bench` runs it side by side with the app.

Leaflet comes from the app's static/ (served when the script's folder has static/; the benchmark
runs a copy next to a link to it), never from a CDN: the benchmark stays on 127.0.0.1.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from mapapp.map.assets import install_leaflet, leaflet_urls
from mapapp.map.maplayers import map_layer_id_for, map_layers_from_specs
from mapapp.map.mapview import latlng_from_lonlat
from mapapp.pipeline.index import MapIndex, build_map_index

st.set_page_config(page_title="baseline: plain st_folium", layout="wide")


@st.cache_resource
def load_index() -> MapIndex:
    install_leaflet()
    return build_map_index()


index = load_index()
layers = map_layers_from_specs(index.layers)
visible = {layer.layer_id for layer in layers if layer.default_visible}

m = folium.Map(location=latlng_from_lonlat(118.87, 28.94), zoom_start=9)
leaflet = leaflet_urls()
m.default_js = [("leaflet", leaflet.js)]  # folium's defaults point at CDNs
m.default_css = [("leaflet_css", leaflet.css)]
for layer in layers:
    features = [
        {"type": "Feature", "geometry": f.geometry, "properties": {"id": f.feature_id, "name": f.name_zh}}
        for f in index.features.values()
        if f.geometry and map_layer_id_for(f) == layer.layer_id and layer.layer_id in visible
    ]
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=layer.layer_id,
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            marker=folium.CircleMarker(radius=6, fill=True, fill_opacity=0.8),
        ).add_to(m)

map_column, panel_column = st.columns([3, 2])
with map_column:
    value = st_folium(m, key="map", height=640, use_container_width=True)
with panel_column:
    drawing = (value or {}).get("last_active_drawing") or {}
    feature_id = (drawing.get("properties") or {}).get("id")
    feature = index.features.get(feature_id) if isinstance(feature_id, str) else None
    if feature is None:
        st.write("Click a feature on the map.")
    else:
        st.header(feature.name_zh)
        for excerpt in index.excerpts.get(feature.feature_id, ()):
            st.write(f"{excerpt.headline} ({excerpt.date}): {excerpt.text}")

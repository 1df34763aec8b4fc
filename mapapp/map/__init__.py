"""The map as drawn: folium/Leaflet layers, styles, the in-map layer switch, display shapes, the words
shown on it, and the Leaflet assets the app serves itself. The only place [lon, lat] becomes
[lat, lon] (mapview.latlng_from_lonlat).

May import the shared ground and mapapp.pipeline; never mapapp.app or streamlit.
"""

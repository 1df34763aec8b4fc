"""The Streamlit app: ui.py (the page), curatorui.py (curator mode and readers' reports) and
mapcomponent.py (st_folium's component with cached arguments) -- the only importers of streamlit and
streamlit_folium -- plus pure helpers: the side panel's and timeline's HTML, what the reader selects,
curator-mode logic and the shareable URL state.

May import everything in mapapp; nothing in mapapp imports it (streamlit_app.py does).
"""

"""The Streamlit app: ui.py (the only importer of streamlit and streamlit_folium), the side panel's
HTML, what the reader selects, and the shareable URL state.

May import everything in mapapp; nothing in mapapp imports it (streamlit_app.py does).
"""

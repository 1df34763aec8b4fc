"""Text -> places: read the articles and the gazetteer, find mentions, build excerpts and the index.

May import the shared ground (mapapp.paths, errors, models, coords) and third-party parsing and
geometry libraries; never mapapp.map, mapapp.app or streamlit.
"""

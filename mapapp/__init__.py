"""Quzhou news map: articles -> place mentions -> excerpts -> an interactive map.

What runs in production, and nothing else. Shared ground at the top (paths, errors, models,
coords, datadirs) may import only the standard library and each other; the subpackages import in
one direction: pipeline -> map -> app. `cli` may use everything but the app.
"""

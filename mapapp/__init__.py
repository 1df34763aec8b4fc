"""Quzhou news map: articles -> place mentions -> excerpts -> an interactive map."""

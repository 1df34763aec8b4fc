"""branca compiles rendered output as a template: make that compile lazy (and so never, for st_folium).

`MacroElement.render` wraps the JavaScript it has just rendered (for a GeoJson layer: the whole
FeatureCollection with its popups, i.e. article text) in `Element(script)`, and `Element.__init__`
compiles that text with Jinja at once. For this app that costs ~95 ms per rerun (150 compiles of
~640 kB), and text that happens to look like Jinja ("{% ..." or an unbalanced "{{" in an article)
raises TemplateSyntaxError and takes the map down. streamlit-folium never renders those wrapped
elements (it takes each element's script macro itself), so the compile is wasted.

Importing this module swaps the `Template` that branca's Element uses for one that compiles on first
use. Elements that are rendered (folium's own HTML output) behave exactly as before.
"""

from __future__ import annotations

from typing import Any

import branca.element
import jinja2

_JINJA_TEMPLATE = jinja2.Template


class LazyTemplate:
    """A jinja2.Template made from `source` when one of its attributes is first needed."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str):
        self._source = source
        self._compiled: jinja2.Template | None = None

    def __getattr__(self, name: str) -> Any:
        if name in LazyTemplate.__slots__:  # not set yet (copy/unpickle): no recursion
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = _JINJA_TEMPLATE(self._source)
        return getattr(self._compiled, name)


# Used by Element.__init__ (and unpickling) only; class-level templates were built at import.
branca.element.Template = LazyTemplate  # type: ignore[misc,assignment]

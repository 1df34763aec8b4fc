"""The reader's panel and URL state in the browser (mapapp/map/js/reader.js), set up from the map.

- `ReaderSetup` (in the base map): `qzReader.attach(map, options)`: where the place files are
  (mapapp.app.placefiles), which data version the page starts with, the basemap (for the URL's
  WGS-84 view on the GCJ-02 Gaode map), reader or curator mode, the selection's look;
- `reader_group` (the last overlay group): `qzReader.configure(lang, words, version)`: the reader's
  language, the panel's words and the data version (they change with the language and the data, the
  base map does not); an open panel is drawn again from the new version.

reader.js is served by the app itself (mapapp.map.assets, like Leaflet) and loaded by st_folium
before the map's own script; reader.css goes into the map's header (`READER_CSS`), so that the layout
holds when the map is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import folium
from branca.element import MacroElement
from folium.template import Template

from mapapp.map.mapstyles import PANE_AREAS, PANE_SELECTION, SELECTION_COLOR

READER_CSS = (Path(__file__).resolve().parent / "js" / "reader.css").read_text(encoding="utf-8")
GROUP_NAME = "reader"
SHEET_BELOW_PX = 640  # a narrower map shows the panel as a bottom sheet over the map
MAX_FIT_ZOOM = 15  # as mapapp.map.viewport.view_from_bounds
SELECTED_HALO_FILL = 1.5  # a selected place's halo is this much stronger than on hover (mapstyles.halo_options)


@dataclass(frozen=True)
class ReaderOptions:
    """What reader.js needs from the server, once per built map."""

    placedata: str  # URL of the data folders' place files (current.json inside), from the component's page
    version: str  # the data version the page starts with
    basemap: str
    mode: Literal["reader", "curator"] = "reader"
    sheet_below_px: int = SHEET_BELOW_PX
    max_fit_zoom: int = MAX_FIT_ZOOM
    selection_color: str = SELECTION_COLOR
    selected_halo_fill: float = SELECTED_HALO_FILL
    panes: dict[str, str] = field(default_factory=lambda: {"selection": PANE_SELECTION, "areas": PANE_AREAS})


class ReaderSetup(MacroElement):
    """Attaches reader.js to the map it is added to."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.qzReader) { window.qzReader.attach({{ this._parent.get_name() }}, {{ this.options|tojson }}); }
        {% endmacro %}
        """
    )

    def __init__(self, options: ReaderOptions):
        super().__init__()
        self._name = "ReaderSetup"
        self.options = asdict(options)


class _ReaderWords(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.qzReader) { window.qzReader.configure({{ this.lang|tojson }}, {{ this.words|tojson }}, {{ this.version|tojson }}); }
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, words: Mapping[str, Any], version: str):
        super().__init__()
        self._name = "ReaderWords"
        self.lang = lang
        self.words = dict(words)
        self.version = version


def reader_group(lang: str, words: Mapping[str, Any], version: str) -> folium.FeatureGroup:
    """The last overlay group: the reader's language, the panel's words and the data version of the
    place files (nothing is drawn).

    It runs after every layer's group, so reader.js finds the features when it takes the state from
    the URL."""
    group = folium.FeatureGroup(name=GROUP_NAME)
    group.add_child(_ReaderWords(lang, words, version))
    return group

"""The map's credit lines in the reader's language: the basemap's and every data source's.

They are part of the overlay groups (per basemap and language), not of the base map, so switching
the language changes them without building the map again. The basemap's tile layer brings its own
attribution (folium needs one); this replaces it with the reader's-language one.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import MacroElement
from folium.template import Template

from mapapp.map.markup import attribution_html
from mapapp.map.wording import TILE_CREDITS, title_in

GROUP_NAME = "credits"


class _Credits(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (control, replaced, credits) {
            if (!control) { return; }
            if (replaced) { control.removeAttribution(replaced); }
            (window.qzCredits || []).forEach(function (old) { control.removeAttribution(old); });
            window.qzCredits = credits;
            credits.forEach(function (credit) { control.addAttribution(credit); });
        })({{ this._parent._parent.get_name() }}.attributionControl, {{ this.replaced|tojson }}, {{ this.credits|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, replaced: str, credits: Sequence[str]):
        super().__init__()
        self._name = "Credits"
        self.replaced = replaced
        self.credits = [c for c in credits if c]


def credits_group(basemap: str, tile_attribution: str, attributions: Sequence[str], lang: str) -> folium.FeatureGroup:
    """An overlay group that only sets the credits: the basemap's (in place of `tile_attribution`,
    which its tile layer added) and the data sources' (mapapp.map.markup.attribution_html)."""
    group = folium.FeatureGroup(name=GROUP_NAME)
    tile_credit = title_in(TILE_CREDITS[basemap], lang) if basemap in TILE_CREDITS else ""
    group.add_child(_Credits(tile_attribution, [tile_credit, attribution_html(attributions, lang)]))
    return group

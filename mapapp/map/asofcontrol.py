"""The "as of" date control inside the map: each facility drawn in the stage the articles give for
the chosen month (not yet mentioned, mentioned, planned, under construction, open), switched in the
browser like the layer switch (mapapp.map.layerswitch), with no server round trip.

- `add_asof_setup` (in the base map): `window.qzAsOf`, starting from the date in the URL (or off);
  it restyles every feature layer as it is added to the map (so layers switched back on, and the
  overlays that a new selection brings, come in the right stage);
- `asof_group` (the last overlay group): the stage timelines (`asof_spec`) and the control, drawn
  in the reader's language; its text stays the same while the reader moves the slider.

A change is reported through st_folium's `selected_layers` value (an entry tagged `ASOF_TAG`), so
the server learns the date after the map has changed and writes it to the URL (`asof`). All text
reaches the page through `textContent`, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from mapapp.map.layerswitch import report_from_map_value
from mapapp.map.mapstyles import STAGE_PATH_STYLES, STAGE_POINT_CSS
from mapapp.pipeline.timeline import StageChange

ASOF_TAG = "qz-asof"  # the `url` of the selected_layers entry that carries the chosen date
GROUP_NAME = "asof-control"

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "按日期查看",
        "off": "显示全部（现状）",
        "not_yet": "尚未见报",
        "mentioned": "已见报",
        "planned": "规划中",
        "under_construction": "在建",
        "open": "已开通/运营",
        "help": "按文章所述，显示所选月份时各设施的状态",
    },
    "en": {
        "title": "As of",
        "off": "Show all (now)",
        "not_yet": "not yet in the news",
        "mentioned": "mentioned",
        "planned": "planned",
        "under_construction": "under construction",
        "open": "open / operating",
        "help": "Each facility as the articles describe it in the chosen month",
    },
}

CSS = """
<style>
.qz-asof { background: #fff; font-size: 12px; line-height: 1.35; padding: 5px 8px; min-width: 230px; }
.qz-asof label.qz-asof-on { display: flex; align-items: center; gap: 5px; font-weight: 600; cursor: pointer; }
.qz-asof input[type=range] { width: 100%; margin: 4px 0 0; }
.qz-asof-value { font-variant-numeric: tabular-nums; font-weight: 600; }
.qz-asof.qz-asof-off .qz-asof-body { opacity: .45; }
.qz-asof-legend { display: grid; grid-template-columns: auto auto 1fr; gap: 3px 6px; align-items: center;
  margin-top: 4px; color: #333; }
.qz-leg-line { display: block; }
.qz-leg-point { display: inline-block; width: 12px; height: 12px; margin: 3px; }
.qz-leg-point .qz-dot { width: 12px; height: 12px; box-sizing: border-box; border-radius: 50%;
  background: #1f6fb2; border: 2px solid #fff; box-shadow: 0 0 2px rgba(0,0,0,.6); }
</style>
"""
# The samples in the control's legend are drawn like the map: the line with STAGE_PATH_STYLES, the
# point with the same stage class as the map's markers (mapstyles.STAGE_POINT_CSS).
LEGEND_STAGES = ("not_yet", "planned", "under_construction", "open")
LEGEND_COLOR = "#1f6fb2"


class AsOfSetup(MacroElement):
    """window.qzAsOf for the map it is added to; `initial` is the date from the URL ("" = off)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, initial, tag, PATH_STYLE, LEGEND) {
            var STAGES = ["not_yet", "mentioned", "planned", "under_construction", "open"];
            var state = {asof: initial || "", timelines: {}, control: null, words: null, months: []};
            function lastDay(asof) {
                // "2025" -> "2025-12-31", "2025-06" -> "2025-06-31" (compared as text, so any day counts)
                if (asof.length === 4) { return asof + "-12-31"; }
                if (asof.length === 7) { return asof + "-31"; }
                return asof;
            }
            function stageOf(id) {
                var changes = state.timelines[id];
                if (!changes || !state.asof) { return null; }
                var day = lastDay(state.asof), stage = "not_yet";
                for (var i = 0; i < changes.length; i++) {
                    if (changes[i][0] <= day) { stage = changes[i][1]; }
                }
                return stage;
            }
            function element(layer) {
                return layer._icon || layer._path || null;
            }
            function styleLayer(layer) {
                var props = layer.feature && layer.feature.properties;
                // only the layers' own features (they carry `part`), not the selection's highlight
                if (!props || !props.id || !props.part || !(props.id in state.timelines)) { return; }
                var stage = stageOf(props.id);
                if (layer._path && layer.setStyle) {
                    if (!layer._qzBase) {
                        layer._qzBase = {opacity: layer.options.opacity, fillOpacity: layer.options.fillOpacity,
                                         dashArray: layer.options.dashArray || null};
                    }
                    layer.setStyle(Object.assign({}, layer._qzBase, (stage && PATH_STYLE[stage]) || {}));
                }
                var el = element(layer);
                if (!el) { return; }
                if (layer._icon) {
                    // a marker's stage class: the chosen month's, else the one its status gave it
                    if (layer._qzBaseStage === undefined) {
                        var own = (layer._icon.className.match(/qz-stage-([a-z_]+)/) || [])[1];
                        layer._qzBaseStage = own || null;
                    }
                    STAGES.forEach(function (s) { el.classList.remove("qz-stage-" + s); });
                    var shown = stage && stage !== "mentioned" ? stage : layer._qzBaseStage;
                    if (shown) { el.classList.add("qz-stage-" + shown); }
                }
                if (stage) {
                    el.setAttribute("data-qz-stage", stage);
                } else {
                    el.removeAttribute("data-qz-stage");
                }
            }
            function apply() {
                map.eachLayer(styleLayer);
            }
            function report() {
                var data = window.__GLOBAL_DATA__;
                if (!data) { return; }
                data.selected_layers = data.selected_layers || {};
                data.selected_layers.qzAsOf = {name: state.asof, url: tag};
                // st_folium listens for overlayadd and then sends its value (after ~250 ms).
                map.fire("overlayadd", {layer: null});
            }
            function set(asof) {
                state.asof = asof || "";
                apply();
                report();
            }
            function monthsBetween(first, last) {
                var out = [], y = +first.slice(0, 4), m = +first.slice(5, 7);
                while (out.length < 600) {
                    var value = y + "-" + (m < 10 ? "0" : "") + m;
                    out.push(value);
                    if (value >= last) { break; }
                    m += 1; if (m > 12) { m = 1; y += 1; }
                }
                return out;
            }
            var Control = L.Control.extend({
                options: {position: "bottomleft"},
                onAdd: function () {
                    var words = state.words;
                    var box = L.DomUtil.create("div", "qz-asof leaflet-bar");
                    L.DomEvent.disableClickPropagation(box);
                    L.DomEvent.disableScrollPropagation(box);
                    box.title = words.help;
                    var label = L.DomUtil.create("label", "qz-asof-on", box);
                    var on = L.DomUtil.create("input", "qz-asof-toggle", label);
                    on.type = "checkbox";
                    label.appendChild(document.createTextNode(words.title + " "));
                    var shown = L.DomUtil.create("span", "qz-asof-value", label);
                    var body = L.DomUtil.create("div", "qz-asof-body", box);
                    var range = L.DomUtil.create("input", "qz-asof-range", body);
                    range.type = "range";
                    range.min = "0";
                    range.max = String(state.months.length - 1);
                    range.step = "1";
                    range.setAttribute("aria-label", words.title);
                    var legend = L.DomUtil.create("div", "qz-asof-legend", body);
                    var SVG = "http://www.w3.org/2000/svg";
                    LEGEND.stages.forEach(function (s) {
                        var style = PATH_STYLE[s] || {};
                        var svg = document.createElementNS(SVG, "svg");
                        svg.setAttribute("class", "qz-leg-line qz-leg-line-" + s);
                        svg.setAttribute("width", "26");
                        svg.setAttribute("height", "8");
                        var line = document.createElementNS(SVG, "line");
                        [["x1", "2"], ["y1", "4"], ["x2", "24"], ["y2", "4"], ["stroke", LEGEND.color],
                         ["stroke-width", "3"], ["stroke-linecap", "round"]].forEach(function (a) {
                            line.setAttribute(a[0], a[1]);
                        });
                        if (style.dashArray) { line.setAttribute("stroke-dasharray", style.dashArray); }
                        if (style.opacity !== undefined) { line.setAttribute("stroke-opacity", String(style.opacity)); }
                        svg.appendChild(line);
                        legend.appendChild(svg);
                        var point = L.DomUtil.create("span", "qz-leg-point qz-stage-" + s, legend);
                        L.DomUtil.create("span", "qz-dot", point);
                        L.DomUtil.create("span", "qz-leg-" + s, legend).textContent = words[s];
                    });
                    function show() {
                        box.classList.toggle("qz-asof-off", !state.asof);
                        on.checked = !!state.asof;
                        shown.textContent = state.asof || words.off;
                        var k = state.months.indexOf((state.asof || "").slice(0, 7));
                        if (k < 0 && state.asof) {
                            k = state.asof < state.months[0] ? 0 : state.months.length - 1;
                        }
                        if (k >= 0) { range.value = String(k); }
                    }
                    L.DomEvent.on(range, "input", function () {
                        set(state.months[+range.value]);
                        show();
                    });
                    L.DomEvent.on(on, "change", function () {
                        set(on.checked ? state.months[+range.value] : "");
                        show();
                    });
                    if (!state.asof) { range.value = range.max; }
                    show();
                    return box;
                }
            });
            map.on("layeradd", function (e) { styleLayer(e.layer); });
            window.qzAsOf = {
                data: function (spec) {
                    state.timelines = spec.timelines;
                    state.words = spec.words;
                    state.months = monthsBetween(spec.first, spec.last);
                    if (state.control) { state.control.remove(); }
                    state.control = new Control().addTo(map);
                    apply();
                },
                set: function (asof) { set(asof); if (state.control) { state.control.remove(); state.control = new Control().addTo(map); } },
                stageOf: stageOf,
                months: function () { return state.months.slice(); },
                get: function () { return state.asof; }
            };
            var data = window.__GLOBAL_DATA__;
            if (data) {
                data.selected_layers = data.selected_layers || {};
                data.selected_layers.qzAsOf = {name: state.asof, url: tag};
            }
        })({{ this._parent.get_name() }}, {{ this.initial|tojson }}, {{ this.tag|tojson }},
           {{ this.path_styles|tojson }}, {{ this.legend|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, initial: str | None):
        super().__init__()
        self._name = "AsOfSetup"
        self.initial = initial or ""
        self.tag = ASOF_TAG
        self.path_styles = STAGE_PATH_STYLES
        self.legend = {"stages": list(LEGEND_STAGES), "color": LEGEND_COLOR}


class _AsOfData(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.qzAsOf) { window.qzAsOf.data({{ this.spec|tojson }}); }
        {% endmacro %}
        """
    )

    def __init__(self, spec: Mapping[str, Any]):
        super().__init__()
        self._name = "AsOfData"
        self.spec = dict(spec)


def add_asof_setup(base_map: folium.Map, initial: str | None) -> None:
    """Set up the as-of control's state (and its CSS) on a base map."""
    root = base_map.get_root()
    if isinstance(root, Figure):
        root.header.add_child(Element(CSS), name="qz_asof_css")
        root.header.add_child(Element(f"<style>{STAGE_POINT_CSS}</style>"), name="qz_stage_css")
    base_map.add_child(AsOfSetup(initial))


def asof_spec(timelines: Mapping[str, Sequence[StageChange]], lang: str) -> dict[str, Any]:
    """What the control needs: each facility's [since, stage] pairs, the months it spans (from the
    January of the year before the first change to the December after the last) and its words."""
    pairs = {fid: [[c.since, c.stage] for c in changes] for fid, changes in sorted(timelines.items()) if changes}
    days = sorted(since for changes in pairs.values() for since, _ in changes)
    first_year = int(days[0][:4]) - 1 if days else 2020
    last_year = int(days[-1][:4]) + 1 if days else 2026
    return {
        "timelines": pairs,
        "first": f"{first_year:04d}-01",
        "last": f"{last_year:04d}-12",
        "words": WORDS["en" if lang == "en" else "zh"],
    }


def asof_group(spec: Mapping[str, Any]) -> folium.FeatureGroup:
    """The last overlay group: it only carries the timelines and draws the control."""
    group = folium.FeatureGroup(name=GROUP_NAME)
    group.add_child(_AsOfData(spec))
    return group


def asof_from_map_value(value: Mapping[str, Any] | None) -> str | None:
    """The date the control reported in st_folium's value ("" = off), or None if it reported nothing."""
    return report_from_map_value(value, ASOF_TAG)

"""Switch map layers in the browser: a checkbox control inside the map, no server round trip.

A toggle that waits for the server costs a Streamlit rerun (~0.3–0.6 s on this machine, measured in
BENCHMARKS.md); a toggle in Leaflet costs a few milliseconds. So the overlay groups of ALL layers are
sent once, as st_folium's `feature_group_to_add` (whose text then stays the same while the reader
toggles, so the component never re-draws them), and which ones are shown is kept in the browser:

- `LayerSwitchSetup` (in the base map): the switch's state, starting from the layers that were
  visible when the map was built, and the functions in `window.qzLayers`;
- `register_group` (in each layer's group): which Leaflet group draws which layer;
- `show_layer` (in the selection group): a place selected by search or link turns its layer on;
- `draw_control` (in the last group, `control_group`): draws the control in the reader's language
  and takes the groups that are off off the map, before the browser paints.

A toggle reports the visible layers through st_folium's `selected_layers` value (one entry tagged
`SWITCH_TAG`), so the server learns of it after the map has already changed and writes the URL.
All text reaches the page through `textContent`, never as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import folium
from branca.element import MacroElement
from folium.template import Template

from mapapp.map.maplayers import MapLayer, layer_groups
from mapapp.map.wording import GROUP_TITLES, t, title_in

SWITCH_TAG = "qz-layers"  # the `url` of the selected_layers entry that carries the switch's state
CONTROL_GROUP_NAME = "layer-switch"
OPEN_MIN_WIDTH_PX = 900  # a narrower map starts with the switch folded (its button only)

CSS = """
<style>
.qz-switch { background: #fff; font-size: 13px; line-height: 1.35; }
.qz-switch-head { display: block; width: 100%; border: 0; background: #f4f4f4; padding: 5px 8px;
  font: inherit; font-weight: 600; text-align: left; cursor: pointer; border-radius: 4px 4px 0 0; }
.qz-switch-head::after { content: " ▾"; color: #666; }
.qz-switch.qz-collapsed .qz-switch-head::after { content: " ▸"; }
.qz-switch.qz-collapsed .qz-switch-body { display: none; }
.qz-switch-body { max-height: 460px; overflow-y: auto; padding: 2px 8px 6px; }
.qz-switch fieldset { border: 0; margin: 0; padding: 0; }
.qz-switch legend { padding: 6px 0 1px; color: #666; font-size: 11px; text-transform: uppercase; }
.qz-switch label { display: flex; align-items: center; gap: 5px; padding: 2px 0; cursor: pointer; white-space: nowrap; }
.qz-switch input { margin: 0; cursor: pointer; }
.qz-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; flex: none; }
</style>
"""


class LayerSwitchSetup(MacroElement):
    """window.qzLayers for the map it is added to; `initial` is the visible layers, in layer order."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, initial, tag, OPEN_MIN_WIDTH) {
            var state = {visible: new Set(initial), order: initial.slice(), groups: {}, control: null, collapsed: null};
            function visibleIds() {
                return state.order.filter(function (id) { return state.visible.has(id); });
            }
            function report() {
                var data = window.__GLOBAL_DATA__;
                if (!data) { return; }
                data.selected_layers = data.selected_layers || {};  // other in-map controls report here too
                data.selected_layers.qz = {name: visibleIds().join(","), url: tag};
                // st_folium listens for overlayadd and then sends its value (after ~250 ms).
                map.fire("overlayadd", {layer: null});
            }
            function place(id) {
                var group = state.groups[id];
                if (!group) { return; }
                var on = state.visible.has(id);
                if (on && !map.hasLayer(group)) {
                    map.addLayer(group);
                    // Layers drawn after this one come back on top of it, as they were.
                    state.order.slice(state.order.indexOf(id) + 1).forEach(function (other) {
                        var later = state.groups[other];
                        if (later && map.hasLayer(later)) { later.bringToFront(); }
                    });
                } else if (!on && map.hasLayer(group)) {
                    map.removeLayer(group);
                }
            }
            function set(id, on) {
                if (on) { state.visible.add(id); } else { state.visible.delete(id); }
                place(id);
                var box = state.control && state.control.getContainer().querySelector('input[data-layer="' + CSS.escape(id) + '"]');
                if (box) { box.checked = on; }
                report();
            }
            var Switch = L.Control.extend({
                options: {position: "topright"},
                initialize: function (spec) { this.spec = spec; },
                onAdd: function () {
                    var spec = this.spec;
                    var box = L.DomUtil.create("div", "qz-switch leaflet-bar");
                    L.DomEvent.disableClickPropagation(box);
                    L.DomEvent.disableScrollPropagation(box);
                    // Open on a wide map; on a narrow one the list would hide much of the prefecture.
                    if (state.collapsed === null) { state.collapsed = map.getSize().x < OPEN_MIN_WIDTH; }
                    if (state.collapsed) { box.classList.add("qz-collapsed"); }
                    var head = L.DomUtil.create("button", "qz-switch-head", box);
                    head.type = "button";
                    head.textContent = spec.title;
                    head.setAttribute("aria-expanded", String(!state.collapsed));
                    L.DomEvent.on(head, "click", function () {
                        state.collapsed = box.classList.toggle("qz-collapsed");
                        head.setAttribute("aria-expanded", String(!state.collapsed));
                    });
                    var body = L.DomUtil.create("div", "qz-switch-body", box);
                    spec.groups.forEach(function (group) {
                        var set_ = L.DomUtil.create("fieldset", "", body);
                        L.DomUtil.create("legend", "", set_).textContent = group.title;
                        group.layers.forEach(function (layer) {
                            var label = L.DomUtil.create("label", "qz-switch-layer", set_);
                            var input = L.DomUtil.create("input", "", label);
                            input.type = "checkbox";
                            input.dataset.layer = layer.id;
                            input.checked = state.visible.has(layer.id);
                            var swatch = L.DomUtil.create("span", "qz-swatch", label);
                            swatch.style.background = layer.color;
                            label.appendChild(document.createTextNode(layer.title));
                            L.DomEvent.on(input, "change", function () { set(layer.id, input.checked); });
                        });
                    });
                    return box;
                }
            });
            window.qzLayers = {
                register: function (id, group) { state.groups[id] = group; },
                show: function (id) { state.visible.add(id); },
                // For the reader's script (mapapp/map/js/reader.js): the layers shown, in layer
                // order; the groups by layer id; and showing exactly `ids` (from the URL).
                visible: visibleIds,
                groups: function () { return state.groups; },
                setVisible: function (ids) {
                    var wanted = new Set(ids), changed = false;
                    state.order.forEach(function (id) {
                        if (wanted.has(id) !== state.visible.has(id)) {
                            if (wanted.has(id)) { state.visible.add(id); } else { state.visible.delete(id); }
                            place(id);
                            var box = state.control && state.control.getContainer().querySelector('input[data-layer="' + CSS.escape(id) + '"]');
                            if (box) { box.checked = wanted.has(id); }
                            changed = true;
                        }
                    });
                    if (changed) { report(); }
                },
                control: function (spec) {
                    var before = visibleIds().join(",");
                    state.order = [];
                    spec.groups.forEach(function (group) {
                        group.layers.forEach(function (layer) { state.order.push(layer.id); });
                    });
                    state.order.forEach(place);
                    if (state.control) { state.control.remove(); }
                    state.control = new Switch(spec).addTo(map);
                    if (visibleIds().join(",") !== before) { report(); }
                }
            };
            var data = window.__GLOBAL_DATA__;
            if (data) {
                data.selected_layers = data.selected_layers || {};
                data.selected_layers.qz = {name: initial.join(","), url: tag};
            }
        })({{ this._parent.get_name() }}, {{ this.initial|tojson }}, {{ this.tag|tojson }}, {{ this.open_min_width }});
        {% endmacro %}
        """
    )

    def __init__(self, initial_visible: Sequence[str]):
        super().__init__()
        self._name = "LayerSwitchSetup"
        self.initial = list(initial_visible)
        self.tag = SWITCH_TAG
        self.open_min_width = OPEN_MIN_WIDTH_PX


class SwitchCall(MacroElement):
    """A call on the switch (`window.qzLayers.<method>(<arg>[, the parent group])`) in the overlays' script.

    Made by `register_group`, `show_layer` and `draw_control`; does nothing on a map without a switch.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.qzLayers) { window.qzLayers.{{ this.method }}({{ this.arg|tojson }}
            {%- if this.with_parent %}, {{ this._parent.get_name() }}{% endif %}); }
        {% endmacro %}
        """
    )

    def __init__(self, method: Literal["register", "show", "control"], arg: Any, *, with_parent: bool = False):
        super().__init__()
        self._name = "SwitchCall"
        self.method = method
        self.arg = arg
        self.with_parent = with_parent


def register_group(layer_id: str) -> SwitchCall:
    """Added to a FeatureGroup: tells the switch that this group draws layer `layer_id`."""
    return SwitchCall("register", layer_id, with_parent=True)


def show_layer(layer_id: str) -> SwitchCall:
    """Turns layer `layer_id` on (the layer of a place selected by search, link or reader view)."""
    return SwitchCall("show", layer_id)


def draw_control(spec: Mapping[str, Any]) -> SwitchCall:
    """Draws the control from `spec` (see `switch_spec`) and applies the switch's state."""
    return SwitchCall("control", dict(spec))


def switch_spec(
    layers: Sequence[MapLayer], lang: str, *, drawn_layer_ids: Iterable[str] | None = None
) -> dict[str, Any]:
    """What the control lists: its title, then the groups (transport first) with their layers.

    `drawn_layer_ids`, if given, leaves out layers that draw nothing.
    """
    drawn = set(drawn_layer_ids) if drawn_layer_ids is not None else None
    groups = []
    for group, members in layer_groups(layers):
        shown = [layer for layer in members if drawn is None or layer.layer_id in drawn]
        if shown:
            groups.append(
                {
                    "title": title_in(GROUP_TITLES.get(group, (group, group)), lang),
                    "layers": [
                        {
                            "id": layer.layer_id,
                            "title": layer.title(lang),
                            "color": str(layer.style.get("color", "#666")),
                        }
                        for layer in shown
                    ],
                }
            )
    return {"title": t(lang, "layers"), "groups": groups}


def control_group(spec: Mapping[str, Any]) -> folium.FeatureGroup:
    """The last of the overlay groups: it only carries the control (nothing is drawn)."""
    group = folium.FeatureGroup(name=CONTROL_GROUP_NAME)
    group.add_child(draw_control(spec))
    return group


def layer_ids_from_map_value(value: Mapping[str, Any] | None, known_layer_ids: Iterable[str]) -> tuple[str, ...] | None:
    """The visible layers the switch reported in st_folium's value (known ids, in their order),
    or None if the value holds no report from the switch."""
    report = report_from_map_value(value, SWITCH_TAG)
    if report is None:
        return None
    reported = set(filter(None, report.split(",")))
    return tuple(layer_id for layer_id in known_layer_ids if layer_id in reported)


def report_from_map_value(value: Mapping[str, Any] | None, tag: str) -> str | None:
    """What an in-map control tagged `tag` reported through st_folium's `selected_layers` (each control
    adds one entry, {"url": tag, "name": report}), or None if the value holds no report from it."""
    if not isinstance(value, Mapping):
        return None
    entries = value.get("selected_layers")
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("url") == tag and isinstance(entry.get("name"), str):
            return str(entry["name"])
    return None

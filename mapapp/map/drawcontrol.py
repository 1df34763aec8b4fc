"""The curator's drawing control in the map: Leaflet.draw (npm `leaflet-draw`), served by the app itself.

While a curator places or redraws a place (`PlacingSetup`, in the draft's overlay group):

- the map's features stop taking clicks (class `qz-placing` on the map: a click goes to the map, which
  places the point, and the district underneath neither opens its popup nor is selected);
- a point is a draggable ring: a click elsewhere or a drag moves it (reported as a map click);
- a line or an area is drawn with Leaflet.draw's polyline/polygon tool, which starts by itself when
  there is nothing yet, and once there is a shape, its vertices can be dragged, and new ones pulled out
  of the midpoints (Leaflet.draw's vertex editing), at once, like a map editor.

Placing needs the map's plain clicks (`last_clicked`) and drawings (`all_drawings`) reported, which
readers' maps do not ask for; the setup adds them to the component's list while placing lasts.
streamlit-folium 0.27 reports Leaflet.draw's events by itself (`draw:created`, `draw:edited`): the
layers of `window.drawnItems` come back as `all_drawings`. A finished or edited shape is put into
`window.drawnItems` and reported with `draw:edited`. Leaving placing mode removes the group, and the
group's `remove` handler takes the control, the editing and the class off the map again.

Leaflet.draw's words are set in the page's language (L.drawLocal); its files are loaded once, from
the app's static folder (mapapp.map.assets), when the first placing starts: readers never load them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from branca.element import MacroElement
from folium.template import Template

DRAFT_COLOR = "#d6336c"

# Leaflet.draw's texts that the curator meets (the polyline and polygon tools and their buttons).
DRAW_WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "toolbar": {
            "actions": {"title": "取消绘制", "text": "取消"},
            "finish": {"title": "完成绘制", "text": "完成"},
            "undo": {"title": "删除最后一个顶点", "text": "删除最后一点"},
            "buttons": {"polyline": "画线", "polygon": "画面"},
        },
        "polyline": {
            "start": "点击地图，开始画线。",
            "cont": "点击继续画线。",
            "end": "点击最后一个点，完成画线。",
            "error": "<strong>错误：</strong>边线不能相交！",
        },
        "polygon": {
            "start": "点击地图，开始画面。",
            "cont": "点击继续画面。",
            "end": "点击第一个点，闭合这个面。",
        },
    },
    "en": {
        "toolbar": {
            "actions": {"title": "Cancel drawing", "text": "Cancel"},
            "finish": {"title": "Finish drawing", "text": "Finish"},
            "undo": {"title": "Delete the last point drawn", "text": "Delete last point"},
            "buttons": {"polyline": "Draw a line", "polygon": "Draw an area"},
        },
        "polyline": {
            "start": "Click the map to start the line.",
            "cont": "Click to continue the line.",
            "end": "Click the last point to finish the line.",
            "error": "<strong>Error:</strong> the edges cannot cross!",
        },
        "polygon": {
            "start": "Click the map to start the area.",
            "cont": "Click to continue the area.",
            "end": "Click the first point to close the area.",
        },
    },
}

PLACING_CSS = (
    ".qz-placing .leaflet-interactive:not(.qz-draft):not(.leaflet-editing-icon):not(.leaflet-mouse-marker)"
    " { pointer-events: none !important; }\n"
    ".qz-placing.leaflet-container { cursor: crosshair; }\n"
    ".qz-draft-point { box-sizing: border-box; border-radius: 50%; border: 3px solid " + DRAFT_COLOR + ";"
    " background: rgba(214, 51, 108, .25); cursor: move; }\n"
)


class PlacingSetup(MacroElement):
    """Placing mode and the draft in the map, with Leaflet.draw for lines and areas (see the module)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, group, spec) {
            var container = map.getContainer();
            container.classList.add("qz-placing");
            map.closePopup();  // a selected place's popup would cover the draft and its handles
            // streamlit-folium 0.27 takes `returned_objects` only when the map is first made, so the
            // values placing needs are added here while placing lasts (and removed with the group).
            var data = window.__GLOBAL_DATA__, extra = ["last_clicked", "all_drawings"];
            if (data && data.returned_objects) {
                extra.forEach(function (key) {
                    if (data.returned_objects.indexOf(key) < 0) { data.returned_objects.push(key); }
                });
            }
            if (!document.getElementById("qz-placing-css")) {
                var css = document.createElement("style");
                css.id = "qz-placing-css";
                css.textContent = spec.css;
                document.head.appendChild(css);
            }
            var loads = window.qzDrawLoads = window.qzDrawLoads || {};
            function load(url, isCss) {
                if (!loads[url]) {
                    loads[url] = new Promise(function (resolve, reject) {
                        var tag = document.createElement(isCss ? "link" : "script");
                        if (isCss) { tag.rel = "stylesheet"; tag.href = url; } else { tag.src = url; }
                        tag.onload = resolve;
                        tag.onerror = reject;
                        document.head.appendChild(tag);
                    });
                }
                return loads[url];
            }
            var style = {color: spec.color, weight: 4, opacity: 0.9, dashArray: "6 4", fill: spec.shape === "Polygon",
                         fillOpacity: 0.15, className: "qz-draft"};
            var drawn = null, control = null, drawer = null, layer = null, marker = null, gone = false;
            function report() {  // streamlit-folium reads window.drawnItems on draw:edited
                map.fire("draw:edited", {layers: drawn});
            }
            function onCreated(e) {
                if (!drawn) { return; }
                drawn.clearLayers();
                e.layer.setStyle && e.layer.setStyle(style);
                drawn.addLayer(e.layer);
                report();
            }
            function setUpDrawing() {
                if (gone || !window.L || !L.Control.Draw) { return; }
                var words = spec.words;
                L.drawLocal.draw.toolbar.actions = words.toolbar.actions;
                L.drawLocal.draw.toolbar.finish = words.toolbar.finish;
                L.drawLocal.draw.toolbar.undo = words.toolbar.undo;
                L.drawLocal.draw.toolbar.buttons.polyline = words.toolbar.buttons.polyline;
                L.drawLocal.draw.toolbar.buttons.polygon = words.toolbar.buttons.polygon;
                L.drawLocal.draw.handlers.polyline.tooltip = {start: words.polyline.start, cont: words.polyline.cont,
                                                              end: words.polyline.end};
                L.drawLocal.draw.handlers.polyline.error = words.polyline.error;
                L.drawLocal.draw.handlers.polygon.tooltip = words.polygon;
                drawn = new L.FeatureGroup();
                drawn.addTo(map);
                window.drawnItems = drawn;
                var tool = {shapeOptions: style, showLength: false, showArea: false, metric: true};
                control = new L.Control.Draw({
                    position: "topleft",
                    draw: {polyline: spec.shape === "LineString" ? tool : false,
                           polygon: spec.shape === "Polygon" ? tool : false,
                           rectangle: false, circle: false, marker: false, circlemarker: false},
                    edit: false
                });
                map.addControl(control);
                map.on("draw:created", onCreated);
                if (spec.latlngs.length >= (spec.shape === "Polygon" ? 3 : 2)) {
                    layer = spec.shape === "Polygon" ? L.polygon(spec.latlngs, style) : L.polyline(spec.latlngs, style);
                    drawn.addLayer(layer);
                    layer.editing.enable();  // drag a vertex, pull a new one out of a midpoint
                    layer.on("edit", report);
                } else {
                    drawer = spec.shape === "Polygon" ? new L.Draw.Polygon(map, tool) : new L.Draw.Polyline(map, tool);
                    drawer.enable();
                }
            }
            if (spec.shape === "Point") {
                if (spec.latlngs.length) {
                    var icon = L.divIcon({className: "qz-draft", iconSize: [26, 26],
                                          html: '<div class="qz-draft-point" style="width:26px;height:26px"></div>'});
                    marker = L.marker(spec.latlngs[0], {icon: icon, draggable: true, keyboard: false,
                                                        zIndexOffset: 1000, bubblingMouseEvents: false});
                    marker.on("dragend", function () { map.fire("click", {latlng: marker.getLatLng()}); });
                    marker.addTo(group);
                }
            } else if (spec.jsUrl) {
                load(spec.cssUrl, true);
                load(spec.jsUrl, false).then(setUpDrawing, function () { container.classList.add("qz-draw-missing"); });
            }
            group.on("remove", function () {
                gone = true;
                if (data && data.returned_objects) {
                    data.returned_objects = data.returned_objects.filter(function (key) { return extra.indexOf(key) < 0; });
                }
                container.classList.remove("qz-placing");
                map.off("draw:created", onCreated);
                if (drawer) { drawer.disable(); }
                if (layer && layer.editing) { layer.editing.disable(); }
                if (control) { map.removeControl(control); }
                if (drawn) { map.removeLayer(drawn); }
                if (window.drawnItems === drawn) { window.drawnItems = null; }
            });
        })({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }}, {{ this.spec|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        shape: str,
        latlngs: Sequence[Sequence[float]],
        *,
        lang: str,
        js_url: str | None,
        css_url: str | None,
    ):
        super().__init__()
        self._name = "PlacingSetup"
        self.spec = {
            "shape": shape,
            "latlngs": [list(point) for point in latlngs],
            "color": DRAFT_COLOR,
            "css": PLACING_CSS,
            "words": DRAW_WORDS["en" if lang == "en" else "zh"],
            "jsUrl": js_url,
            "cssUrl": css_url,
        }

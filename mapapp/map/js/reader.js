/* The reader's side of the map, in the st_folium iframe: what a click selects, the panel that shows
 * the place (a side panel on a wide map, a bottom sheet on a phone), the page's URL as the state.
 *
 * A click never waits for the server. The place's panel is read from its static file
 * (mapapp/app/placefiles.py: placedata/<source>/<version>/<lang>/<feature_id>.json, the version
 * taken from current.json, which is revalidated on every click), and rendered with createElement
 * and textContent only: nothing from the data becomes HTML. The state (selected place, layers, view,
 * "as of" date) is written to the page's URL with history.replaceState, which is the share link;
 * the server reads it on its next run (search, language, basemap, curator actions) and, when it
 * selects a place itself (a search), writes the URL, which this script follows.
 *
 * Loaded after leaflet.js (st_folium's js_links) and before the map is made. Set up by
 * mapapp/map/readerpanel.py: `qzReader.attach(map, options)` in the map's own script and
 * `qzReader.configure(lang, words)` in the last overlay group (the reader's language).
 */
(function () {
  "use strict";

  // --- Leaflet: focusing the map must not scroll the page around it ---------------------------------
  // Leaflet 1.9.3 focuses the map's container on every mousedown (Map.Keyboard._onMouseDown) and after
  // a click on a control (Control._refocusOnMap). element.focus() scrolls every ancestor document to
  // show the element; Leaflet restores only this iframe's own scroll (window.scrollTo), so the page
  // around a partly hidden map jumped under the pointer and the first click or tap was lost.
  if (window.L && L.Map && L.Map.Keyboard) {
    L.Map.Keyboard.prototype._onMouseDown = function () {
      if (this._focused) { return; }
      this._map._container.focus({preventScroll: true});
    };
  }
  if (window.L && L.Control) {
    L.Control.prototype._refocusOnMap = function (e) {
      if (this._map && e && e.screenX > 0 && e.screenY > 0) {
        this._map.getContainer().focus({preventScroll: true});
      }
    };
  }

  // --- GCJ-02 (the Gaode basemap's datum) ------------------------------------------------------------
  // The URL keeps WGS-84; on the Gaode basemap the map's own coordinates are GCJ-02. The forward
  // transform is the published one, as in the prcoords package (CC0) that mapapp.coords wraps on the
  // server; the inverse is found by iteration. tests/browser checks both against mapapp.coords.
  var GCJ_A = 6378245, GCJ_EE = 0.00669342162296594323;
  function inChina(lat, lon) { return lat >= 0.8293 && lat <= 55.8271 && lon >= 72.004 && lon <= 137.8347; }
  function gcjFromWgs(lat, lon) {
    if (!inChina(lat, lon)) { return [lat, lon]; }
    var x = lon - 105, y = lat - 35, PI = Math.PI;
    var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) +
      (2 * Math.sin(x * 6 * PI) + 2 * Math.sin(x * 2 * PI) + 2 * Math.sin(y * PI) + 4 * Math.sin(y / 3 * PI) +
       16 * Math.sin(y / 12 * PI) + 32 * Math.sin(y / 30 * PI)) * 20 / 3;
    var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) +
      (2 * Math.sin(x * 6 * PI) + 2 * Math.sin(x * 2 * PI) + 2 * Math.sin(x * PI) + 4 * Math.sin(x / 3 * PI) +
       15 * Math.sin(x / 12 * PI) + 30 * Math.sin(x / 30 * PI)) * 20 / 3;
    var radLat = lat * PI / 180, magic = 1 - GCJ_EE * Math.pow(Math.sin(radLat), 2);
    var latArc = (GCJ_A * (1 - GCJ_EE)) / Math.pow(magic, 1.5) * PI / 180;
    var lonArc = GCJ_A * Math.cos(radLat) / Math.sqrt(magic) * PI / 180;
    return [lat + dLat / latArc, lon + dLon / lonArc];
  }
  function wgsFromGcj(lat, lon) {
    if (!inChina(lat, lon)) { return [lat, lon]; }
    var w = [lat, lon];
    for (var i = 0; i < 30; i++) {
      var g = gcjFromWgs(w[0], w[1]), dLat = g[0] - lat, dLon = g[1] - lon;
      w = [w[0] - dLat, w[1] - dLon];
      if (Math.abs(dLat) < 1e-10 && Math.abs(dLon) < 1e-10) { break; }
    }
    return w;
  }

  // --- the page around the iframe ----------------------------------------------------------------------
  var PARAMS = ["feature", "layers", "basemap", "lang", "lat", "lon", "z", "asof"];  // urlstate.PARAMS order
  var page = (function () {
    try { return window.parent && window.parent.location.href ? window.parent : window; } catch (err) { return window; }
  })();

  // Streamlit 1.67's page sends, with every run it asks for, the query string it last wrote or found
  // at load (App.getQueryString reads its own state before the address bar), not the address bar. The
  // state lives in the address bar here, so the page is told to read it there: the server then sees
  // the reader's place, layers and view on its next run (search, language, reconnect after failover).
  function followAddressBar() {
    var root = page.document.getElementById("root");
    if (!root) { return false; }
    var key = Object.keys(root).find(function (k) { return k.indexOf("__reactContainer$") === 0; });
    var stack = key ? [root[key]] : [], seen = 0;
    while (stack.length && seen < 5000) {
      var fiber = stack.pop();
      seen += 1;
      var app = fiber.stateNode;
      if (app && typeof app.getQueryString === "function" && typeof app.sendRerunBackMsg === "function") {
        if (!app.qzAddressBar) {
          app.getQueryString = function () { return page.location.search.replace(/^\?/, ""); };
          app.qzAddressBar = true;
        }
        return true;
      }
      if (fiber.sibling) { stack.push(fiber.sibling); }
      if (fiber.child) { stack.push(fiber.child); }
    }
    return false;
  }

  function readUrl() { return new URLSearchParams(page.location.search); }

  // --- a phone's first map (mapapp/app/previewfiles.py) ---------------------------------------------------
  // The same map, drawn by preview.html in a frame over the page (#qz-preview) while Streamlit's page
  // is loading. There this script works as in the map (the URL is the state); a panel action waits
  // for the map that follows, which takes the URL's state, removes the frame and does the action.
  var PREVIEW_FRAME_ID = "qz-preview";
  var inPreview = (function () {
    try { return !!(window.frameElement && window.frameElement.id === PREVIEW_FRAME_ID); } catch (err) { return false; }
  })();

  // Streamlit's page writes the URL of its first run (a bare link gets its layers, basemap and
  // language; a link to a place, the view that shows it), replacing the query. In the first map, what
  // the reader did there (a place tapped, the map moved, a layer switched) stays in it.
  function touch(key) { if (inPreview && !S.applying) { S.touched[key] = true; } }

  function keepTouched() {
    var keep = {};
    if (S.touched.feature) { keep.feature = S.selected; }
    if (S.touched.view) { Object.assign(keep, viewParams()); }
    if (S.touched.layers) { keep.layers = layersParam(); keep.asof = asofParam(); }
    if (Object.keys(keep).length) { writeUrl(keep); }
  }

  function retirePreview() {
    var frame = null, pending = null;
    try { frame = page.document.getElementById(PREVIEW_FRAME_ID); } catch (err) { return; }
    if (!frame || inPreview) { return; }
    try { pending = frame.contentWindow.qzReader.pendingAction(); } catch (err) { pending = null; }
    applyUrl();  // the first map's last word on the place, the layers and the view
    frame.remove();
    if (pending) { delete pending.n; act(pending); }
  }

  function canonical(params) {
    var out = new URLSearchParams();
    PARAMS.forEach(function (key) { if (params.has(key)) { out.set(key, params.get(key)); } });
    params.forEach(function (value, key) { if (PARAMS.indexOf(key) < 0) { out.append(key, value); } });
    return out.toString();
  }

  // --- state -------------------------------------------------------------------------------------------
  var S = {
    map: null, options: null, lang: null, words: null, version: null, selected: null, seq: 0,
    lastUrl: null, highlight: [], panel: null, body: null, records: new Map(), actions: 0, configured: false,
    pendingAction: null, touched: {}, applying: false
  };

  function writeUrl(changes) {
    var params = readUrl();
    Object.keys(changes).forEach(function (key) {
      var value = changes[key];
      if (value === null || value === undefined || value === "") { params.delete(key); } else { params.set(key, String(value)); }
    });
    var query = canonical(params);
    if (query !== page.location.search.replace(/^\?/, "")) {
      page.history.replaceState(page.history.state, "", page.location.pathname + (query ? "?" + query : "") + page.location.hash);
    }
    S.lastUrl = page.location.search;
  }

  function viewParams() {
    var c = S.map.getCenter(), lat = c.lat, lon = c.lng;
    if (S.options.basemap === "gaode") { var w = wgsFromGcj(lat, lon); lat = w[0]; lon = w[1]; }
    lon = ((lon + 180) % 360 + 360) % 360 - 180;
    return {lat: lat.toFixed(5), lon: lon.toFixed(5), z: String(S.map.getZoom())};
  }

  function layersParam() { return window.qzLayers ? window.qzLayers.visible().join(",") : null; }
  function asofParam() { return window.qzAsOf ? window.qzAsOf.get() : null; }

  // Every drawn feature of `featureId`, with the layer (switch id) whose group draws it.
  function featureLayers(featureId) {
    var found = [];
    var groups = window.qzLayers ? window.qzLayers.groups() : {};
    Object.keys(groups).forEach(function (layerId) {
      groups[layerId].eachLayer(function (child) {
        if (!child.eachLayer) { return; }
        child.eachLayer(function (l) {
          if (l.feature && l.feature.properties && l.feature.properties.id === featureId) { found.push({layer: l, layerId: layerId}); }
        });
      });
    });
    return found;
  }

  // --- selecting -----------------------------------------------------------------------------------------
  // As reader.css: a frame narrower than this shows the panel as a bottom sheet over the map.
  function isSheet() { return window.innerWidth < S.options.sheet_below_px; }

  function clearHighlight() {
    S.highlight.forEach(function (l) { l.remove(); });
    S.highlight = [];
  }

  function drawHighlight(featureId) {
    clearHighlight();
    var o = S.options;
    featureLayers(featureId).forEach(function (item) {
      var l = item.layer, props = l.feature.properties;
      if (l.getLatLng) {
        if (props.halo) {
          var halo = Object.assign({}, props.halo, {fillOpacity: props.halo.fillOpacity * o.selected_halo_fill});
          S.highlight.push(L.circle(l.getLatLng(), halo).addTo(S.map));
        }
        var icon = l.options.icon && l.options.icon.options, size = 30, dx = 0, dy = 0;
        if (icon && icon.iconSize && icon.iconAnchor) {
          dx = icon.iconSize[0] / 2 - icon.iconAnchor[0];
          dy = icon.iconSize[1] / 2 - icon.iconAnchor[1];
        }
        var ring = L.divIcon({className: "qz-selection-ring", iconSize: [size, size], iconAnchor: [size / 2 - dx, size / 2 - dy],
                              html: '<div class="qz-ring" style="width:' + (size - 8) + 'px;height:' + (size - 8) + 'px"></div>'});
        S.highlight.push(L.marker(l.getLatLng(), {icon: ring, interactive: false, keyboard: false, pane: o.panes.selection}).addTo(S.map));
      } else if (l.getLatLngs) {
        S.highlight.push(L.geoJSON(l.feature, {interactive: false, pane: o.panes.selection, style: function () {
          return {color: o.selection_color, weight: 10, opacity: 0.85, fillColor: o.selection_color, fillOpacity: 0.08};
        }}).addTo(S.map));
      }
    });
  }

  function boundsOf(featureId) {
    var bounds = null;
    featureLayers(featureId).forEach(function (item) {
      var l = item.layer, b;
      if (l.getBounds) { b = l.getBounds(); }
      else if (l.getLatLng) {
        var props = l.feature.properties;
        b = props.halo ? L.latLng(l.getLatLng()).toBounds(2 * props.halo.radius) : L.latLngBounds([l.getLatLng(), l.getLatLng()]);
      }
      if (b) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
    });
    return bounds;
  }

  // A click's popup moves the map as far as it needs to be seen whole; a popup for a place the URL
  // names does not (a shared link opens at the view it names).
  function showPopup(featureId, at, pan) {
    var item = featureLayers(featureId)[0];
    if (!item || !item.layer.feature.properties.popup_html || isSheet()) { S.map.closePopup(); return; }
    var l = item.layer, size = S.map.getSize();
    if (!at) { at = l.getLatLng ? l.getLatLng() : (l.getCenter ? l.getCenter() : null); }
    if (!at) { return; }
    // Pre-escaped HTML made by the server (mapapp.map.markup.popup_html), never data itself.
    L.popup({maxWidth: Math.min(340, size.x - 60), maxHeight: Math.max(120, size.y - 80), autoPan: pan !== false,
             autoPanPadding: [12, 12], className: "qz-popup-box"})
      .setLatLng(at).setContent(l.feature.properties.popup_html).openOn(S.map);
  }

  function ensureLayerOn(featureId) {
    var item = featureLayers(featureId)[0];
    if (item && window.qzLayers && window.qzLayers.visible().indexOf(item.layerId) < 0) {
      window.qzLayers.setVisible(window.qzLayers.visible().concat([item.layerId]));
    }
  }

  // how: "click" (on the map, at `at`), "url" (the page's URL named it), "link" (a related place)
  function select(featureId, how, at) {
    if (!featureId) { deselect(); return; }
    if (how !== "url") { touch("feature"); }
    var changed = featureId !== S.selected;
    S.selected = featureId;
    window.qzSelectedFeatureId = featureId;
    if (how === "link") {
      ensureLayerOn(featureId);
      var b = boundsOf(featureId);
      if (b) { S.map.fitBounds(b, {maxZoom: S.options.max_fit_zoom, padding: [40, 40], animate: false}); }
    }
    openPanel(featureId, at);  // first: its files are on their way while the map draws the rest
    drawHighlight(featureId);
    if (how !== "url" || changed) { showPopup(featureId, at, how !== "url"); }
    if (how !== "url") { writeUrl({feature: featureId}); }
  }

  function deselect() {
    S.selected = null;
    window.qzSelectedFeatureId = null;
    clearHighlight();
    S.map.closePopup();
    writeUrl({feature: null});
    renderEmpty();
  }

  // --- the URL: written on every change, followed when someone else (the server, history) changes it ---
  function applyUrl() {
    S.applying = true;
    try { applyUrlNow(); } finally { S.applying = false; }
  }

  function applyUrlNow() {
    var params = readUrl();
    var layers = params.get("layers");
    if (layers !== null && window.qzLayers && layers !== layersParam()) {
      window.qzLayers.setVisible(layers.split(",").filter(Boolean));
    }
    var asof = params.get("asof") || "";
    if (window.qzAsOf && asof !== (asofParam() || "")) { window.qzAsOf.set(asof); }
    var lat = parseFloat(params.get("lat")), lon = parseFloat(params.get("lon")), z = parseInt(params.get("z"), 10);
    if (isFinite(lat) && isFinite(lon) && isFinite(z)) {
      var now = viewParams();
      if (now.lat !== lat.toFixed(5) || now.lon !== lon.toFixed(5) || now.z !== String(z)) {
        var at = S.options.basemap === "gaode" ? gcjFromWgs(lat, lon) : [lat, lon];
        S.map.setView(at, z, {animate: false});
      }
    }
    var feature = params.get("feature");
    if ((feature || null) !== S.selected) {
      if (feature) { select(feature, "url"); } else { deselect(); }
    }
    S.lastUrl = page.location.search;
  }

  function watchUrl() {
    setInterval(function () {
      if (page.location.search !== S.lastUrl) {
        if (inPreview) { keepTouched(); }
        applyUrl();
      }
    }, 200);
  }

  // --- the panel ---------------------------------------------------------------------------------------
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  // Data shown as written (a name, quoted article text, a source's title): marked with its language and
  // as not to be translated; the interface's own words never are (tests/wordcheck.py relies on it).
  function quoted(tag, className, text, lang) {
    var e = el(tag, className, text);
    if (lang) { e.lang = lang; }
    e.setAttribute("translate", "no");
    return e;
  }

  // Prose in the reader's language (a description, a note on the position) with the names it gives in
  // the other script marked as such; prose written in the other language (`writtenIn`) marked whole.
  // As mapapp.map.markup.html_marking_quotes.
  var OTHER_RUN = {
    en: "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u00b7]*",
    zh: "[A-Za-z][A-Za-z0-9.'\u2019&/-]*(?:[ -][A-Za-z0-9][A-Za-z0-9.'\u2019&/-]*)*"
  };
  function prose(tag, className, text, writtenIn) {
    var e = el(tag, className);
    var lang = S.lang === "en" ? "en" : "zh", other = lang === "en" ? "zh" : "en";
    if (writtenIn && writtenIn !== lang) { e.appendChild(quoted("span", "", text, writtenIn)); return e; }
    var re = new RegExp(OTHER_RUN[lang], "g"), position = 0, m;
    while ((m = re.exec(text)) !== null) {
      e.appendChild(document.createTextNode(text.slice(position, m.index)));
      e.appendChild(quoted("span", "", m[0], other));
      position = m.index + m[0].length;
    }
    e.appendChild(document.createTextNode(text.slice(position)));
    return e;
  }

  // `text` with the [start, end) UTF-16 ranges in `marks` wrapped in <mark>, as text nodes.
  function marked(parent, text, marks) {
    var position = 0;
    (marks || []).forEach(function (m) {
      var start = Math.max(m[0], position), end = Math.min(m[1], text.length);
      if (start >= end) { return; }
      parent.appendChild(document.createTextNode(text.slice(position, start)));
      parent.appendChild(el("mark", "", text.slice(start, end)));
      position = end;
    });
    parent.appendChild(document.createTextNode(text.slice(position)));
    return parent;
  }

  function webLink(url, text) {
    var a = el("a", "qz-link", text);
    if (/^https?:\/\//i.test(url || "")) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function button(className, text, onClick) {
    var b = el("button", "qz-button " + className, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function makePanel() {
    var parent = document.getElementById("parent");
    if (!parent || S.panel) { return; }
    parent.classList.add("qz-reader");
    var panel = el("aside", "qz-panel");
    panel.setAttribute("role", "region");
    panel.setAttribute("tabindex", "-1");
    var bar = el("div", "qz-panel-bar");
    var handle = el("button", "qz-sheet-handle");
    handle.type = "button";
    handle.addEventListener("click", function () { panel.classList.toggle("qz-full"); });
    var close = el("button", "qz-close", "×");
    close.type = "button";
    close.addEventListener("click", function () { touch("feature"); deselect(); });
    bar.appendChild(handle);
    bar.appendChild(close);
    panel.appendChild(bar);
    var body = el("div", "qz-panel-body");
    panel.appendChild(body);
    parent.appendChild(panel);
    S.panel = panel;
    S.body = body;
    S.handle = handle;
    S.close = close;
  }

  function labelPanel() {
    S.panel.setAttribute("aria-label", S.words.place_panel_label);
    S.close.setAttribute("aria-label", S.words.place_close);
    S.close.title = S.words.place_close;
    S.handle.setAttribute("aria-label", S.words.place_panel_label);
  }

  function renderEmpty() {
    if (!S.body || !S.words) { return; }
    S.panel.classList.remove("qz-open", "qz-full");
    S.panel.removeAttribute("data-feature");
    S.body.replaceChildren(el("p", "qz-hint", S.words.pick));
  }

  function renderHead(record, fallbackName) {
    var head = el("header", "qz-head");
    head.appendChild(quoted("h2", "qz-name", record ? record.name : fallbackName, record ? record.name_lang : ""));
    if (record && record.other_name) { head.appendChild(quoted("div", "qz-other", record.other_name, record.other_name_lang)); }
    if (record) {
      head.appendChild(el("div", "qz-meta", record.facts.slice(0, 2).map(function (f) { return f[1]; }).join(" · ")));
    }
    return head;
  }

  function renderExcerptPage(container, page, record) {
    page.groups.forEach(function (group) {
      var box = el("section", "qz-group");
      box.setAttribute("data-article", group.article);
      var headline = el("div", "qz-headline", group.headline);
      headline.lang = group.lang || "";
      headline.setAttribute("translate", "no");
      box.appendChild(headline);
      var meta = el("div", "qz-meta");
      if (group.language) { meta.appendChild(el("span", "qz-lang", group.language)); meta.appendChild(document.createTextNode(" · ")); }
      if (group.date) { meta.appendChild(document.createTextNode(group.date + " · ")); }
      if (group.outlet) { meta.appendChild(quoted("span", "qz-outlet", group.outlet, group.lang)); meta.appendChild(document.createTextNode(" · ")); }
      meta.appendChild(document.createTextNode(group.times));
      if (group.url) {
        meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(webLink(group.url, S.words.place_source_link));
      }
      if ((group.also || []).length) {  // the same story on other sites: one group, each page linked once
        meta.appendChild(document.createTextNode(" · " + S.words.place_also_at + " "));
        group.also.forEach(function (other, n) {
          if (n) { meta.appendChild(document.createTextNode(S.lang === "zh" ? "、" : ", ")); }
          meta.appendChild(webLink(other.url, other.site)).classList.add("qz-also-link");
        });
      }
      box.appendChild(meta);
      group.excerpts.forEach(function (excerpt) {
        var quote = el("blockquote", "qz-excerpt");
        excerpt.badges.forEach(function (badge) { quote.appendChild(el("span", "qz-badge", badge)); });
        // as printed: an English sentence is read as English (the badges are the interface's words)
        var sentence = quoted("span", "qz-excerpt-text", null, excerpt.lang || group.lang || "");
        marked(sentence, excerpt.text, excerpt.marks);
        quote.appendChild(sentence);
        box.appendChild(quote);
      });
      box.appendChild(button("qz-read", S.words.place_read, function () {
        act({kind: "read", feature: record.id, article: group.article});
      }));
      container.appendChild(box);
    });
    if (page.note) { container.appendChild(el("p", "qz-meta qz-note", page.note)); }
    if (page.next) {
      var more = button("qz-more", S.words.more_template.replace("{n}", String(page.more_articles)), function () {
        more.disabled = true;
        fetchJson(placeUrl(record._version, record.lang, page.next)).then(function (next) {
          more.remove();
          renderExcerptPage(container, next, record);
        }, function () {
          more.disabled = false;
          more.textContent = S.words.place_failed;
        });
      });
      container.appendChild(more);
    }
  }

  function renderTimeline(timeline) {
    var section = el("section", "qz-section qz-timeline");
    section.appendChild(el("h3", "", timeline.title));
    if (timeline.events.length) {
      var list = el("ol", "qz-tl-events");
      timeline.events.forEach(function (event) {
        var item = el("li", "qz-tl-item" + (event.expected ? " qz-tl-expected" : ""));
        item.setAttribute("data-kind", event.kind_id);
        item.appendChild(el("span", "qz-tl-date", event.date));
        item.appendChild(el("span", "qz-tl-kind", event.kind));
        event.badges.forEach(function (badge) {
          var b = el("span", "qz-badge", badge.text);
          if (badge.title) { b.title = badge.title; }
          item.appendChild(b);
        });
        var details = el("details");
        var summary = el("summary", "", event.summary + (event.evidence ? ": " : ""));
        if (event.evidence) { summary.appendChild(quoted("span", "", event.evidence, event.passage_lang)); }
        details.appendChild(summary);
        var passages = [event].concat(event.also || []);  // the same event, reported elsewhere too
        passages.forEach(function (report, n) {
          var cls = n === 0 ? "qz-passage" : "qz-passage qz-also";
          details.appendChild(marked(quoted("blockquote", cls, null, report.passage_lang), report.passage, report.marks));
          if (report.source_headline || report.source_date) {
            var source = el("div", "qz-meta");
            source.appendChild(quoted("span", "", report.source_headline, ""));
            source.appendChild(document.createTextNode(report.source_date ? " · " + report.source_date : ""));
            details.appendChild(source);
          }
        });
        if (event.more_reports) { details.appendChild(el("div", "qz-meta", event.more_reports)); }
        item.appendChild(details);
        list.appendChild(item);
      });
      section.appendChild(list);
    }
    if (timeline.figures.length) {
      var table = el("table", "qz-tl-figures");
      table.appendChild(el("caption", "", timeline.figures_title));
      timeline.figures.forEach(function (figure) {
        var row = el("tr");
        row.title = figure.sentence;
        row.appendChild(el("td", "", figure.quantity));
        row.appendChild(el("td", "qz-tl-value", figure.value));
        row.appendChild(el("td", "qz-meta", figure.period));
        table.appendChild(row);
      });
      section.appendChild(table);
    }
    if (timeline.more) { section.appendChild(el("p", "qz-meta", timeline.more)); }
    return section;
  }

  function renderAbout(record) {
    var section = el("section", "qz-section qz-about");
    section.appendChild(el("h3", "", S.words.place_about));
    var facts = el("dl", "qz-facts");
    record.facts.forEach(function (f) { facts.appendChild(el("dt", "", f[0])); facts.appendChild(el("dd", "", f[1])); });
    section.appendChild(facts);
    if (record.description) { section.appendChild(prose("p", "qz-description", record.description, record.description_lang)); }
    if (record.sources.length || record.position_note) {
      var details = el("details", "qz-sources");
      details.appendChild(el("summary", "", S.words.sources + " (" + record.sources.length + ")"));
      if (record.position_note) {
        details.appendChild(prose("p", "qz-meta qz-position-note", record.position_note, record.position_note_lang));
      }
      var list = el("ul");
      record.sources.forEach(function (source) {
        var item = el("li");
        var title = source.url ? webLink(source.url, source.title) : el("span", "", source.title);
        if (source.title_lang) { title.lang = source.title_lang; }
        title.setAttribute("translate", "no");
        item.appendChild(title);
        if (!source.url && source.ref && source.ref !== source.title) { item.appendChild(el("code", "", " " + source.ref)); }
        if (source.quote) {
          var said = el("div", "qz-meta", "“");
          said.appendChild(quoted("span", "", source.quote, source.quote_lang));
          said.appendChild(document.createTextNode("”"));
          item.appendChild(said);
        }
        list.appendChild(item);
      });
      details.appendChild(list);
      section.appendChild(details);
    }
    return section;
  }

  function renderRelated(record) {
    var section = el("section", "qz-section qz-related");
    section.appendChild(el("h3", "", S.words.related));
    var list = el("div", "qz-related-list");
    record.related.forEach(function (other) {
      var b = button("qz-related-place", "", function () { select(other.id, "link"); });
      b.appendChild(quoted("span", "", other.name, other.name_lang));
      b.appendChild(document.createTextNode(" · " + other.count));
      b.setAttribute("data-feature", other.id);
      list.appendChild(b);
    });
    section.appendChild(list);
    return section;
  }

  function renderRecord(record) {
    var body = el("div", "qz-place");
    body.setAttribute("data-feature", record.id);
    body.lang = record.lang;
    body.appendChild(renderHead(record));
    var tools = el("div", "qz-tools");
    var copy = button("qz-copy", S.words.place_copy_link, function () { copyLink(copy); });
    tools.appendChild(copy);
    tools.appendChild(button("qz-report", S.words.place_report, function () { act({kind: "report", feature: record.id}); }));
    body.appendChild(tools);
    var excerpts = el("section", "qz-section qz-excerpts");
    excerpts.appendChild(el("h3", "", S.words.excerpts));
    if (record.excerpts.total) {
      excerpts.appendChild(el("p", "qz-meta qz-summary", record.excerpts.summary));
      renderExcerptPage(excerpts, record.excerpts, record);
    } else {
      excerpts.appendChild(el("p", "qz-meta", S.words.not_mentioned));
    }
    body.appendChild(excerpts);
    if (record.timeline) { body.appendChild(renderTimeline(record.timeline)); }
    body.appendChild(renderAbout(record));
    if (record.related.length) { body.appendChild(renderRelated(record)); }
    return body;
  }

  function copyLink(control) {
    var url = page.location.href;
    var done = function () { control.textContent = S.words.place_copied; control.classList.add("qz-done"); };
    var fallback = function () {
      var box = el("input", "qz-link-box");
      box.readOnly = true;
      box.value = url;
      control.replaceWith(box);
      box.select();
    };
    try {
      navigator.clipboard.writeText(url).then(done, fallback);
    } catch (err) { fallback(); }
  }

  // Reports and an article's whole text are the server's (st.dialog): the panel asks for them through
  // the map component's value, which makes one run of the page.
  function act(action) {
    S.actions += 1;
    action.n = S.actions;
    if (window.Streamlit && window.Streamlit.setComponentValue) { window.Streamlit.setComponentValue({qz_action: action}); }
    else if (inPreview) { S.pendingAction = action; }  // for the map that follows (retirePreview)
  }

  function placeUrl(version, lang, file) { return S.options.placedata + "/" + version + "/" + lang + "/" + file; }

  function fetchJson(url, init) {
    return fetch(url, init).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + url); }
      return response.json();
    });
  }

  function fetchRecord(version, lang, featureId) {
    var url = placeUrl(version, lang, featureId + ".json");
    if (!S.records.has(url)) {
      var pending = fetchJson(url).then(function (record) { record._version = version; return record; });
      pending.catch(function () { S.records.delete(url); });
      S.records.set(url, pending);
    }
    return S.records.get(url);
  }

  // The place in the current data version: current.json (revalidated on every click) and the place's
  // file in the version known so far are asked for at once; a new version means one more request.
  function loadRecord(featureId, lang) {
    var known = S.version;
    var current = fetchJson(S.options.placedata + "/current.json", {cache: "no-cache"})
      .then(function (c) { return c.version; }, function () { return known; });
    var guess = fetchRecord(known, lang, featureId);
    guess.catch(function () {});
    return current.then(function (version) {
      if (version && version !== known) { S.version = version; return fetchRecord(version, lang, featureId); }
      return guess;
    });
  }

  function openPanel(featureId, at) {
    if (!S.body || !S.words) { return; }
    var seq = ++S.seq, item = featureLayers(featureId)[0];
    var name = item ? item.layer.feature.properties.name : featureId;
    S.panel.setAttribute("data-feature", featureId);
    S.panel.setAttribute("aria-busy", "true");
    S.body.replaceChildren(renderHead(null, name), el("p", "qz-meta qz-loading", S.words.place_loading));
    S.panel.classList.add("qz-open");
    if (isSheet()) { whenIdle(function () { if (seq === S.seq) { keepAboveSheet(featureId, at); } }); }
    loadRecord(featureId, S.lang).then(function (record) {
      if (seq !== S.seq) { return; }
      S.body.replaceChildren(renderRecord(record));
      S.body.scrollTop = 0;
      S.panel.setAttribute("aria-busy", "false");
      S.panel.setAttribute("data-ready", featureId);
    }, function () {
      if (seq !== S.seq) { return; }
      S.body.replaceChildren(renderHead(null, name), el("p", "qz-meta qz-error", S.words.place_failed));
      S.panel.setAttribute("aria-busy", "false");
    });
  }

  // Run `fn` once the map is not zooming or panning (a move made during an animation is undone when
  // the animation ends at the view it was started for).
  function whenIdle(fn) {
    if (S.map._animatingZoom || (S.map._panAnim && S.map._panAnim._inProgress)) {
      S.map.once("moveend", function () { whenIdle(fn); });
    } else {
      fn();
    }
  }

  // On a phone the sheet covers the lower part of the map: the place is moved into the part above it.
  function keepAboveSheet(featureId, at) {
    var target = at || (boundsOf(featureId) ? boundsOf(featureId).getCenter() : null);
    if (!target) { return; }
    S.map.invalidateSize({pan: false});  // the frame may have been resized since Leaflet last looked
    var size = S.map.getSize(), top = size.y - S.panel.offsetHeight;
    var p = S.map.latLngToContainerPoint(target);
    if (p.y > top - 24 || p.y < 12) {
      S.map.panBy([0, p.y - Math.max(40, top / 2)], {animate: false});
    }
  }

  // --- popups and tooltips stay inside the map ---------------------------------------------------------
  function fitTooltip(tooltip) {
    var element = tooltip.getElement && tooltip.getElement();
    if (!element) { return; }
    var box = S.map.getContainer().getBoundingClientRect(), r = element.getBoundingClientRect();
    var direction = tooltip.options.direction;
    if (r.top < box.top) { direction = "bottom"; } else if (r.bottom > box.bottom) { direction = "top"; }
    if (r.left < box.left) { direction = "right"; } else if (r.right > box.right) { direction = "left"; }
    if (direction !== tooltip.options.direction) {
      tooltip._qzDirection = tooltip._qzDirection || tooltip.options.direction;
      tooltip.options.direction = direction;
      tooltip.update();
    }
  }

  // --- set-up ------------------------------------------------------------------------------------------
  window.qzReader = {
    gcjFromWgs: gcjFromWgs,
    wgsFromGcj: wgsFromGcj,
    attach: function (map, options) {
      S.map = map;
      S.options = options;
      S.version = options.version;
      followAddressBar();
      makePanel();
      map.invalidateSize({animate: false});  // the panel took its place beside the map
      // The frame's size is the page's to set (and a phone turns): Leaflet notices window resizes only.
      if (window.ResizeObserver) {
        new ResizeObserver(function () { map.invalidateSize({animate: false}); }).observe(map.getContainer());
      }
      map.on("moveend", function () { if (S.configured) { touch("view"); writeUrl(viewParams()); } });
      map.on("overlayadd overlayremove", function () {
        if (S.configured) { touch("layers"); writeUrl({layers: layersParam(), asof: asofParam()}); }
      });
      map.on("tooltipopen", function (e) { fitTooltip(e.tooltip); });
      map.on("tooltipclose", function (e) {
        if (e.tooltip._qzDirection) { e.tooltip.options.direction = e.tooltip._qzDirection; e.tooltip._qzDirection = null; }
      });
      map.on("resize", function () { if (S.selected && isSheet()) { S.panel.classList.add("qz-open"); } });
    },
    // In the last overlay group: the reader's language and the panel's words. The first call takes the
    // state from the URL (the layers and the map exist by then); later ones redraw the panel.
    configure: function (lang, words, version) {
      var first = !S.configured;
      S.lang = lang;
      S.words = words;
      if (version) { S.version = version; }
      S.configured = true;
      labelPanel();
      if (first) {
        // After st_folium has applied the view the server asked for (it does so right after running
        // the overlay groups), so that the URL's place is shown in that view.
        setTimeout(function () {
          whenIdle(applyUrl);
          if (!S.selected) { renderEmpty(); }
          watchUrl();
          followAddressBar();
          whenIdle(retirePreview);
          if (inPreview) {  // Streamlit's page is still starting: it is told as soon as it is there
            var tries = 0, poll = setInterval(function () {
              tries += 1;
              if (followAddressBar() || tries > 600) { clearInterval(poll); }
            }, 50);
          }
        }, 0);
      } else if (S.selected) {
        drawHighlight(S.selected);
        openPanel(S.selected);
      } else {
        renderEmpty();
      }
    },
    // From every feature's click handler (mapview._ON_EACH_FEATURE).
    clicked: function (featureId, event) {
      if (!S.map) { return; }
      var at = event && event.originalEvent ? S.map.mouseEventToLatLng(event.originalEvent) : event && event.latlng;
      select(featureId, "click", at);
    },
    select: function (featureId) { select(featureId, "link"); },
    selected: function () { return S.selected; },
    pendingAction: function () { return S.pendingAction || null; }
  };
})();

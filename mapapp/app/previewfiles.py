"""A phone's first map, drawn before Streamlit's page is ready: the map's own script as a static file.

On a phone (DevTools' Fast 4G, a 4x slower CPU) Streamlit's page draws its map ~5 s after the link
was opened (BENCHMARKS.md): its frontend (~600 kB of script) runs, opens a WebSocket session, the
map arrives as one ~770 kB message, then the component's frame loads and draws it. scripts/serve.sh's
nginx puts `page_snippet` into Streamlit's page: on a narrow screen it opens a frame over the place
the map takes (under the title line) with `preview.html` (mapapp/map/js/), which draws the very map
Streamlit would, from the arguments the app rendered for its map component (written here), with the
same reader's script (mapapp/map/js/reader.js). So the first map is a working one: a tap opens the
place's sheet from the place files, pans, zooms and the place are written to the page's URL, as on
the map that follows. When Streamlit's map has drawn, its reader's script takes that state from the
URL and removes the frame (a panel action tapped in the frame is handed over).

    static/placedata/<source>/preview-<lang>-<basemap>.json
        {"header", "script", "feature_group", "css_links", "js_links"}: the component's arguments

The app writes a file when it renders the map every new reader of a link in that language and
basemap gets (the default layers, no "as of" date, a reader's map, mapapp.app.ui.render_map), so the
file follows the data version being served; a link that names other layers or a date shows the
default map with them applied by the reader's script (as the map does with a link's place and view).
Written atomically and only when its content changed; nginx revalidates it on every load.
No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mapapp.app.placefiles import write_json

PREVIEW_FILE = "preview-{lang}-{basemap}.json"
# Streamlit's error and notice boxes in the page's main part: when one is shown, the first map goes.
_SAID = "[data-testid=stMain] [data-testid=stException],[data-testid=stMain] [data-testid=stAlert]"
PREVIEW_FRAME_ID = "qz-preview"
# What the page may ask the preview page to read (the preview page checks it again): a same-origin
# file of this form only, never a URL from elsewhere (its script is run).
PREVIEW_DATA_PATH = re.compile(r"^/app/static/placedata/[0-9a-f]{12}/preview-[a-z]{2}-[a-z]{2,8}\.json$")


@dataclass(frozen=True)
class PreviewMap:
    """The map component's arguments that draw the map (mapapp.app.mapcomponent.RenderedMap's, and
    the overlay groups' script)."""

    header: str
    script: str
    feature_group: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


# A feature's popup in the overlay groups' script (mapapp.map.markup.popup_html as a JSON string, as
# folium writes GeoJSON properties): the first map is shown on phones only, where the reader's script
# shows a place in the bottom sheet and never opens a popup.
_POPUP_PROPERTY = re.compile(r'"popup_html": "(?:[^"\\]|\\.)*"')


def without_popups(feature_group: str) -> str:
    """The overlay groups' script with every feature's popup HTML emptied (~150 of ~690 kB here)."""
    return _POPUP_PROPERTY.sub('"popup_html": ""', feature_group)


def preview_file(source_dir: Path, lang: str, basemap: str) -> Path:
    """The preview file of one language and basemap in a source's place-file folder."""
    if not (re.fullmatch(r"[a-z]{2}", lang) and re.fullmatch(r"[a-z]{2,8}", basemap)):
        raise ValueError(f"preview file for lang '{lang}', basemap '{basemap}': expected lower-case codes")
    return source_dir / PREVIEW_FILE.format(lang=lang, basemap=basemap)


def write_preview(path: Path, preview: PreviewMap) -> bool:
    """Write `preview` to `path` (a temporary file moved into place) unless the file holds it already;
    True if it was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_json(
        path,
        {
            "header": preview.header,
            "script": preview.script,
            "feature_group": without_popups(preview.feature_group),
            "css_links": list(preview.css_links),
            "js_links": list(preview.js_links),
        },
        unless_same=True,
    )


def page_snippet(
    *,
    preview_page: str,
    source: str,
    langs: Sequence[str],
    basemaps: Sequence[str],
    phone_max_px: int,
    top_px: int,
    titles: dict[str, str],
) -> str:
    """The HTML nginx puts into Streamlit's `<head>` (after the viewport's `<meta>`): on a screen at most `phone_max_px`
    wide, a frame `top_px` below the top to the bottom (where the phone layout puts the map, under
    the title line; mapapp.app.pagelayout) showing `preview_page` with the preview file of the URL's
    language and basemap (the first of `langs`, `basemaps` when the URL names none or another).

    One line with no double quote, backslash or dollar sign, so that it fits in nginx's quoted
    string as it is; the frame sits under Streamlit's sidebar and header (z-index 99)."""
    if not re.fullmatch(r"[0-9a-f]{12}", source):
        raise ValueError(f"preview source '{source}': expected the 12 hex digits of placefiles.source_key")
    if not re.fullmatch(r"/app/static/preview\.[0-9a-f]{12}\.html", preview_page):
        raise ValueError(f"preview page '{preview_page}': expected /app/static/preview.<hash>.html")
    for code in (*langs, *basemaps):
        if not re.fullmatch(r"[a-z]{2,8}", code):
            raise ValueError(f"preview snippet: language or basemap code {code!r}; expected lower-case letters")
    for lang in langs:
        if re.search(r"['\"\\<>&$\n]", titles[lang]):
            raise ValueError(f"preview frame title {titles[lang]!r}: expected words without quotes or markup")
    words = ",".join(f"{lang}:'{titles[lang]}'" for lang in langs)
    script = (
        "(function(){try{"
        f"if(!window.matchMedia('(max-width: {phone_max_px}px)').matches){{return;}}"
        "var q=new URLSearchParams(location.search),lang=q.get('lang'),map=q.get('basemap');"
        f"var langs={list(langs)!r},maps={list(basemaps)!r},titles={{{words}}};"
        "if(langs.indexOf(lang)<0){lang=langs[0];}if(maps.indexOf(map)<0){map=maps[0];}"
        f"var data='/app/static/placedata/{source}/preview-'+lang+'-'+map+'.json';"
        # asked for now, beside Streamlit's scripts, not once the frame's page has loaded
        "window.qzPreview={url:data,map:fetch(data).then(function(r){if(!r.ok){throw new Error(r.status);}return r.json();})};"
        "window.qzPreview.map.catch(function(){});"
        f"var f=document.createElement('iframe');f.id='{PREVIEW_FRAME_ID}';f.title=titles[lang];"
        f"f.src='{preview_page}?data='+encodeURIComponent(data);"
        # in the head, before Streamlit's stylesheet (a script after it would wait for it), so on the
        # document element: the body the parser makes next comes after it
        "document.documentElement.appendChild(f);"
        # a page that says something went wrong (or what of the link it could not follow) is not hidden
        "var o=new MutationObserver(function(){if(!f.isConnected){o.disconnect();return;}"
        f"if(document.querySelector('{_SAID}')){{f.remove();o.disconnect();}}}});"
        "o.observe(document.documentElement,{childList:true,subtree:true});"
        "}catch(e){}})();"
    )
    style = (
        f"#{PREVIEW_FRAME_ID}{{position:fixed;left:0;top:{top_px}px;width:100%;height:calc(100% - {top_px}px);"
        "border:0;margin:0;padding:0;z-index:99;background:#eef0ea}"
    )
    snippet = f"<style>{style}</style><script>{script}</script>"
    for bad in ('"', "\\", "$", "\n"):
        if bad in snippet:
            raise ValueError(f"preview snippet holds {bad!r}; it must fit in an nginx string as it is")
    return snippet

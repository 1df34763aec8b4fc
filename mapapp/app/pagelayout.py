"""The page around the map: how big the map is, and the phone layout. Pure CSS, no Streamlit.

ui.py puts the title, the map and the legend in keyed containers (`st.container(key=...)`, which
Streamlit marks with the class `st-key-<key>`), and this stylesheet sizes them:

- wide screens: the map (with the place panel inside it, mapapp/map/js/reader.css) fills the window
  below the title, so the whole map is on screen;
- a phone (at most PHONE_MAX_PX wide): one line of title under Streamlit's header, whose sidebar
  button (search, language, basemap) is labelled and at least 44 px; the page is one screen high:
  notices (a link that could not be followed in full, data problems) take their lines under the
  title, at most NOTICES_MAX_VH of the screen and scrolled inside themselves, and the map takes
  exactly what is left, so the page never needs scrolling, a one-finger drag always moves the map
  and the place's bottom sheet (over the map's lower part) is on screen; touch targets >= 44 px.
"""

from __future__ import annotations

from mapapp.map.wording import t

PHONE_MAX_PX = 640  # as mapapp.map.readerpanel.SHEET_BELOW_PX: the sheet and the phone page go together
TITLE_KEY, SUBTITLE_KEY, MAP_KEY, LEGEND_KEY = "qz_title", "qz_subtitle", "qz_map", "qz_legend"
NOTICES_KEY = "qz_notices"
PHONE_TITLE_PX = 48
NOTICES_MAX_VH = 30  # a phone's notices never take more of the screen than this
MAP_MIN_VH = 55  # nor leave the map less (what is below it, a curator's desk, is scrolled to)


def css_string(text: str) -> str:
    """`text` as a CSS string literal: every character but letters, digits and spaces escaped, so
    neither a quote nor `</style>` can end it."""
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x}" for c in text) + '"'


def page_css(lang: str) -> str:
    """The page's stylesheet in `lang` (the sidebar button's label is a word of the interface)."""
    label = css_string(t(lang, "open_sidebar"))
    return f"""<style>
.st-key-{MAP_KEY} iframe {{ display: block; height: clamp(460px, calc(100vh - 210px), 1100px) !important; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; padding-bottom: 2rem; }}
[data-testid="stLayoutWrapper"]:has(> .st-key-{NOTICES_KEY}:empty) {{ display: none; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; }}
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 0; }}
  [data-testid="stHeader"], [data-testid="stToolbar"] {{ height: {PHONE_TITLE_PX}px !important;
    background: transparent !important; }}
  /* the header lies over the title line only: nothing in it but its buttons takes a tap from the map */
  [data-testid="stHeader"], [data-testid="stHeader"] * {{ pointer-events: none !important; }}
  [data-testid="stHeader"] button, [data-testid="stHeader"] button * {{ pointer-events: auto !important; }}
  [data-testid="stHeader"] button {{ min-width: 44px; min-height: 44px; }}
  [data-testid="stExpandSidebarButton"] {{ width: auto !important; padding: 0 10px 0 4px; gap: 4px;
    border: 1px solid #c8c8c8 !important; border-radius: 8px; background: #fff !important; margin-top: -14px; }}
  [data-testid="stExpandSidebarButton"]::after {{ content: {label}; font-size: 15px; color: #222; white-space: nowrap; }}
  .st-key-{TITLE_KEY} {{ height: {PHONE_TITLE_PX}px !important; min-height: {PHONE_TITLE_PX}px;
    padding: 0 56px 0 150px; box-sizing: border-box; }}
  .st-key-{TITLE_KEY} h1 {{ font-size: 18px; line-height: {PHONE_TITLE_PX}px; padding: 0; margin: 0;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
  .st-key-{TITLE_KEY} [data-testid="stHeaderActionElements"] {{ display: none; }}
  .st-key-{SUBTITLE_KEY}, .st-key-{LEGEND_KEY} {{ display: none; }}
  /* one screen: title, notices, then the map in what is left (percentages down to the iframe) */
  [data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ height: 100vh; height: 100dvh; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-{NOTICES_KEY}) {{ flex: 0 0 auto; max-height: {NOTICES_MAX_VH}vh;
    overflow-y: auto; overscroll-behavior: contain; }}
  [data-testid="stLayoutWrapper"]:has(> .st-key-{MAP_KEY}) {{ flex: 1 1 0; min-height: {MAP_MIN_VH}vh; }}
  .st-key-{MAP_KEY}, .st-key-{MAP_KEY} > *, .st-key-{MAP_KEY} > * > * {{ height: 100%; }}
  .st-key-{MAP_KEY} iframe {{ height: 100% !important; }}
  [data-testid="stSidebar"] input, [data-testid="stSidebar"] button {{ min-height: 44px; }}
  [data-testid="stSidebar"] [data-testid="stRadioOption"] {{ min-height: 44px; align-items: center; }}
}}
</style>"""

"""The page around the map: how big the map is, and the phone layout. Pure CSS, no Streamlit.

ui.py puts the title, the map and the legend in keyed containers (`st.container(key=...)`, which
Streamlit marks with the class `st-key-<key>`), and this stylesheet sizes them:

- wide screens: the map (with the place panel inside it, mapapp/map/js/reader.css) fills the window
  below the title, so the whole map is on screen;
- a phone (at most PHONE_MAX_PX wide): one line of title under Streamlit's header, whose sidebar
  button (search, language, basemap) is labelled and at least 44 px; the map fills the rest of the
  screen exactly, so the page never needs scrolling and a one-finger drag always moves the map;
  the place opens as a bottom sheet over the map; touch targets of at least 44 px.
"""

from __future__ import annotations

from mapapp.map.wording import t

PHONE_MAX_PX = 640  # as mapapp.map.readerpanel.SHEET_BELOW_PX: the sheet and the phone page go together
TITLE_KEY, SUBTITLE_KEY, MAP_KEY, LEGEND_KEY = "qz_title", "qz_subtitle", "qz_map", "qz_legend"
PHONE_TITLE_PX = 48


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
  .st-key-{MAP_KEY} iframe {{ height: calc(100vh - {PHONE_TITLE_PX}px) !important;
    height: calc(100dvh - {PHONE_TITLE_PX}px) !important; }}
  [data-testid="stSidebar"] input, [data-testid="stSidebar"] button {{ min-height: 44px; }}
  [data-testid="stSidebar"] [data-testid="stRadioOption"] {{ min-height: 44px; align-items: center; }}
}}
</style>"""

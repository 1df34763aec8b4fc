"""pagelayout: the page's stylesheet, its one word of data (the sidebar button's label) escaped."""

from __future__ import annotations

from mapapp.app.pagelayout import PHONE_MAX_PX, css_string, page_css
from mapapp.map.readerpanel import SHEET_BELOW_PX


def test_a_css_string_cannot_be_ended_by_its_text():
    assert css_string("Search · settings") == '"Search \\0000b7 settings"'
    hostile = css_string('x"; } body { display: none } </style><script>')
    assert '"' not in hostile[1:-1] and "<" not in hostile and "}" not in hostile


def test_the_phone_layout_and_the_sheet_share_one_breakpoint_and_the_label_is_in_the_readers_language():
    assert PHONE_MAX_PX == SHEET_BELOW_PX
    zh, en = page_css("zh"), page_css("en")
    assert f"@media (max-width: {PHONE_MAX_PX}px)" in zh
    assert css_string("搜索 · 设置") in zh and css_string("Search · settings") in en

"""urlstate: parse, check and write the shareable URL."""

from __future__ import annotations

import pytest

from mapapp.app.urlstate import (
    MAX_PARAM_CHARS,
    UrlState,
    query_from_state,
    state_from_query,
)
from mapapp.map.viewport import View

FEATURES = ["qujiang-gym", "hangqu-hsr"]
LAYERS = ["districts", "admin", "rail", "roads", "sports"]


def parse(**query):
    return state_from_query(query, feature_ids=FEATURES, layer_ids=LAYERS)


def test_empty_query_gives_defaults_and_no_notices():
    assert parse() == (UrlState(), ())


def test_full_query_round_trips():
    state, notices = parse(
        feature="qujiang-gym", layers="sports,rail", basemap="gaode", lang="en", lat="28.98", lon="118.95", z="14"
    )
    assert notices == ()
    assert state == UrlState("qujiang-gym", ("rail", "sports"), "gaode", "en", View(28.98, 118.95, 14))
    query = query_from_state(state, default_layer_ids=["rail"])
    assert query == {
        "feature": "qujiang-gym",
        "layers": "rail,sports",
        "basemap": "gaode",
        "lang": "en",
        "lat": "28.98000",
        "lon": "118.95000",
        "z": "14",
    }
    assert parse(**query)[0] == state


def test_unknown_feature_is_a_notice_and_no_selection():
    state, notices = parse(feature="<script>alert(1)</script>")
    assert state.feature_id is None
    assert [(n.param, n.value, n.reason) for n in notices] == [
        ("feature", "<script>alert(1)</script>", "unknown_feature")
    ]


def test_unknown_layers_are_dropped_known_ones_kept():
    state, notices = parse(layers="rail,nope,,sports")
    assert state.layer_ids == ("rail", "sports")
    assert [(n.param, n.value, n.reason) for n in notices] == [("layers", "nope", "unknown_layer")]


def test_many_unknown_layers_give_one_shortened_notice():
    state, notices = parse(layers=",".join(f"bad{n}" for n in range(150)) + ",rail")
    assert state.layer_ids == ("rail",)
    [notice] = notices
    assert notice.reason == "unknown_layer" and notice.value.startswith("bad0, bad1, ") and len(notice.value) <= 60


def test_empty_layers_means_no_layers_not_defaults():
    assert parse(layers="")[0].layer_ids == ()
    assert query_from_state(UrlState(layer_ids=()), default_layer_ids=["rail"])["layers"] == ""
    assert query_from_state(UrlState(), default_layer_ids=["rail", "sports"])["layers"] == "rail,sports"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"basemap": "google"}, "basemap"),
        ({"lang": "fr"}, "lang"),
        ({"lat": "nan", "lon": "118", "z": "9"}, "lat"),
        ({"lat": "28", "lon": "500", "z": "9"}, "lon"),
        ({"lat": "28", "lon": "118", "z": "99"}, "z"),
        ({"lat": "28", "lon": "118", "z": "inf"}, "z"),
    ],
)
def test_bad_values_fall_back_with_a_notice(query, param):
    state, notices = parse(**query)
    assert [n.param for n in notices] == [param]
    assert notices[0].reason == "bad_value" and notices[0].expected
    assert state.basemap == "osm" and state.lang == "zh" and state.view is None


def test_partial_view_is_a_notice():
    state, notices = parse(lat="28.9", lon="118.9")
    assert state.view is None
    assert [(n.param, n.reason) for n in notices] == [("z", "incomplete_view")]


def test_very_long_values_are_refused_and_shortened_in_the_notice():
    state, notices = parse(feature="x" * (MAX_PARAM_CHARS + 1), layers="rail," * 5000)
    assert state.feature_id is None and state.layer_ids is None
    assert [n.reason for n in notices] == ["too_long", "too_long"]
    assert all(len(n.value) <= 60 for n in notices)


def test_repeated_params_take_the_last_value():
    state, _ = state_from_query({"lang": ["zh", "en"]}, feature_ids=FEATURES, layer_ids=LAYERS)
    assert state.lang == "en"


def test_case_and_spaces_are_forgiven_for_choices():
    state, notices = parse(basemap=" OSM ", lang="EN")
    assert (state.basemap, state.lang, notices) == ("osm", "en", ())


def test_link_to_a_feature_keeps_layers_basemap_and_language_but_not_the_view():
    from mapapp.app.urlstate import link_to_feature

    state = UrlState("qujiang-gym", ("rail",), "gaode", "en", View(28.98, 118.95, 14))
    assert (
        link_to_feature(state, "hangqu-hsr", default_layer_ids=["rail"])
        == "?feature=hangqu-hsr&layers=rail&basemap=gaode&lang=en"
    )
    assert (
        link_to_feature(UrlState(), "a&b=<x>", default_layer_ids=["rail", "sports"])
        == "?feature=a%26b%3D%3Cx%3E&layers=rail%2Csports&basemap=osm&lang=zh"
    )


def test_visible_layers_are_the_named_ones_else_the_defaults():
    from mapapp.app.urlstate import visible_layer_ids

    assert visible_layer_ids(UrlState(layer_ids=()), ["rail"]) == ()
    assert visible_layer_ids(UrlState(), ["rail", "sports"]) == ("rail", "sports")


def test_the_server_takes_what_the_browser_owns_from_the_url_and_keeps_language_and_basemap():
    from mapapp.app.urlstate import UrlState, adopt_browser_state
    from mapapp.map.viewport import View

    server = UrlState(feature_id="a", layer_ids=("rail",), basemap="gaode", lang="en", view=View(29, 118, 9))
    browser = UrlState(
        feature_id="b", layer_ids=None, basemap="osm", lang="zh", view=View(28.9, 118.9, 12), asof="2025"
    )
    adopted = adopt_browser_state(server, browser)
    assert (adopted.feature_id, adopted.layer_ids, adopted.view, adopted.asof) == (
        "b",
        None,
        View(28.9, 118.9, 12),
        "2025",
    )
    assert (adopted.basemap, adopted.lang) == ("gaode", "en")

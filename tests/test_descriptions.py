"""Descriptions in the reader's language, and the note on how a position was found next to the sources."""

from __future__ import annotations

from dataclasses import replace

from datafactory import make_gym

from mapapp.app import panel, placedata
from mapapp.models import Feature, Source

BASE = make_gym((Source("百科", "https://example.org/", "引文"),))


def with_props(**props) -> Feature:
    return replace(BASE, properties=props)


def record(feature: Feature, lang: str) -> dict:
    return placedata.place_record(
        feature,
        lang,
        excerpts={},
        events=(),
        figures=(),
        total_events=0,
        total_figures=0,
        articles={},
        related=[],
        layer_id="sports",
    )


def test_the_panel_shows_the_description_in_the_reader_language_and_falls_back_to_the_other():
    both = with_props(description_zh="浙BA <主场>", description_en="Home court <of> the league")
    assert record(both, "zh")["description"] == "浙BA <主场>"  # text: the browser sets it with textContent
    assert record(both, "en")["description"] == "Home court <of> the league"
    only_zh = with_props(description_zh="只有中文")
    assert record(only_zh, "en")["description"] == "只有中文"
    legacy = replace(BASE, description="an old single description")
    assert record(legacy, "zh")["description"] == "an old single description"
    assert panel.description_in(legacy, "en") == "an old single description"


def test_the_position_note_is_with_the_sources_not_in_the_description():
    feature = with_props(description_zh="体育馆。", position_note="Position: centre of <樟潭街道>; halo 50 km.")
    place = record(feature, "zh")
    assert "Position" not in place["description"]
    assert place["position_note"] == "Position: centre of <樟潭街道>; halo 50 km."


def test_every_real_feature_has_both_descriptions_and_keeps_its_position_note_apart():
    from mapapp.paths import GEODATA_DIR, LAYERS_DIR
    from mapapp.pipeline.gazetteer import load_gazetteer
    from mapapp.pipeline.layers import load_layers

    layers, _ = load_layers(LAYERS_DIR)
    features = load_gazetteer(GEODATA_DIR, layers, resolve_boundaries=False).features
    assert len(features) >= 144
    for feature in features.values():
        props = feature.properties
        assert props.get("description_zh", "").strip() and props.get("description_en", "").strip(), feature.feature_id
        assert "description" not in props, feature.feature_id
        for key in ("description_zh", "description_en"):
            assert not any(marker in props[key] for marker in ("Position:", "Point:", "图上放在", "示意线")), (
                feature.feature_id,
                key,
            )

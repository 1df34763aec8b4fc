"""Descriptions in the reader's language, and the note on how a position was found next to the sources."""

from __future__ import annotations

from dataclasses import replace

from datafactory import make_gym

from mapapp.app import panel
from mapapp.models import Feature, Source

BASE = make_gym((Source("百科", "https://example.org/", "引文"),))


def with_props(**props) -> Feature:
    return replace(BASE, properties=props)


def test_the_card_shows_the_description_in_the_reader_language_and_falls_back_to_the_other():
    both = with_props(description_zh="浙BA <主场>", description_en="Home court <of> the league")
    assert '浙<span lang="en">BA</span> &lt;主场&gt;' in panel.html_from_feature_card(both, "zh")
    assert "Home court &lt;of&gt; the league" in panel.html_from_feature_card(both, "en")
    assert "Home court" not in panel.html_from_feature_card(both, "zh")
    only_zh = with_props(description_zh="只有中文")
    assert '<span lang="zh">只有中文</span>' in panel.html_from_feature_card(only_zh, "en")  # quoted as data
    legacy = replace(BASE, description="an old single description")
    assert "an old single description" in panel.html_from_feature_card(legacy, "zh")


def test_the_position_note_is_with_the_sources_not_in_the_description():
    feature = with_props(description_zh="体育馆。", position_note="Position: centre of <樟潭街道>; halo 50 km.")
    card = panel.html_from_feature_card(feature, "zh")
    sources = panel.html_from_sources(feature, "zh")
    assert "Position" not in card
    # not translated: shown as written, marked as English
    assert (
        "<p class='qz-meta qz-position-note'><span lang=\"en\">Position: centre of &lt;樟潭街道&gt;; halo 50 km.</span></p>"
        in sources
    )
    translated = with_props(position_note="Position: centre of 樟潭街道.", position_note_zh="位置：樟潭街道的中心。")
    assert "位置：樟潭街道的中心。" in panel.html_from_sources(translated, "zh")
    assert 'Position: centre of <span lang="zh">樟潭街道</span>.' in panel.html_from_sources(translated, "en")


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

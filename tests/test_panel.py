"""panel: an article's whole text as HTML and the texts handed to Streamlit's markdown widgets, all escaped.

The place panel's data is tested in test_placedata.py."""

from __future__ import annotations

from mapapp.app import panel
from mapapp.app.selection import SearchHit
from mapapp.app.urlstate import UrlNotice
from mapapp.map.maplayers import layer_groups, map_layers_from_specs
from mapapp.models import Article, LayerSpec, Mention, Source
from tests.datafactory import make_gym

GYM = make_gym(
    (Source("百科 <b>", "https://example.org/?a=1&b=2", "引文 <i>"), Source("seed", "seeds/003.txt", "q")),
    name_en="Qujiang <Gym>",
    aliases=("衢江主场",),
    description="Home court & more <script>",
)


def test_reader_links_every_mention_and_marks_the_selected_place():
    text = "体育馆<b>在衢江区体育馆旁，衢江主场。"
    article = Article("003.txt", text, "标题", "专题", "", "2025", "", ())
    gym_at, home_at = text.index("衢江区体育馆"), text.index("衢江主场")
    mentions = [
        Mention("003.txt", gym_at, gym_at + 6, "衢江区体育馆", "gym"),
        Mention("003.txt", home_at, home_at + 4, "衢江主场", "other"),
    ]
    html = panel.html_from_article(
        article, mentions, selected_feature_id="gym", link_for=lambda fid: f"?feature={fid}&x=<1>"
    )
    assert html.startswith('<div class="qz-article" lang="zh">体育馆&lt;b&gt;在')
    assert (
        '<a class="qz-mention" href="?feature=gym&amp;x=&lt;1&gt;" target="_self"><mark class="qz-selected">衢江区体育馆</mark></a>'
        in html
    )
    assert "<mark>衢江主场</mark>" in html


def test_notices_and_search_labels_are_escaped_markdown():
    notice = UrlNotice("feature", "[x](javascript:1)", "unknown_feature")
    assert panel.notice_markdown(notice, "en") == (
        "The link parameter feature was not used (\\[x\\]\\(javascript\\:1\\)): no such place. The map opened with defaults."
    )
    alias = SearchHit("gym", "alias", "衢江主场", 1)
    assert panel.search_result_label(alias, GYM, "主场", "zh") == "衢江区体育馆 \\(衢江主场\\)"
    excerpt = SearchHit("gym", "excerpt", "“浙BA”衢州市联队的主场设在衢州市衢江区体育馆*", 10)
    assert panel.search_result_label(excerpt, GYM, "联队", "en").startswith("Qujiang \\<Gym\\> — ")


def test_markdown_list_keeps_each_line_literal():
    assert panel.markdown_list(["a: *b*", "#c"]) == "- a\\: \\*b\\*\n- \\#c"


def test_layer_groups_put_transport_first_then_base():
    layers = map_layers_from_specs(
        [
            LayerSpec("sports", "体育", "Sports", "society", ("sports_venue",), True, 80, {}),
            LayerSpec("rail", "铁路", "Rail", "transport", ("rail_line",), True, 20, {}),
            LayerSpec("commerce", "商业", "Commerce", "economy", ("commerce",), False, 90, {}),
        ]
    )
    assert [(group, [layer.layer_id for layer in members]) for group, members in layer_groups(layers)] == [
        ("transport", ["rail"]),
        ("base", ["districts"]),
        ("economy", ["commerce"]),
        ("society", ["sports"]),
    ]

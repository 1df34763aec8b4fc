"""panel: the side panel's HTML and the texts handed to Streamlit's markdown widgets, all escaped."""

from __future__ import annotations

from mapapp.app import panel
from mapapp.app.selection import SearchHit
from mapapp.app.urlstate import UrlNotice
from mapapp.map.maplayers import layer_groups, map_layers_from_specs
from mapapp.models import Article, Excerpt, LayerSpec, Mention, Source
from tests.datafactory import make_gym

GYM = make_gym(
    (Source("百科 <b>", "https://example.org/?a=1&b=2", "引文 <i>"), Source("seed", "seeds/003.txt", "q")),
    name_en="Qujiang <Gym>",
    aliases=("衢江主场",),
    description="Home court & more <script>",
)


def test_feature_card_says_category_status_and_precision_in_the_reader_language():
    card = panel.html_from_feature_card(GYM, "zh")
    assert "体育场馆" in card and "运营中" in card and "±10 km" in card and "只知所在区域" in card
    assert "Home court &amp; more &lt;script&gt;" in card
    assert "sports venue" in panel.html_from_feature_card(GYM, "en")


def test_sources_link_only_web_references():
    sources = panel.html_from_sources(GYM, "zh")
    assert (
        '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">百科 &lt;b&gt;</a>'
        in sources
    )
    assert "seed <code>seeds/003.txt</code>" in sources and "引文 &lt;i&gt;" in sources


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


def test_excerpt_group_shows_headline_date_count_and_badges():
    excerpts = [
        Excerpt("gym", "003.txt", "标题<x>", "2025-11", "caption", "衢江区体育馆", ((0, 6),), 3, 0, 6),
        Excerpt("gym", "003.txt", "标题<x>", "2025-11", "body", "主场设在衢江区体育馆。", ((4, 10),), 1, 10, 21),
    ]
    html = panel.html_from_article_excerpts(excerpts, "zh")
    assert "<b>标题&lt;x&gt;</b>" in html and "2025-11 · 出现 4 次" in html
    assert "图片说明" in html and "×3" in html and "主场设在<mark>衢江区体育馆</mark>。" in html


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

"""The words of the interface, in Chinese (the default) and English.

Data (names, article text) is never here: only the app's own labels, notices and vocabularies, and
the rules that put numbers into words (English plurals, figure units). A reader in one language sees
no words of the other but place names and quoted text (article sentences, headlines, source titles
and quotes), which the HTML marks with a `lang` attribute (mapapp.map.markup).

An English entry that counts something is a pair (one, other), chosen by the value `n`.
"""

from __future__ import annotations

from collections.abc import Mapping

Text = str | tuple[str, str]

TEXT: dict[str, dict[str, Text]] = {
    "zh": {
        "title": "衢州新闻地图",
        "subtitle": "五篇报道里提到的地方：点击地图上的要素，阅读文章怎么说。",
        "search": "搜索地名或原文",
        "search_help": "地名、别名（中英文）或摘录原文",
        "no_results": "没有找到匹配的地方。",
        "layers": "图层",
        "layers_in_map": "开关图层：点地图右上角的“图层”。",
        "basemap": "底图",
        "language": "语言",
        "share": "分享当前视图",
        "share_help": "点一下链接即全选，再复制。链接包含所选地点、图层、底图、语言和视野。",
        "problems": "部分数据未能载入：已跳过 {n} 项，其余内容照常显示。",
        "problems_lines": "以下为数据校验的原文（英文，供编辑查看）：",
        "problems_details": "跳过了哪些数据、为什么",
        "data_warnings": "{n} 项数据提示（已按默认值使用）",
        "url_notice": "链接参数 {param} 无法使用（{value}）：{reason}。地图已按默认设置打开。",
        "pick": "在地图上点击一个地方，或用左侧搜索。",
        "category": "类别",
        "status": "状态",
        "precision": "位置精度",
        "sources": "来源",
        "excerpts": "文章摘录",
        "excerpt_count": "{excerpts}，来自 {articles}",
        "excerpts_n": "{n} 条摘录",
        "articles_shown": "这里列出前 {shown} 篇文章；用搜索框按原文查找其余的。",
        "times": "出现 {n} 次",
        "articles_n": "{n} 篇文章",
        "caption": "图片说明",
        "heading": "标题",
        "lang_zh": "中文",
        "lang_en": "英文",
        "reader": "阅读全文（所有提及的地方已标出，点击可选中）",
        "related": "同句提及的地方",
        "not_mentioned": "文章中没有提及这个地方。",
        "place_about": "关于这个地方",
        "place_loading": "正在载入……",
        "place_failed": "没能载入这个地方的资料，请稍后再点一次。",
        "place_more": "再看 {n} 篇文章",
        "place_copy_link": "复制链接",
        "place_copied": "链接已复制",
        "place_close": "关闭",
        "place_report": "报告问题",
        "place_read": "阅读全文",
        "place_source_link": "原文网页",
        "place_also_at": "转载：",
        "place_panel_label": "所选地点",
        "open_sidebar": "搜索 · 设置",
        "share_in_address": "地址栏里的链接就是当前视图（地点、图层、底图、语言和视野）；地点面板里的“复制链接”可一键复制。",
        "selected_hidden": "已打开“{layer}”图层以显示所选地点。",
        "legend": (
            "● 实心点：位置确切；◌ 虚线空心圈：位置约略（悬停或选中时显示误差范围）。"
            "按阶段：实线、实心面、无外圈的点为已运营；虚线、橙色虚线外圈为在建；点线、空心面、点状外圈为规划。"
            "半透明的线为示意走向。"
        ),
        "popup_more": "另有 {n} 条摘录，见地点详情",
        "popup_none": "文章未提及这个地方",
        "approximate": "位置约略（±{radius}）",
        "sources_summary": "数据来源（{n}）",
        "field_separator": "：",
        # a refused report, by mapapp.curation.reports.ReportRefused.reason
        "report_too-long": "说明太长：{n} 个字，最多 {limit} 个字。",
        "report_client-limit": "这个网络地址一小时内已发送 {n} 条报告，每小时最多 {limit} 条，请稍后再试。",
        "report_total-limit": "一小时内收到的报告已达上限（{limit} 条），请稍后再试。",
        "report_not_taken": "这条报告未能保存，请稍后再试。",
    },
    "en": {
        "title": "Quzhou news map",
        "subtitle": "Places named in five news articles: click a feature on the map to read what the articles say.",
        "search": "Search places or article text",
        "search_help": "names, aliases (Chinese or English) or words from the excerpts",
        "no_results": "No matching place.",
        "layers": "Layers",
        "layers_in_map": "Switch layers with the “Layers” button at the map's top right.",
        "basemap": "Basemap",
        "language": "Language",
        "share": "Share this view",
        "share_help": "Tap or click the link to select it all, then copy it. It keeps the selected place, layers, basemap, language and view.",
        "problems": (
            "Some data could not be loaded: {n} item was skipped; everything else is shown.",
            "Some data could not be loaded: {n} items were skipped; everything else is shown.",
        ),
        "problems_lines": "The data checks' own lines:",
        "problems_details": "What was skipped, and why",
        "data_warnings": ("{n} data note (used with defaults)", "{n} data notes (used with defaults)"),
        "url_notice": "The link parameter {param} was not used ({value}): {reason}. The map opened with defaults.",
        "pick": "Click a place on the map, or search on the left.",
        "category": "Category",
        "status": "Status",
        "precision": "Location precision",
        "sources": "Sources",
        "excerpts": "Excerpts",
        "excerpt_count": "{excerpts} from {articles}",
        "excerpts_n": ("{n} excerpt", "{n} excerpts"),
        "articles_n": ("{n} article", "{n} articles"),
        "articles_shown": "The first {shown} articles are listed here; search the text to find the others.",
        "times": ("named once", "named {n} times"),
        "caption": "photo caption",
        "heading": "heading",
        "lang_zh": "Chinese",
        "lang_en": "English",
        "reader": "Read the whole article (every place is marked; click one to select it)",
        "related": "Mentioned in the same sentences",
        "not_mentioned": "The articles do not name this place.",
        "place_about": "About this place",
        "place_loading": "Loading…",
        "place_failed": "This place's details could not be loaded; please click it again in a moment.",
        "place_more": "{n} more articles",
        "place_copy_link": "Copy link",
        "place_copied": "Link copied",
        "place_close": "Close",
        "place_report": "Report a problem",
        "place_read": "Read the whole article",
        "place_source_link": "original page",
        "place_also_at": "also on:",
        "place_panel_label": "Selected place",
        "open_sidebar": "Search · settings",
        "share_in_address": "The address in the address bar is this view (place, layers, basemap, language and view); the place panel's “Copy link” copies it.",
        "selected_hidden": "Turned on the layer “{layer}” to show the selected place.",
        "legend": (
            "● filled dot: exact position; ◌ hollow dashed ring: approximate (hover or select it to see how far "
            "off it may be). By stage: solid lines, filled areas and plain points = open; dashed, with an orange "
            "dashed ring = under construction; dotted, unfilled, with a dotted ring = planned. A see-through line "
            "is schematic."
        ),
        "popup_more": ("{n} more excerpt: see the place's details", "{n} more excerpts: see the place's details"),
        "popup_none": "The articles do not name this place",
        "approximate": "approximate location (±{radius})",
        "sources_summary": "Data sources ({n})",
        "field_separator": ": ",
        "report_too-long": "The comment is too long: {n} characters; at most {limit}.",
        "report_client-limit": (
            "This address sent {n} report in the last hour; at most {limit} an hour. Please try later.",
            "This address sent {n} reports in the last hour; at most {limit} an hour. Please try later.",
        ),
        "report_total-limit": "Too many reports arrived in the last hour (the limit is {limit}); please try later.",
        "report_not_taken": "This report could not be stored; please try later.",
    },
}

NOTICE_REASONS = {
    "zh": {
        "unknown_feature": "没有这个地点",
        "unknown_layer": "没有这个图层",
        "bad_value": "取值无效",
        "too_long": "参数过长",
        "incomplete_view": "`lat`、`lon`、`z` 需同时给出",
    },
    "en": {
        "unknown_feature": "no such place",
        "unknown_layer": "no such layer",
        "bad_value": "not a valid value",
        "too_long": "the value is too long",
        "incomplete_view": "`lat`, `lon` and `z` must be given together",
    },
}

GROUP_TITLES = {
    "transport": ("交通", "Transport"),
    "base": ("基础", "Base"),
    "economy": ("经济", "Economy"),
    "society": ("社会", "Society"),
}
BASEMAP_TITLES = {
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "gaode": ("高德地图（GCJ-02）", "Gaode / AMap (GCJ-02)"),
    "none": ("无底图", "No basemap"),
}
# The basemaps' credits (HTML: the licensor's link is part of the credit OpenStreetMap asks for).
TILE_CREDITS = {
    "osm": (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
    ),
    "gaode": ("&copy; 高德地图（GCJ-02 坐标）", "&copy; AutoNavi (Gaode map; GCJ-02 coordinates)"),
}
STATUS_TITLES = {
    "operating": ("运营中", "operating"),
    "under_construction": ("在建", "under construction"),
    "planned": ("规划", "planned"),
    "closed": ("已关闭", "closed"),
}
BASIS_TITLES = {
    "exact": ("精确坐标（测绘或百科信息框）", "exact coordinate (survey or infobox)"),
    "address": (
        "按地址或所在村估计；地图上的圆圈表示误差范围",
        "estimated from an address or village; the circle on the map shows the uncertainty",
    ),
    "area": (
        "只知所在区域；地图上的圆圈表示误差范围",
        "only the area is known; the circle on the map shows the uncertainty",
    ),
    "schematic": ("示意线，穿过有出处的点", "schematic line through sourced points"),
}
CATEGORY_TITLES = {
    "admin_area": ("行政区", "administrative area"),
    "new_town": ("新城", "new town"),
    "rail_line": ("铁路线", "rail line"),
    "rail_station": ("火车站", "rail station"),
    "expressway": ("高速公路", "expressway"),
    "road": ("道路", "road"),
    "bridge": ("桥梁", "bridge"),
    "port": ("港口", "port"),
    "port_zone": ("港口作业区", "port zone"),
    "waterway": ("航道", "waterway"),
    "airport": ("机场", "airport"),
    "flight_route": ("航线", "flight route"),
    "shipping_route": ("海运航线", "shipping route"),
    "bonded_zone": ("综合保税区", "bonded zone"),
    "logistics_park": ("物流园", "logistics park"),
    "sports_venue": ("体育场馆", "sports venue"),
    "culture_venue": ("文化场馆", "culture venue"),
    "landmark": ("地标", "landmark"),
    "park": ("公园", "park"),
    "commerce": ("商业", "commerce"),
    "office": ("楼宇", "office"),
    "research_institute": ("科研机构", "research institute"),
    "industrial_park": ("产业园", "industrial park"),
    "plant": ("工厂", "plant"),
    "agriculture": ("农业", "agriculture"),
    "hospital": ("医院", "hospital"),
    "public_service": ("公共服务", "public service"),
}


def t(lang: str, key: str, **values: object) -> str:
    """The interface text `key` in `lang`, with `values` filled in (escape them first where needed).

    A counted English text takes its singular form when `n` is 1 ("named once", "1 excerpt")."""
    entry = TEXT[lang][key]
    if isinstance(entry, tuple):
        entry = entry[0] if values.get("n") == 1 else entry[1]
    return entry.format(**values)


def report_refusal_text(reason: str, lang: str, *, count: int = 0, limit: int = 0) -> str:
    """Why a reader's report was not stored (mapapp.curation.reports.ReportRefused), in `lang`."""
    key = f"report_{reason}"
    return t(lang, key if key in TEXT[lang] else "report_not_taken", n=count, limit=limit)


def excerpt_count(lang: str, excerpts: int, articles: int) -> str:
    """ "3 excerpts from 1 article" / "3 条摘录，来自 1 篇文章"."""
    return t(
        lang,
        "excerpt_count",
        excerpts=t(lang, "excerpts_n", n=excerpts),
        articles=t(lang, "articles_n", n=articles),
    )


def distance_text(metres: float, lang: str) -> str:
    """A precision or radius: "2.5 km", "300 m"; in Chinese "2.5 公里", "300 米"."""
    km, m = ("公里", "米") if lang == "zh" else ("km", "m")
    return f"{metres / 1000:g} {km}" if metres >= 1000 else f"{metres:g} {m}"


def title_in(pair: tuple[str, str], lang: str) -> str:
    """The English or the Chinese half of a (zh, en) pair."""
    return pair[1] if lang == "en" else pair[0]


# --- the timeline and its figures (mapapp.app.timelinepanel) -------------------------------------

TIMELINE_WORDS: dict[str, dict[str, Text]] = {
    "zh": {
        "timeline": "时间线",
        "figures": "数据",
        "no_date": "日期未载",
        "reported": "见报",
        "relative": "据文章日期推算",
        "expected": "预计",
        "passage": "原文",
        "planned": "规划",
        "approved": "获批/验收",
        "construction_started": "开工",
        "completed": "建成",
        "opened": "开通/投用",
        "milestone": "节点",
        "throughput": "吞吐量",
        "routes": "航线",
        "area": "面积",
        "investment": "投资",
        "berths": "泊位",
        "travel_time": "通行时间",
        "from": "由",
        "no_period": "时期未载",
        "more": "另有 {n} 条未列出（见下方摘录）",
        "reports": "{n} 处报道",
        "more_reports": "另有 {n} 处报道未列出",
    },
    "en": {
        "timeline": "Timeline",
        "figures": "Figures",
        "no_date": "date not given",
        "reported": "reported",
        "relative": "resolved from the article's date",
        "expected": "expected",
        "passage": "passage",
        "planned": "planned",
        "approved": "approved",
        "construction_started": "construction started",
        "completed": "completed",
        "opened": "opened",
        "milestone": "milestone",
        "throughput": "throughput",
        "routes": "routes",
        "area": "area",
        "investment": "investment",
        "berths": "berths",
        "travel_time": "travel time",
        "from": "from",
        "no_period": "period not given",
        "more": ("{n} more not listed (see the excerpts below)", "{n} more not listed (see the excerpts below)"),
        "reports": ("reported in {n} passage", "reported in {n} passages"),
        "more_reports": ("{n} more report not listed", "{n} more reports not listed"),
    },
}

# A figure's unit as the articles print it (mapapp/pipeline/eventwords.toml) -> (multiplier, English unit,
# English unit for exactly 1). "万" is ten thousand, "亿" a hundred million; a counted unit (条 routes,
# 个 berths) is the row's own word.
FIGURE_UNITS_EN: dict[str, tuple[float, str, str]] = {
    "万吨": (1e4, "t", "t"),
    "吨": (1, "t", "t"),
    "万标箱": (1e4, "TEU", "TEU"),
    "标箱": (1, "TEU", "TEU"),
    "TEU": (1, "TEU", "TEU"),
    "万人次": (1e4, "trips", "trip"),
    "平方公里": (1, "km²", "km²"),
    "万平方米": (1e4, "m²", "m²"),
    "平方米": (1, "m²", "m²"),
    "亩": (1, "mu", "mu"),
    "亿元": (1e8, "yuan", "yuan"),
    "万元": (1e4, "yuan", "yuan"),
    "小时": (1, "hours", "hour"),
    "分钟": (1, "minutes", "minute"),
}
APPROXIMATE_EN: dict[str, str] = {
    "多": "over",
    "余": "over",
    "超": "over",
    "超过": "over",
    "逾": "over",
    "约": "about",
    "左右": "about",
    "近": "nearly",
}
_APPROXIMATE_BEFORE_ZH = ("约", "超", "近", "超过", "逾")


def timeline_words(lang: str) -> Mapping[str, Text]:
    return TIMELINE_WORDS["en" if lang == "en" else "zh"]


def timeline_text(lang: str, key: str, **values: object) -> str:
    """A timeline word in `lang` (an event kind, a figure's quantity, a note), values filled in."""
    entry = timeline_words(lang).get(key, key)
    if isinstance(entry, tuple):
        entry = entry[0] if values.get("n") == 1 else entry[1]
    return entry.format(**values) if values else entry


def figure_text(value: float, unit: str, approximate: str, lang: str) -> str:
    """A figure as a reader in `lang` reads it: "1057万吨" / "10.57 million t", "超2.58万标箱" /
    "over 25,800 TEU". Units the English table does not know are shown as printed."""
    if lang != "en":
        shown = f"{value:g}"
        if approximate:
            shown = f"{approximate}{shown}" if approximate in _APPROXIMATE_BEFORE_ZH else f"{shown}{approximate}"
        return shown + unit
    counted = unit.startswith(("条", "个"))  # 32条(适水)航线, 5个泊位: the row says what is counted
    multiplier, plural, singular = FIGURE_UNITS_EN.get(unit, (1.0, "" if counted else unit, "" if counted else unit))
    amount = value * multiplier
    words = (APPROXIMATE_EN.get(approximate, "") + " ") if approximate else ""
    name = singular if amount == 1 else plural
    return f"{words}{_number_en(amount)}{' ' + name if name else ''}"


def _number_en(amount: float) -> str:
    """12,000; 10.57 million; 1.2 billion; 0.5."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if amount >= size:
            return f"{round(amount / size, 3):g} {word}"
    if amount == int(amount):
        return f"{int(amount):,}"
    return f"{amount:,.6g}"

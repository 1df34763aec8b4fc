"""The words of the interface, in Chinese (the default) and English.

Data (names, article text) is never here: only the app's own labels, notices and vocabularies.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
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
        "share_help": "链接包含所选地点、图层、底图、语言和视野。",
        "problems": "部分数据未能载入：已跳过 {n} 项，其余内容照常显示。",
        "problems_details": "跳过了哪些数据、为什么",
        "data_warnings": "{n} 项数据提示（已按默认值使用）",
        "url_notice": "链接参数 {param} 无法使用（{value}）：{reason}。地图已按默认设置打开。",
        "pick": "在地图上点击一个地方，或用左侧搜索。",
        "category": "类别",
        "status": "状态",
        "precision": "位置精度",
        "sources": "来源",
        "excerpts": "文章摘录",
        "excerpt_count": "{n} 条摘录，来自 {a} 篇文章",
        "articles_shown": "这里列出前 {shown} 篇文章；用搜索框按原文查找其余的。",
        "times": "出现 {n} 次",
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
        "legend": "● 实心点：位置确切　◌ 虚线空心点：位置约略，悬停或选中时显示误差范围　┅ 虚线：在建或示意",
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
        "share_help": "The link keeps the selected place, layers, basemap, language and view.",
        "problems": "Some data could not be loaded: {n} items were skipped; everything else is shown.",
        "problems_details": "What was skipped, and why",
        "data_warnings": "{n} data notes (used with defaults)",
        "url_notice": "The link parameter {param} was not used ({value}): {reason}. The map opened with defaults.",
        "pick": "Click a place on the map, or search on the left.",
        "category": "Category",
        "status": "Status",
        "precision": "Location precision",
        "sources": "Sources",
        "excerpts": "Excerpts",
        "excerpt_count": "{n} excerpts from {a} articles",
        "articles_shown": "The first {shown} articles are listed here; search the text to find the others.",
        "times": "occurs {n} times",
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
        "legend": "● exact position　◌ hollow dashed dot: approximate; hover or select it to see how far off it may be　┅ dashed line: under construction or schematic",
    },
}

NOTICE_REASONS = {
    "zh": {
        "unknown_feature": "没有这个地点",
        "unknown_layer": "没有这个图层",
        "bad_value": "取值无效",
        "too_long": "参数过长",
        "incomplete_view": "lat、lon、z 需同时给出",
    },
    "en": {
        "unknown_feature": "no such place",
        "unknown_layer": "no such layer",
        "bad_value": "not a valid value",
        "too_long": "the value is too long",
        "incomplete_view": "lat, lon and z must be given together",
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
    """The interface text `key` in `lang`, with `values` filled in (escape them first where needed)."""
    return TEXT[lang][key].format(**values)


def title_in(pair: tuple[str, str], lang: str) -> str:
    """The English or the Chinese half of a (zh, en) pair."""
    return pair[1] if lang == "en" else pair[0]

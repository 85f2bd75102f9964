"""The one translation table. Every user-visible string goes through :func:`t`.

Chinese (``zh``, simplified) is the default language; English (``en``) is a switch.
Keys are dotted: ``<area>.<name>``. Status labels of schema fields live here too,
under ``enum.<field>.<code>``, so the map, tables and exports agree.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TABLE: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("缙云县工业园区与用地规划", "Jinyun industrial parks & land planner"),
    "app.demo_banner": (
        "地图与数字均为合成数据，仅县界为真实边界。",
        "every figure and feature is made up; only the county boundary is real.",
    ),
    "app.language": ("语言 / Language", "Language / 语言"),
    "app.basemap": ("底图", "Basemap"),
    "app.store": ("数据库", "Store"),
    "app.store_error": ("无法打开数据库", "Cannot open the store"),
    "basemap.none": ("无底图（离线）", "None (offline)"),
    "basemap.osm": ("OpenStreetMap", "OpenStreetMap"),
    "basemap.tianditu": ("天地图", "Tianditu"),
    "basemap.tianditu_nokey": (
        "天地图需要密钥：请设置环境变量 TIANDITU_KEY。",
        "Tianditu needs a key: set the TIANDITU_KEY environment variable.",
    ),
    "basemap.offline_note": (
        "底图来自外部瓦片服务；无网络时地图仍可使用，仅不显示底图。",
        "The basemap comes from an outside tile server; with no network the map still works without it.",
    ),
    # pages
    "page.overview": ("总览", "Overview"),
    # overview
    "overview.heading": ("缙云县生态工业三年行动计划（2019-2021）总览", "Jinyun eco-industry three-year plan (2019-2021): overview"),
    "overview.kpis": ("目标完成情况", "Progress against the plan"),
    "overview.map": ("县域地图", "County map"),
    "overview.context": ("县域经济目标（背景）", "County economic targets (context)"),
    "kpi.parks_started": ("小微园开工", "Micro parks started"),
    "kpi.parks_built": ("小微园建成", "Micro parks built"),
    "kpi.park_land_mu": ("小微园规划用地（亩）", "Micro-park planned land (mu)"),
    "kpi.park_floor_m2": ("小微园建筑面积（平方米）", "Micro-park floor area (m²)"),
    "kpi.land_sold_mu": ("{year}年工业用地出让（亩）", "Industrial land sold in {year} (mu)"),
    "kpi.revitalised_mu": ("累计盘活低效用地（亩）", "Inefficient land revitalised (mu)"),
    "kpi.of_target": ("目标 {target}", "target {target}"),
    "kpi.met": ("已达标", "met"),
    "kpi.not_met": ("未达标", "not met"),
    # layers
    "layer.county": ("县界", "County boundary"),
    "layer.towns": ("乡镇（街道）驻地", "Town seats"),
    "layer.platforms": ("产业平台", "Industrial platforms"),
    "layer.zones": ("功能区", "Functional zones"),
    "layer.parks": ("小微企业园", "Micro-enterprise parks"),
    "layer.parcels": ("工业用地宗地", "Industrial land parcels"),
    "layer.enterprises": ("企业", "Enterprises"),
    "layer.constraints": ("约束区", "Constraint zones"),
    "layer.roads": ("道路", "Roads"),
    "layer.cases": ("低效用地处置", "Inefficient-land cases"),
    "legend.title": ("图例", "Legend"),
    "legend.park_status": ("小微园状态", "Micro-park status"),
    "legend.parcel_status": ("宗地生命周期", "Parcel lifecycle"),
    # field labels (tooltips, tables)
    "field.name": ("名称", "Name"),
    "field.name_zh": ("名称", "Name"),
    "field.town": ("乡镇", "Town"),
    "field.platform": ("平台", "Platform"),
    "field.status": ("状态", "Status"),
    "field.lifecycle": ("生命周期", "Lifecycle"),
    "field.area_mu": ("面积（亩）", "Area (mu)"),
    "field.planned_area_mu": ("规划面积（亩）", "Planned area (mu)"),
    "field.floor_area_m2": ("建筑面积（平方米）", "Floor area (m²)"),
    "field.enterprises_in": ("入驻企业（家）", "Enterprises moved in"),
    "field.star_rating": ("星级", "Star rating"),
    "field.industry": ("行业", "Industry"),
    "field.industry_theme": ("产业主题", "Industry theme"),
    "field.parcel_id": ("宗地编号", "Parcel ID"),
    "field.land_use": ("土地用途", "Land use"),
    "field.tax_10k": ("税收（万元）", "Tax (10k yuan)"),
    "field.employees": ("从业人员", "Employees"),
    "field.uscc": ("统一社会信用代码", "Unified social credit code"),
    "field.kind": ("类型", "Kind"),
    "field.road_class": ("道路等级", "Road class"),
    # units
    "unit.mu": ("亩", "mu"),
    "unit.m2": ("平方米", "m²"),
    "unit.10k_yuan": ("万元", "10k yuan"),
    "unit.tce": ("吨标准煤", "tce"),
    "unit.persons": ("人", "persons"),
    "unit.percent": ("%", "%"),
    "unit.count": ("个", ""),
    # enums: park status
    "enum.park_status.planned": ("规划", "Planned"),
    "enum.park_status.under_construction": ("在建", "Under construction"),
    "enum.park_status.completed": ("建成", "Completed"),
    "enum.park_status.operating": ("运营", "Operating"),
    # enums: parcel lifecycle 批供用建投达
    "enum.lifecycle.approved": ("已批未供", "Approved, not supplied"),
    "enum.lifecycle.supplied": ("已供未用", "Supplied, not in use"),
    "enum.lifecycle.in_use": ("在用（动工）", "In use (started)"),
    "enum.lifecycle.built": ("已建未投", "Built, not in production"),
    "enum.lifecycle.producing": ("已投未达", "Producing, targets not met"),
    "enum.lifecycle.meeting": ("已达标", "Meeting agreed figures"),
    # enums: land use
    "enum.land_use.industrial": ("工业用地", "Industrial"),
    "enum.land_use.warehouse": ("仓储用地", "Warehouse"),
    "enum.land_use.changed": ("已改变用途", "Use changed"),
    # enums: constraint kinds
    "enum.constraint_kind.eco_redline": ("生态保护红线", "Ecological protection red line"),
    "enum.constraint_kind.basic_farmland": ("永久基本农田", "Permanent basic farmland"),
    "enum.constraint_kind.water_source": ("饮用水水源保护区", "Water-source protection zone"),
    "enum.constraint_kind.flood_zone": ("洪涝风险区", "Flood zone"),
    "enum.constraint_kind.urban_boundary": ("城镇开发边界", "Urban development boundary"),
    # enums: road class
    "enum.road_class.expressway": ("高速公路", "Expressway"),
    "enum.road_class.national": ("国道", "National road"),
    "enum.road_class.provincial": ("省道", "Provincial road"),
    "enum.road_class.county": ("县道", "County road"),
    # enums: town kind
    "enum.town_kind.subdistrict": ("街道", "Subdistrict"),
    "enum.town_kind.town": ("镇", "Town"),
    "enum.town_kind.township": ("乡", "Township"),
    # enums: inefficient-land case
    "enum.case_route.reclaim": ("收回", "Reclaim"),
    "enum.case_route.transfer": ("转让", "Transfer"),
    "enum.case_route.retreat_two": ("退二优二", "Upgrade within industry (退二优二)"),
    "enum.case_route.merger": ("兼并重组", "Merger and restructuring"),
    "enum.case_route.tech_upgrade": ("技改", "Technical upgrade"),
    "enum.case_route.standard_factory": ("标准厂房", "Standard factory"),
    "enum.case_status.identified": ("已认定", "Identified"),
    "enum.case_status.in_progress": ("处置中", "In progress"),
    "enum.case_status.revitalised": ("已盘活", "Revitalised"),
    "enum.case_reason.low_tax": ("亩均税收偏低", "Low per-mu tax"),
    "enum.case_reason.low_plot_ratio": ("容积率偏低", "Low plot ratio"),
    "enum.case_reason.idle": ("闲置土地", "Idle land"),
    "enum.case_reason.use_changed": ("改变用途", "Use changed"),
    # enums: sale method
    "enum.sale_method.auction": ("拍卖", "Auction"),
    "enum.sale_method.listing": ("挂牌", "Listing"),
    "enum.sale_method.tender": ("招标", "Tender"),
    # booleans
    "bool.true": ("是", "Yes"),
    "bool.false": ("否", "No"),
    # errors
    "error.store_missing": ("数据库文件不存在：{path}", "Store file not found: {path}"),
    # --- tracking: parks, land supply, editing, as-of (issue 3a) (keys added by that work go right below this line) ---
    # --- tracking: inefficient land, per-mu evaluation, ranking (issue 3b) (keys added by that work go right below this line) ---
    # --- import (issue 4) (keys added by that work go right below this line) ---
    # --- assessment (issue 5) (keys added by that work go right below this line) ---
    # --- export (issue 6) (keys added by that work go right below this line) ---
    # --- e2e and cadastre (issue 7) (keys added by that work go right below this line) ---
}


def t(key: str, lang: str = DEFAULT_LANG, /, **fmt: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``fmt``.

    An unknown key raises ``KeyError`` so that a missing string fails a test
    instead of showing a raw key to a planner.
    """
    zh, en = TABLE[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def enum_label(field: str, code: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a status/enum value, e.g. ``enum_label("park_status", "operating")``."""
    return t(f"enum.{field}.{code}", lang)


def bool_label(value: bool, lang: str = DEFAULT_LANG) -> str:
    """是/否 or Yes/No."""
    return t("bool.true" if value else "bool.false", lang)

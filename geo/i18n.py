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
    "page.import": ("导入数据", "Import data"),
    "import.row": ("{file} 第 {row} 行", "{file} row {row}"),
    "import.rep.file": ("文件 {file}（{format}）→ 图层 {layer}", "File {file} ({format}) -> layer {layer}"),
    "import.rep.crs": ("坐标系：使用 {crs}（文件中：{file_crs}）；GCJ-02 纠偏：{gcj}",
                       "CRS: using {crs} (in the file: {file_crs}); GCJ-02 correction: {gcj}"),
    "import.rep.counts": ("读取 {read} 行：新增 {add}，更新 {update}，拒绝 {reject}，修复几何 {repaired}，县界外 {outside}",
                          "{read} rows read: {add} to add, {update} to update, {reject} rejected, "
                          "{repaired} geometries repaired, {outside} outside the county"),
    "import.rep.encoding": ("属性编码：{encoding}", "Attribute encoding: {encoding}"),
    "import.rep.rejected": ("拒绝的行（{n}）：", "Rejected rows ({n}):"),
    "import.rep.repaired": ("已用 make_valid 修复的几何（{n}）：", "Geometries repaired with make_valid ({n}):"),
    "import.rep.duplicates": ("重复编号（{n}）：", "Duplicate IDs ({n}):"),
    "import.rep.outside": ("位于县界外的要素（{n}）：", "Features outside the county boundary ({n}):"),
    "import.rep.unmatched": ("未匹配到企业的行（{n}）：", "Rows matching no enterprise ({n}):"),
    "import.rep.written": ("已写入数据库。", "Written to the store."),
    "import.err.not_found": ("文件 {file} 不存在。", "File {file} not found."),
    "import.err.empty": ("文件 {file} 是空文件（0 字节）。", "File {file} is empty (0 bytes)."),
    "import.err.too_large": ("文件 {file} 大小 {size_mb} MB，超过上传上限 {limit_mb} MB。",
                             "File {file} is {size_mb} MB, larger than the upload limit of {limit_mb} MB."),
    "import.err.bad_zip": ("文件 {file} 不是有效的 zip 压缩包或已损坏（{detail}）。",
                           "File {file} is not a valid zip archive or is damaged ({detail})."),
    "import.err.zip_path": ("压缩包 {file} 含有不安全的路径 {member}（绝对路径或 ../），已拒绝，未解压任何内容。",
                            "Archive {file} holds an unsafe path {member} (absolute or ../); refused, nothing extracted."),
    "import.err.zip_bomb": ("压缩包 {file} 解压后超过 {limit_mb} MB 的上限，已拒绝。",
                            "Archive {file} expands past the limit of {limit_mb} MB; refused."),
    "import.err.zip_no_data": ("压缩包 {file} 中没有可导入的数据文件（内容：{members}）。",
                               "Archive {file} holds no file that can be imported (it holds: {members})."),
    "import.err.zip_many": ("压缩包 {file} 含有多个数据集（{members}），请选择其中一个。",
                            "Archive {file} holds several data sets ({members}); choose one."),
    "import.err.unreadable": ("无法读取文件 {file}：{detail}", "Cannot read file {file}: {detail}"),
    "import.err.shp_part": ("Shapefile {file} 缺少 {part} 文件：请把 .shp、.shx、.dbf（以及 .prj、.cpg）一起压缩上传。",
                            "Shapefile {file} has no {part} file: zip .shp, .shx, .dbf (and .prj, .cpg) together."),
    "import.err.choose_layer": ("文件 {file} 有多个图层（{layers}），请选择一个。",
                                "File {file} has several layers ({layers}); choose one."),
    "import.err.no_such_layer": ("文件 {file} 中没有图层 {layer}（已有：{layers}）。",
                                 "File {file} has no layer {layer} (it has: {layers})."),
    "import.err.kml_empty": ("KML 文件 {file} 中没有地标（Placemark）。", "KML file {file} holds no placemarks."),
    "import.err.no_rows": ("文件 {file} 中没有数据行。", "File {file} holds no rows."),
    "import.err.bad_xy": ("坐标无效：{lon}={x}，{lat}={y}", "invalid coordinates: {lon}={x}, {lat}={y}"),
    "import.err.bad_wkt": ("{column} 列不是有效的 WKT（{detail}）", "column {column} is not valid WKT ({detail})"),
    "import.err.format": ("文件 {file} 的格式不支持；支持：{suffixes}", "File {file}: format not supported; supported: {suffixes}"),
    "import.err.no_geometry": ("文件 {file} 中没有任何有效几何。", "File {file} holds no usable geometry."),
    "import.err.swapped": ("文件 {file} 的坐标顺序似乎颠倒了（经纬度互换）：X 为 {x}，Y 为 {y}。请交换经度与纬度列（或 X/Y）后重试。",
                           "File {file}: the coordinates seem to be in the wrong order (latitude/longitude swapped): "
                           "x is {x}, y is {y}. Swap the longitude and latitude (or X/Y) columns and retry."),
    "import.err.no_crs": ("文件 {file} 没有坐标系（例如缺少 .prj）。X 为 {x}，Y 为 {y}；可能的坐标系：{candidates}。请确认一个。",
                          "File {file} has no coordinate reference system (e.g. no .prj). x is {x}, y is {y}; "
                          "plausible CRSs: {candidates}. Confirm one."),
    "import.err.bad_coords": ("文件 {file} 的坐标在 {crs} 下无法转换为经纬度：坐标系不对？",
                              "File {file}: the coordinates cannot be converted to longitude/latitude from {crs}: wrong CRS?"),
    "import.err.not_geodata": ("文件 {file} 不是地理数据：没有几何、经纬度列（经度/纬度）、WKT 列或可关联已有几何的编号列。已有列：{columns}",
                               "File {file} is not geodata: no geometry, no longitude/latitude columns, no WKT column "
                               "and no ID column to join to existing geometries. Columns found: {columns}"),
    "import.err.empty_geometry": ("几何为空", "empty geometry"),
    "import.crs.override": ("文件坐标系为 {file_crs}，按您的选择改用 {crs}。", "The file says {file_crs}; using {crs} as you chose."),
    "import.crs.assumed_degrees": ("文件未声明坐标系，坐标为经纬度，按 CGCS2000（EPSG:4490）处理。",
                                   "The file states no CRS; the coordinates are degrees, taken as CGCS2000 (EPSG:4490)."),
    "import.crs.none_fits": ("无（坐标不在缙云附近）", "none (the coordinates are nowhere near Jinyun)"),
    "import.crs.gcj02": ("已将 GCJ-02（高德/腾讯）坐标纠偏为 WGS84/CGCS2000。", "GCJ-02 (AMap/Tencent) coordinates converted to WGS84/CGCS2000."),
    "import.enc.cpg": ("属性编码取自 .cpg：{encoding}", "Attribute encoding from the .cpg file: {encoding}"),
    "import.enc.detected": ("未找到 .cpg，检测到属性编码：{encoding}", "No .cpg file; detected attribute encoding: {encoding}"),
    "import.geom.xy": ("点坐标取自 {lon} / {lat} 列", "Points from columns {lon} / {lat}"),
    "import.geom.wkt": ("几何取自 WKT 列 {column}", "Geometries from the WKT column {column}"),
    "import.geom.z_dropped": ("{n} 个三维几何已去除 Z 值", "Z values dropped from {n} 3-D geometries"),
    "import.geom.repaired": ("几何无效（{reason}），已用 make_valid 修复", "invalid geometry ({reason}), repaired with make_valid"),
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

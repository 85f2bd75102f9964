"""Tiny in-code layers and plan file for the inefficient-land, evaluation and ranking tests.

Geometry in EPSG:4549 (metres) near 120°E/28.6°N: a 100 m x 100 m square is
exactly 15 mu, 200 m x 100 m is 30 mu.

Parcels (all in platform PL1 unless said):

====  ==========  =========  ==========  ======================================
id    town        lifecycle  plot ratio  why it is there
====  ==========  =========  ==========  ======================================
A     T1          meeting    1.5         E1 pays 30 -> 2 万元/亩: low tax
B     T1          producing  0.8         low plot ratio (E2 pays 300 -> 20/mu)
C     T1          supplied   -           sold, agreed start 2019-03-01, never started: idle
D     T2          meeting    1.2         land use "changed"
E     T2          meeting    1.5         fine (E3 pays 450 -> 30/mu)
F     T1 (none)   built      0.5         30 mu, low plot ratio, case revitalised 2020-06-15
G     T1 (none)   in_use     -           sold and started on time: not idle
====  ==========  =========  ==========  ======================================
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from geo.plan import Plan, load_plan

CRS = "EPSG:4549"
X0, Y0 = 500_000.0, 3_170_000.0
NaT = pd.NaT


def sq(i: int, w: float = 100.0) -> box:
    return box(X0 + i * 300, Y0, X0 + i * 300 + w, Y0 + 100)


def centre(i: int) -> Point:
    return Point(X0 + i * 300 + 50, Y0 + 50)


def layers() -> dict[str, pd.DataFrame]:
    parcels = gpd.GeoDataFrame({
        "parcel_id": list("ABCDEFG"),
        "town_code": ["T1", "T1", "T1", "T2", "T2", "T1", "T1"],
        "platform_id": ["PL1"] * 5 + [None, None],
        "park_id": ["P1", None, None, None, None, None, None],
        "land_use": ["industrial"] * 3 + ["changed"] + ["industrial"] * 3,
        "lifecycle": ["meeting", "producing", "supplied", "meeting", "meeting", "built", "in_use"],
        "approved_year": [2015] * 7,
        "plot_ratio": [1.5, 0.8, None, 1.2, 1.5, 0.5, None],
        "floor_area_m2": [None] * 7,
    }, geometry=[sq(i, 200 if i == 5 else 100) for i in range(7)], crs=CRS)
    ents = gpd.GeoDataFrame({
        "enterprise_id": ["E1", "E2", "E3", "E4"],
        "uscc": ["x"] * 4, "name": ["甲", "乙", "丙", "丁"],
        "town_code": ["T1", "T1", "T2", "T3"],
        "parcel_id": ["A", "B", "E", None], "park_id": ["P1", None, None, None],
        "industry": ["机械"] * 4, "above_scale": [False, True, True, False],
        "specialised": [False] * 4, "land_area_mu": [15.0, 15.0, 15.0, 10.0],
    }, geometry=[centre(0), centre(1), centre(4), Point(X0 + 5000, Y0 + 5000)], crs=CRS)
    cols = ["enterprise_id", "year", "tax_10k", "value_added_10k", "revenue_10k", "energy_tce",
            "employees", "rnd_10k"]
    figures = pd.DataFrame([
        ("E1", 2021, 30.0, 150.0, 600.0, 30.0, 10, 6.0),
        ("E2", 2021, 300.0, 1500.0, 6000.0, 1500.0, 100, 120.0),
        ("E3", 2021, 450.0, 900.0, 3000.0, 90.0, 30, 90.0),
        ("E4", 2021, 10.0, 40.0, 200.0, 8.0, 4, 0.0),
        ("E1", 2020, 20.0, 100.0, 400.0, 20.0, 10, 4.0),
        ("E2", 2020, 250.0, 1200.0, 5000.0, 1200.0, 100, 100.0),
        ("E3", 2020, 400.0, 800.0, 2800.0, 80.0, 32, 80.0),
    ], columns=cols)
    sale = {"method": "listing", "buyer": "某公司", "price_10k_yuan": 100.0,
            "contract_area_m2": 10000.0, "invest_intensity_10k_per_mu": 300.0,
            "tax_per_mu_10k": 20.0, "plot_ratio_min": 1.2, "actual_completion": NaT,
            "is_expansion": False}
    sales = pd.DataFrame([
        {"sale_id": "S1", "parcel_id": "C", "sale_date": pd.Timestamp("2019-01-10"),
         "agreed_start": pd.Timestamp("2019-03-01"), "agreed_completion": pd.Timestamp("2021-03-01"),
         "actual_start": NaT, **sale},
        {"sale_id": "S2", "parcel_id": "G", "sale_date": pd.Timestamp("2019-01-10"),
         "agreed_start": pd.Timestamp("2019-03-01"), "agreed_completion": pd.Timestamp("2021-03-01"),
         "actual_start": pd.Timestamp("2019-04-01"), **sale},
        {"sale_id": "S3", "parcel_id": "E", "sale_date": pd.Timestamp("2020-05-01"),
         "agreed_start": pd.Timestamp("2020-08-01"), "agreed_completion": pd.Timestamp("2022-08-01"),
         "actual_start": pd.Timestamp("2020-07-01"), **sale},
    ])
    cases = gpd.GeoDataFrame({
        "case_id": ["DX1", "DX2"], "parcel_id": ["F", "D"], "reason": ["low_plot_ratio", "use_changed"],
        "route": ["tech_upgrade", "transfer"], "status": ["revitalised", "identified"],
        "identified_year": [2019, 2021],
        "revitalised_date": [pd.Timestamp("2020-06-15"), NaT],
        "renovated_floor_m2": [8000.0, 0.0], "standard_factory_m2": [0.0, 0.0],
    }, geometry=[sq(5, 200), sq(3)], crs=CRS)
    parks = gpd.GeoDataFrame({
        "park_id": ["P1"], "name_zh": ["甲园"], "town_code": ["T1"], "platform_id": ["PL1"],
        "status": ["operating"], "industry_theme": ["机械"], "planned_area_mu": [15.0],
        "floor_area_m2": [1000.0], "start_date": [pd.Timestamp("2020-04-01")],
        "completion_date": [pd.Timestamp("2021-01-10")], "enterprises_in": [1],
        "occupancy_pct": [50.0], "star_rating": [2], "is_smart": [False],
    }, geometry=[sq(0).buffer(10)], crs=CRS)
    platforms = gpd.GeoDataFrame({
        "platform_id": ["PL1"], "name_zh": ["平台一"], "name_en": ["Platform 1"],
        "town_code": ["T1"]}, geometry=[box(X0 - 50, Y0 - 50, X0 + 1450, Y0 + 150)], crs=CRS)
    towns = gpd.GeoDataFrame({
        "town_code": ["T1", "T2", "T3"], "name_zh": ["一镇", "二镇", "三乡"],
        "name_en": ["One", "Two", "Three"], "kind": ["town", "town", "township"],
        "key_industrial": [True, True, False]},
        geometry=[Point(X0, Y0 - 500), Point(X0 + 1200, Y0 - 500), Point(X0 + 5000, Y0)], crs=CRS)
    return {"parcels": parcels, "enterprises": ents, "enterprise_figures": figures,
            "land_sales": sales, "cases": cases, "parks": parks, "platforms": platforms,
            "towns": towns}


PLAN = """
[plan]
title_zh = "测试计划"
title_en = "Test plan"
start_year = 2019
end_year = 2021

[[targets]]
id = "revitalised_mu"
area = "inefficient"
name_zh = "盘活"
name_en = "Revitalised"
value = 600
unit = "mu"
per = "cumulative"
comparison = ">="
text_zh = "3年累计盘活低效用地600亩"

[[targets]]
id = "renovated_floor_m2"
area = "inefficient"
name_zh = "旧厂房"
name_en = "Renovated"
value = 180000
unit = "m2"
per = "cumulative"
comparison = ">="
text_zh = "改造旧厂房18万平方米"

[[targets]]
id = "standard_factory_m2"
area = "inefficient"
name_zh = "标准厂房"
name_en = "Standard factory"
value = 300000
unit = "m2"
per = "cumulative"
comparison = ">="
text_zh = "建成标准厂房30万平方米"
"""


def plan(tmp_path: Path, extra: str = "") -> Plan:
    """A real plan file in ``tmp_path`` with the three inefficient-land targets and ``extra``."""
    path = tmp_path / "plan.toml"
    path.write_text(PLAN + textwrap.dedent(extra), encoding="utf-8")
    return load_plan(path)

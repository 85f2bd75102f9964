"""Tiny in-code layers for the tracking tests (parks, land, as-of), in EPSG:4549.

A 100 m x 100 m square is exactly 15 mu; 200 m x 100 m is 30 mu.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from geo.plan import Plan, load_plan

CRS = "EPSG:4549"
NaT = pd.NaT


def square(x0: float, w: float = 100.0, h: float = 100.0):
    return box(500000 + x0, 3170000, 500000 + x0 + w, 3170000 + h)


def ts(s):
    return pd.Timestamp(s) if s else NaT


def parks() -> gpd.GeoDataFrame:
    rows = [
        # id, status, start, completion, geometry (mu), planned, floor, ents, occ, star, smart
        ("P1", "operating", "2019-03-01", "2020-06-30", square(0), 20.0, 30000.0, 40, 80.0, 3, True),
        ("P2", "completed", "2020-01-15", "2021-02-01", square(1000, 200), 25.0, 50000.0, 10, 50.0, 2, True),
        ("P3", "planned", None, None, square(2000), 10.0, 20000.0, 0, 0.0, 0, False),
        ("P4", "under_construction", "2021-05-01", None, square(3000), 12.0, 10000.0, 0, 0.0, 0, False),
    ]
    return gpd.GeoDataFrame({
        "park_id": [r[0] for r in rows], "name_zh": [f"园区{r[0]}" for r in rows],
        "town_code": ["T1", "T1", "T2", "T2"], "platform_id": ["PL1", "PL1", None, "PL1"],
        "status": [r[1] for r in rows], "industry_theme": ["机械", "电机", "机械", "锯业"],
        "planned_area_mu": [r[5] for r in rows], "floor_area_m2": [r[6] for r in rows],
        "start_date": [ts(r[2]) for r in rows], "completion_date": [ts(r[3]) for r in rows],
        "enterprises_in": [r[7] for r in rows], "occupancy_pct": [r[8] for r in rows],
        "star_rating": [r[9] for r in rows], "is_smart": [r[10] for r in rows],
    }, geometry=[r[4] for r in rows], crs=CRS)


def enterprises() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "enterprise_id": ["E1", "E2", "E3", "E4"],
        "parcel_id": ["A", "A", "B", None],
        "park_id": ["P1", "P1", "P2", None],
        "specialised": [True, False, True, True],
    }, geometry=gpd.points_from_xy([500050] * 4, [3170050] * 4), crs=CRS)


def figures() -> pd.DataFrame:
    return pd.DataFrame({
        "enterprise_id": ["E1", "E1", "E2", "E3", "E4"],
        "year": [2020, 2021, 2021, 2021, 2021],
        "tax_10k": [90.0, 120.0, 60.0, 150.0, 500.0],
    })


def parcels() -> gpd.GeoDataFrame:
    rows = [  # id, town, platform, lifecycle, approved year, plot ratio, geometry
        ("A", "T1", "PL1", "approved", 2018, 1.0, square(0)),
        ("B", "T2", None, "supplied", 2018, None, square(1000, 200)),
        ("C", "T1", "PL1", "in_use", 2019, 0.8, square(2000)),
        ("D", "T2", "PL1", "built", 2019, 1.5, square(3000)),
        ("E", "T1", "PL1", "producing", 2021, 2.0, square(4000)),
        ("F", "T2", "PL1", "meeting", 2019, 2.0, square(5000)),
    ]
    return gpd.GeoDataFrame({
        "parcel_id": [r[0] for r in rows], "town_code": [r[1] for r in rows],
        "platform_id": [r[2] for r in rows], "lifecycle": [r[3] for r in rows],
        "approved_year": [r[4] for r in rows], "plot_ratio": [r[5] for r in rows],
    }, geometry=[r[6] for r in rows], crs=CRS)


def sales() -> pd.DataFrame:
    rows = [  # id, parcel, sale date, price, agreed start, actual start, actual completion, expansion
        ("S1", "A", "2019-05-01", 100.0, "2020-03-01", None, None, False),
        ("S2", "B", "2020-03-01", 200.0, "2020-09-01", "2020-10-01", None, True),
        ("S3", "C", "2020-11-30", 100.0, "2021-06-01", "2021-03-01", "2022-01-10", True),
    ]
    return pd.DataFrame({
        "sale_id": [r[0] for r in rows], "parcel_id": [r[1] for r in rows],
        "sale_date": [ts(r[2]) for r in rows], "buyer": ["甲", "乙", "丙"],
        "price_10k_yuan": [r[3] for r in rows], "contract_area_m2": [10000.0, 20000.0, 10000.0],
        "invest_intensity_10k_per_mu": [300.0] * 3, "tax_per_mu_10k": [20.0, 20.0, 15.0],
        "plot_ratio_min": [1.2, 1.2, 1.0],
        "agreed_start": [ts(r[4]) for r in rows],
        "agreed_completion": [ts("2021-06-01"), ts("2022-09-01"), ts("2023-06-01")],
        "actual_start": [ts(r[5]) for r in rows], "actual_completion": [ts(r[6]) for r in rows],
        "is_expansion": [r[7] for r in rows],
    })


def audit() -> pd.DataFrame:
    return pd.DataFrame({"audit_id": pd.Series([], dtype="int64"), "at": [], "user": [],
                         "layer": [], "feature_id": [], "field": [], "old_value": [],
                         "new_value": []})


def layers() -> dict:
    return {"parks": parks(), "enterprises": enterprises(), "enterprise_figures": figures(),
            "parcels": parcels(), "land_sales": sales(), "audit": audit()}


def plan(**targets: float) -> Plan:
    """The Jinyun plan file, with some target values replaced."""
    p = load_plan()
    new = dict(p.targets)
    for tid, value in targets.items():
        new[tid] = dataclasses.replace(new[tid], value=value)
    return dataclasses.replace(p, targets=new)

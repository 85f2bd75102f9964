"""Tiny hand-made layers whose figures are easy to compute by hand.

All geometry is built in EPSG:4549 (metres) around (500000, 3170000), which is
near 120°E/28.6°N, so a 100 m x 100 m square is exactly 15 mu.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from geo import schema

X0, Y0 = 500_000.0, 3_170_000.0
CRS = "EPSG:4549"


def square(i: int, side_m: float = 100.0, row: int = 0):
    x = X0 + i * 200
    y = Y0 + row * 200
    return box(x, y, x + side_m, y + side_m)


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the columns of ``name`` (a GeoDataFrame for spatial layers)."""
    layer = schema.LAYERS[name]
    cols = {f.name: pd.Series([], dtype=object) for f in layer.fields}
    if layer.geometry:
        return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=CRS))
    return pd.DataFrame(cols)


def tiny_layers() -> dict[str, pd.DataFrame]:
    """Every layer of the schema; the ones the tests compute on hold a few rows."""
    layers = {name: empty(name) for name in schema.LAYERS if name != "meta"}
    layers["county"] = gpd.GeoDataFrame(
        {"adcode": ["331122"], "name": ["缙云县"], "source": ["test"]},
        geometry=[box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)], crs=CRS)
    # parks: 4 parks of 15, 15, 60 (200 m square) and 15 mu mapped
    layers["parks"] = gpd.GeoDataFrame({
        "park_id": ["P1", "P2", "P3", "P4"], "name_zh": ["甲园", "乙园", "丙园", "丁园"],
        "town_code": ["331122001"] * 4, "platform_id": ["JYKFQ", "JYKFQ", None, "LJCYY"],
        "status": ["planned", "under_construction", "completed", "operating"],
        "industry_theme": ["五金"] * 4, "planned_area_mu": [10.0, 20.0, 30.0, 40.0],
        "floor_area_m2": [0.0, 1000.0, 20000.0, 30000.0],
        "start_date": [pd.NaT, pd.Timestamp("2020-03-01"), pd.Timestamp("2019-01-01"),
                       pd.Timestamp("2018-06-01")],
        "completion_date": [pd.NaT, pd.NaT, pd.Timestamp("2020-12-01"), pd.Timestamp("2019-12-01")],
        "enterprises_in": [0, 0, 20, 50], "occupancy_pct": [0.0, 0.0, 60.0, 90.0],
        "star_rating": [0, 0, 0, 3], "is_smart": [False, False, False, True],
    }, geometry=[square(0), square(1), square(2, 200), square(4)], crs=CRS)
    # parcels: ten 15-mu squares
    layers["parcels"] = gpd.GeoDataFrame({
        "parcel_id": [f"T{i}" for i in range(10)], "town_code": ["331122001"] * 10,
        "platform_id": ["JYKFQ"] * 10, "park_id": [None] * 10, "land_use": ["industrial"] * 10,
        "lifecycle": ["meeting"] * 10, "approved_year": [2015] * 10, "plot_ratio": [1.2] * 10,
        "floor_area_m2": [12000.0] * 10, "holder": [None] * 10, "holder_uscc": [None] * 10,
    }, geometry=[square(i, row=2) for i in range(10)], crs=CRS)
    # sales: 2019 two parcels (30 mu), 2020 none, 2021 one parcel (15 mu)
    sale = {"method": "listing", "buyer": "某公司", "price_10k_yuan": 150.0,
            "contract_area_m2": 10000.0, "invest_intensity_10k_per_mu": 300.0,
            "tax_per_mu_10k": 20.0, "plot_ratio_min": 1.2,
            "agreed_start": pd.Timestamp("2019-06-01"), "agreed_completion": pd.Timestamp("2021-06-01"),
            "actual_start": pd.NaT, "actual_completion": pd.NaT, "is_expansion": True}
    layers["land_sales"] = pd.DataFrame([
        {"sale_id": "S1", "parcel_id": "T0", "sale_date": pd.Timestamp("2019-03-01"), **sale},
        {"sale_id": "S2", "parcel_id": "T1", "sale_date": pd.Timestamp("2019-11-30"), **sale},
        {"sale_id": "S3", "parcel_id": "T2", "sale_date": pd.Timestamp("2021-01-05"), **sale},
    ])
    # cases: two revitalised (2019, 2021) and one in progress, 15 mu each
    layers["cases"] = gpd.GeoDataFrame({
        "case_id": ["D1", "D2", "D3"], "parcel_id": ["T5", "T6", "T7"],
        "reason": ["low_plot_ratio", "idle", "use_changed"],
        "route": ["tech_upgrade", "reclaim", "transfer"],
        "status": ["revitalised", "revitalised", "in_progress"],
        "identified_year": [2018, 2019, 2020],
        "revitalised_date": [pd.Timestamp("2019-05-01"), pd.Timestamp("2022-02-01"), pd.NaT],
        "renovated_floor_m2": [5000.0, 0.0, 0.0], "standard_factory_m2": [0.0, 0.0, 0.0],
    }, geometry=[square(i, row=2) for i in (5, 6, 7)], crs=CRS)
    layers["towns"] = gpd.GeoDataFrame({
        "town_code": ["331122001"], "name_zh": ["五云街道"], "name_en": ["Wuyun"],
        "kind": ["subdistrict"], "key_industrial": [True]}, geometry=[Point(X0, Y0)], crs=CRS)
    return layers

"""Tracking maps: one GeoJson per category with a constant style, popups/tooltips with the
page's columns, legends per language, local assets only."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from geo import land, parks
from layers import assets
from layers.legend import Legend
from layers.tracking import land_map, parks_map
from tests.geo import tracking_fixtures as fx


def _layers() -> dict:
    lay = fx.layers()
    county = gpd.GeoDataFrame({"adcode": ["331122"], "name": ["缙云县"]},
                              geometry=[fx.square(-500, 6000, 1000)], crs=fx.CRS)
    platforms = gpd.GeoDataFrame({"platform_id": ["PL1"], "name_zh": ["平台一"], "name_en": ["P1"]},
                                 geometry=[fx.square(-100, 4000, 300)], crs=fx.CRS)
    zones = gpd.GeoDataFrame({"zone_id": ["Z1"], "platform_id": ["PL1"], "name_zh": ["区一"],
                              "name_en": ["Z1"]}, geometry=[fx.square(-100, 2000, 300)], crs=fx.CRS)
    return {**lay, "county": county, "platforms": platforms, "zones": zones}


def _geojsons(m: folium.Map) -> list[folium.GeoJson]:
    return [el for el in assets._walk(m) if isinstance(el, folium.GeoJson)]


def _by_name(m: folium.Map) -> dict[str, int]:
    """Polygon features per named GeoJson layer (park/sale/gap layers, not outlines or dots)."""
    out = {}
    for gj in _geojsons(m):
        feats = gj.data["features"]
        if feats and feats[0]["geometry"]["type"] != "Point" and \
                {"park_id", "sale_id", "gap"} & set(feats[0]["properties"]):
            out[gj.layer_name] = len(feats)
    return out


def _dots(m: folium.Map) -> dict[str, str]:
    return {f["properties"]["park_id"]: f["properties"]["status"] for gj in _geojsons(m)
            for f in gj.data["features"] if f["geometry"]["type"] == "Point"}


def test_parks_map_one_layer_per_status():
    lay = _layers()
    m = parks_map(lay, parks.table(lay, fx.plan()), lang="zh")
    assert _by_name(m) == {"规划": 1, "在建": 1, "建成": 1, "运营": 1}
    props = next(gj for gj in _geojsons(m) if gj.layer_name == "运营").data["features"][0]["properties"]
    assert props["park_id"] == "P1" and props["status"] == "运营"
    assert props["tax_per_mu_10k"] == 12.0 and props["mapped_area_mu"] == 15.0
    assert _dots(m) == {"P1": "运营", "P2": "建成", "P3": "规划", "P4": "在建"}
    legend = next(el for el in assets._walk(m) if isinstance(el, Legend))
    assert legend.labels() == ["规划", "在建", "建成", "运营"]
    assert all(u.startswith(assets.URL_PREFIX) for u in assets.asset_urls(m))


def test_parks_map_shows_only_the_filtered_parks_in_english():
    lay = _layers()
    table = parks.filter_table(parks.table(lay, fx.plan()), statuses=["operating", "completed"])
    m = parks_map(lay, table, lang="en")
    assert _by_name(m) == {"Completed": 1, "Operating": 1}


def test_land_map_by_year_flag_and_gap():
    lay = _layers()
    terms = land.terms_check(lay, fx.plan(), as_of=pd.Timestamp("2021-12-31"))
    by_year = land_map(lay, terms, colour_by="year")
    assert _by_name(by_year) == {"2019": 1, "2020": 2}
    by_flag = land_map(lay, terms, colour_by="flag")
    assert _by_name(by_flag) == {"闲置（满1年，征收闲置费）": 1, "已开工": 2}
    parcels = lay["parcels"].assign(gap=land.gap_of(lay["parcels"]["lifecycle"]), area_mu=15.0)
    by_gap = land_map(lay, terms, colour_by="gap", parcels=parcels[parcels["gap"].notna()])
    assert _by_name(by_gap) == {"批而未供": 1, "供而未用": 1, "建而未投": 1, "投而未达": 1}
    for m in (by_year, by_flag, by_gap):
        assert all(u.startswith(assets.URL_PREFIX) for u in assets.asset_urls(m))

"""Maps of the inefficient-land, evaluation and ranking pages: what they draw, with local assets."""

from __future__ import annotations

import folium
import geopandas as gpd
import pytest
from shapely.geometry import box

from geo import evaluation as ev
from geo import i18n, styles
from geo import inefficient as ie
from geo import ranking as rk
from layers import assets
from layers import performance as perf
from layers.legend import Legend
from tests.geo import perf_fixtures as fx


@pytest.fixture
def layers():
    lay = fx.layers()
    lay["county"] = gpd.GeoDataFrame({"adcode": ["331122"], "name": ["缙云县"], "source": ["t"]},
                                     geometry=[box(fx.X0 - 2000, fx.Y0 - 2000, fx.X0 + 9000,
                                                   fx.Y0 + 9000)], crs=fx.CRS)
    lay["zones"] = gpd.GeoDataFrame({"zone_id": ["Z1"], "platform_id": ["PL1"], "name_zh": ["区"],
                                     "name_en": ["Zone"]}, geometry=[lay["platforms"].geometry[0]],
                                    crs=fx.CRS)
    return lay


def _groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, folium.FeatureGroup)}


def _features(fg: folium.FeatureGroup) -> list[dict]:
    return [f for c in fg._children.values() if isinstance(c, folium.GeoJson)
            for f in c.data["features"]]


def _legend(m: folium.Map) -> Legend:
    return next(c for c in m._children.values() if isinstance(c, Legend))


def _local_only(m: folium.Map) -> bool:
    return all(u.startswith(assets.URL_PREFIX) for u in assets.asset_urls(m))


def test_inefficient_map_draws_every_flagged_parcel_the_selection_and_cases(layers):
    found = ie.identify(layers, ie.Rules(), year=2021, as_of="2021-12-31")
    cases = ie.case_table(layers, as_of="2021-12-31")
    m = perf.inefficient_map(layers, found, ["A", "C"], cases, lang="zh")
    groups = _groups(m)
    flagged = _features(groups[i18n.t("ineff.layer.parcels")])
    assert sorted(f["properties"]["parcel_id"] for f in flagged) == sorted(found["parcel_id"])
    chosen = _features(groups[i18n.t("ineff.layer.selected")])
    # each selected parcel twice: its polygon and a marker on it
    assert sorted(f["properties"]["parcel_id"] for f in chosen) == ["A", "A", "C", "C"]
    assert sorted(f["geometry"]["type"] for f in chosen) == ["Point", "Point", "Polygon", "Polygon"]
    drawn_cases = _features(groups[i18n.t("layer.cases")])
    assert {f["properties"]["case_status"] for f in drawn_cases} == {"已盘活", "已认定"}
    labels = _legend(m).labels()
    assert "闲置土地" in labels and "容积率偏低" in labels and "已盘活" in labels
    assert _local_only(m)


def test_choropleth_map_has_one_colour_per_class_and_the_point_layers(layers):
    scored = ev.scores(layers, ev.Method(), 2021)
    agg = ev.aggregate(layers, scored, "town")
    bounds = ev.breaks(agg["tax_per_mu"], "quantiles", 2)
    energy = ev.energy_intensive(layers, 2021)
    outside = ev.outside_platforms(layers)
    m = perf.choropleth_map(layers, agg, "tax_per_mu", bounds, lang="en",
                            points={"energy": energy, "outside": outside})
    groups = _groups(m)
    towns = _features(groups[i18n.t("ev.level.town", "en")])
    assert sorted(f["properties"]["name"] for f in towns) == ["One", "Three", "Two"]
    legend = _legend(m)
    assert len(legend.sections[0][1]) == len(bounds) == 2
    assert [c for c, _ in legend.sections[0][1]] == styles.choropleth_colors(2)
    assert len(_features(groups[i18n.t("ev.layer.energy", "en")])) == len(energy) == 1
    assert len(_features(groups[i18n.t("ev.layer.outside", "en")])) == 1
    assert _local_only(m)


def test_choropleth_colours_run_dark_to_light_for_energy(layers):
    scored = ev.scores(layers, ev.Method(), 2021)
    agg = ev.aggregate(layers, scored, "parcel")
    bounds = ev.breaks(agg["energy_per_10k"], "equal_interval", 3)
    m = perf.choropleth_map(layers, agg, "energy_per_10k", bounds)
    colors = [c for c, _ in _legend(m).sections[0][1]]
    assert colors == styles.choropleth_colors(3, reverse=True)
    assert colors[0] == styles.CHOROPLETH_PALETTE[-1]


def test_ranking_map_puts_a_flag_on_every_unit(tmp_path, layers):
    plan = fx.plan(tmp_path)
    flagged = rk.flags(layers, plan, "2021Q1")
    m = perf.ranking_map(layers, flagged, lang="zh")
    fg = _groups(m)[i18n.t("rank.layer.flags")]
    markers = [c for c in fg._children.values() if isinstance(c, folium.Marker)]
    assert len(markers) == len(flagged) == 3
    rendered = m.get_root().render()
    for f in flagged["flag"]:
        assert styles.RANK_FLAG_COLORS[f] in rendered
    assert rendered.count("rank-flag") >= len(flagged)      # one inline-SVG flag icon per unit
    polys = _features(fg)
    assert [p["properties"]["name"] for p in polys] == ["平台一"]
    assert _local_only(m)

"""Candidate assessment against a hand-made 10 x 10 km world with known answers."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin
from shapely import LineString, box

from geo import assess, terrain
from geo.errors import PlanFileError
from tests.geo.said import raises_said

X0, Y0 = 500_000.0, 3_160_000.0
CRS = "EPSG:4549"


def _gdf(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def world() -> dict[str, gpd.GeoDataFrame]:
    """County 10 x 10 km; farmland, red line, flood strip, urban boundary on the west 6 km; roads."""
    return {
        "county": _gdf([{"adcode": "331122", "name": "test", "geometry": box(X0, Y0, X0 + 10_000, Y0 + 10_000)}]),
        "constraints": _gdf([
            {"kind": "basic_farmland", "name_zh": "农田", "geometry": box(X0 + 1000, Y0 + 1000, X0 + 2000, Y0 + 3000)},
            {"kind": "eco_redline", "name_zh": "红线", "geometry": box(X0 + 8000, Y0 + 8000, X0 + 10_000, Y0 + 10_000)},
            {"kind": "water_source", "name_zh": "水源", "geometry": box(X0 + 9000, Y0, X0 + 9500, Y0 + 500)},
            {"kind": "flood_zone", "name_zh": "洪水", "geometry": box(X0 + 4000, Y0, X0 + 4200, Y0 + 10_000)},
            {"kind": "urban_boundary", "name_zh": "城镇", "geometry": box(X0, Y0, X0 + 6000, Y0 + 10_000)},
        ]),
        "roads": _gdf([
            {"road_class": "expressway", "name_zh": "高速", "geometry": LineString([(X0 + 3000, Y0), (X0 + 3000, Y0 + 10_000)])},
            {"road_class": "national", "name_zh": "国道", "geometry": LineString([(X0, Y0 + 5000), (X0 + 10_000, Y0 + 5000)])},
            {"road_class": "provincial", "name_zh": "省道", "geometry": LineString([(X0 + 7000, Y0), (X0 + 7000, Y0 + 10_000)])},
            {"road_class": "county", "name_zh": "县道", "geometry": LineString([(X0, Y0 + 9000), (X0 + 10_000, Y0 + 9000)])},
        ]),
        "platforms": _gdf([{"platform_id": "P", "name_zh": "平台甲", "name_en": "A",
                            "geometry": box(X0 + 5000, Y0 + 1000, X0 + 6000, Y0 + 2000)}]),
        "parks": _gdf([{"park_id": "K", "name_zh": "园区甲", "geometry": box(X0 + 5200, Y0 + 1200, X0 + 5400, Y0 + 1400)}]),
        "parcels": _gdf([{"parcel_id": "P1", "land_use": "industrial",
                          "geometry": box(X0 + 2500, Y0 + 1000, X0 + 2800, Y0 + 1300)}]),
    }


ANGLE = 10.0


def write_dem(path, *, width_m: float = 9000.0, angle: float = ANGLE):
    """A plane tilted ``angle`` degrees eastwards over x in [X0, X0 + width_m], 10 m cells."""
    res = 10.0
    n_x, n_y = int(width_m / res), 1000
    x = (np.arange(n_x) + 0.5) * res
    values = np.tile(100 + x * math.tan(math.radians(angle)), (n_y, 1)).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", height=n_y, width=n_x, count=1, dtype="float32",
                       crs=CRS, transform=from_origin(X0, Y0 + 10_000, res, res), nodata=-9999.0) as dst:
        dst.write(values, 1)
    return path


@pytest.fixture(scope="module")
def ctx():
    return assess.build_context(world())


@pytest.fixture(scope="module")
def dem(tmp_path_factory):
    return terrain.read_dem(write_dem(tmp_path_factory.mktemp("dem") / "dem.tif"))


HALF = box(X0 + 1500, Y0 + 2000, X0 + 2500, Y0 + 2500)  # half on the farmland


def run(ctx, dem, geoms, names=None, config=None):
    cands = gpd.GeoDataFrame({"name": names or [f"n{i}" for i in range(len(geoms))]}, geometry=geoms, crs=CRS)
    return assess.assess(cands, ctx, dem, config=config).set_index("name", drop=False)


def test_half_inside_a_constraint_is_fifty_percent(ctx, dem):
    r = run(ctx, dem, [HALF]).iloc[0]
    assert r["area_mu"] == pytest.approx(1000 * 500 / (10000 / 15))  # 750 mu
    assert r["basic_farmland_share"] == pytest.approx(0.5)
    assert r["basic_farmland_mu"] == pytest.approx(375)
    assert r["eco_redline_mu"] == 0 and r["outside_urban_boundary_share"] == 0
    # farmland is a hard exclusion by default; the plane (10 degrees) is buildable
    assert r["buildable_mu"] == pytest.approx(375, rel=1e-6)
    assert r["excluded_share"] == pytest.approx(0.5)


def test_distances_against_hand_computed_values(ctx, dem):
    r = run(ctx, dem, [HALF]).iloc[0]
    assert r["dist_road_expressway_m"] == pytest.approx(500)
    assert r["dist_road_national_m"] == pytest.approx(2500)
    assert r["dist_road_provincial_m"] == pytest.approx(4500)
    assert r["dist_road_county_m"] == pytest.approx(6500)
    assert r["dist_road_m"] == pytest.approx(500)
    assert r["dist_industrial_m"] == pytest.approx(700)
    assert r["dist_platform_m"] == pytest.approx(2500)
    assert r["dist_park_m"] == pytest.approx(math.hypot(2700, 600))
    assert r["nearest_platform"] == "平台甲" and r["nearest_park"] == "园区甲"
    assert not r["touches_industrial"] and not r["inside_platform"]


def test_terrain_and_compactness(ctx, dem):
    r = run(ctx, dem, [HALF]).iloc[0]
    assert r["slope_mean"] == pytest.approx(ANGLE, abs=1e-3)
    assert r["slope_share_moderate"] == 0 and r["slope_share_steep"] == 0
    tan = math.tan(math.radians(ANGLE))
    assert r["elev_min"] == pytest.approx(100 + 1505 * tan, rel=1e-5)
    assert r["elev_max"] == pytest.approx(100 + 2495 * tan, rel=1e-5)
    # Polsby-Popper of a 2:1 rectangle: 4 pi A / P^2 = 4 pi * 2 / 36
    assert r["compactness"] == pytest.approx(4 * math.pi * 2 / 36)


def test_touching_and_inside_platform(ctx, dem):
    near = box(X0 + 2805, Y0 + 1000, X0 + 3200, Y0 + 1300)  # 5 m from parcel P1
    inside = box(X0 + 5100, Y0 + 1500, X0 + 5900, Y0 + 1900)
    r = run(ctx, dem, [near, inside], ["near", "inside"])
    assert r.loc["near", "dist_industrial_m"] == pytest.approx(5)
    assert r.loc["near", "touches_industrial"]
    assert r.loc["inside", "inside_platform"] and r.loc["inside", "dist_platform_m"] == 0
    assert r.loc["inside", "platform_share"] == pytest.approx(1.0)


def test_picked_existing_parcel_does_not_count_itself_as_neighbour(ctx, dem):
    parcel = box(X0 + 2500, Y0 + 1000, X0 + 2800, Y0 + 1300)
    r = run(ctx, dem, [parcel]).iloc[0]
    assert r["existing_industrial_mu"] == pytest.approx(300 * 300 / (10000 / 15))
    assert np.isnan(r["dist_industrial_m"]) or r["dist_industrial_m"] > 0


def test_site_on_the_county_edge(ctx, dem):
    edge = box(X0 - 500, Y0 + 6000, X0 + 500, Y0 + 7000)
    r = run(ctx, dem, [edge]).iloc[0]
    assert r["outside_county_share"] == pytest.approx(0.5)
    assert r["area_mu"] == pytest.approx(1500)
    assert r["buildable_mu"] == pytest.approx(750, rel=1e-6)
    keys = [n.key for n in r["notes"]]
    assert "assess.note.partly_outside" in keys
    assert "assess.note.dem_partial" in keys  # the DEM stops at the county edge here


def test_outside_the_dem_gets_a_note_not_zeros(ctx, dem):
    east = box(X0 + 9200, Y0 + 3000, X0 + 9800, Y0 + 3600)  # the DEM ends at X0 + 9000
    r = run(ctx, dem, [HALF, east], ["half", "east"])
    row = r.loc["east"]
    assert [n.key for n in row["notes"]] == ["assess.note.outside_dem"]
    assert np.isnan(row["elev_mean"]) and np.isnan(row["slope_mean"]) and np.isnan(row["score"])
    assert row["rank"] == 2 and r.loc["half", "rank"] == 1
    assert "DEM" in assess.notes_text(row, "en")[0]


def test_dem_file_not_covering_the_sites_is_a_note(ctx, tmp_path):
    path = write_dem(tmp_path / "narrow.tif", width_m=1000)
    r = run(ctx, str(path), [box(X0 + 5000, Y0 + 5000, X0 + 5500, Y0 + 5500)]).iloc[0]
    assert [n.key for n in r["notes"]] == ["assess.note.outside_dem"]
    assert np.isnan(r["elev_min"])


def test_self_intersecting_drawing_is_repaired_and_said(ctx, dem):
    bow = shapely.Polygon([(X0 + 5000, Y0 + 5000), (X0 + 5800, Y0 + 5800), (X0 + 5800, Y0 + 5000),
                           (X0 + 5000, Y0 + 5800)])
    assert not bow.is_valid
    r = run(ctx, dem, [bow]).iloc[0]
    assert r["area_mu"] == pytest.approx(2 * 800 * 400 / 2 / (10000 / 15))
    assert "assess.note.repaired" in [n.key for n in r["notes"]]
    assert "repaired" in assess.notes_text(r, "en")[0]


def test_zero_area_and_outside_county_are_refused(ctx, dem):
    line_like = shapely.Polygon([(X0 + 10, Y0 + 10), (X0 + 20, Y0 + 20), (X0 + 30, Y0 + 30)])
    far = box(X0 + 50_000, Y0, X0 + 51_000, Y0 + 1000)
    cands = gpd.GeoDataFrame({"name": ["flat", "far", "ok"]}, geometry=[line_like, far, HALF], crs=CRS)
    with raises_said(assess.CandidateError, "zero area"):
        assess.assess(cands, ctx, dem)
    good, problems = assess.prepare_candidates(cands, ctx, on_error="skip")
    assert list(good["name"]) == ["ok"]
    assert any("outside the county" in p and "far" in p for p in problems)
    assert any("面积为零" in p for p in problems)


def test_score_parts_add_up_and_hard_constraints_are_configurable(ctx, dem):
    r = run(ctx, dem, [HALF]).iloc[0]
    shares = assess.AssessConfig().weight_shares()
    for c in assess.CRITERIA:  # every row reads rate x weight = points
        assert r[f"points_{c}"] == pytest.approx(100 * shares[c] * r[f"c_{c}"])
    points = sum(r[f"points_{c}"] for c in assess.CRITERIA)
    assert points == pytest.approx(r["suitability"])  # the subtotal is their sum
    assert r["score"] == pytest.approx(points * r["buildable_share"])  # x the buildable share
    assert r["buildable_share"] == pytest.approx(0.5) and not r["excluded"]
    table = assess.breakdown_table(r, assess.AssessConfig(), "en")
    assert table.iloc[-1]["Points"] == f"{points:.1f} × 50% = {r['score']:.1f}"
    assert not any(str(p).startswith("-") for p in table["Points"])  # no negative row
    assert r["c_road"] == pytest.approx(1 - 500 / 3000)
    assert r["c_flat"] == 1.0
    soft = assess.AssessConfig(hard_constraints=("eco_redline",))
    r2 = run(ctx, dem, [HALF], config=soft).iloc[0]
    assert r2["buildable_mu"] == pytest.approx(750, rel=1e-6)
    assert r2["c_constraints"] == pytest.approx(0.5)  # farmland now only lowers the score
    assert r2["score"] > r["score"]


def test_ranking_and_weights(ctx, dem):
    good = box(X0 + 2805, Y0 + 1000, X0 + 3200, Y0 + 1300)  # next to industry and a road
    poor = box(X0 + 7500, Y0 + 7000, X0 + 7900, Y0 + 7500)  # outside the urban boundary, far
    r = run(ctx, dem, [poor, good], ["poor", "good"])
    assert list(r["name"]) == ["good", "poor"]
    assert list(r["rank"]) == [1, 2]
    only_roads = assess.AssessConfig(weights={"flat": 0, "road": 1, "industry": 0, "platform": 0,
                                              "constraints": 0})
    r3 = run(ctx, dem, [poor], config=only_roads).iloc[0]
    assert r3["score"] == pytest.approx(100 * (1 - 500 / 3000))  # the provincial road is 500 m away


def test_config_from_plan_table():
    cfg = assess.load_config({"slope_moderate_deg": 8, "hard_constraints": ["eco_redline"],
                              "weights": {"road": 2}})
    assert cfg.slope_moderate_deg == 8
    assert cfg.hard_constraints == ("eco_redline",)
    assert cfg.weights["road"] == 2 and cfg.weights["flat"] == 0.30
    assert "basic_farmland" in cfg.soft_constraints
    with raises_said(PlanFileError, "unknown keys"):
        assess.load_config({"slope_deg": 8})
    with raises_said(PlanFileError, "unknown hard"):
        assess.load_config({"hard_constraints": ["swamp"]})


def test_report_has_everything_for_one_page(ctx, dem):
    cfg = assess.AssessConfig()
    result = run(ctx, dem, [HALF, box(X0 + 2805, Y0 + 1000, X0 + 3200, Y0 + 1300)], ["a", "b"])
    rep = assess.report(result.reset_index(drop=True), "C1", cfg, "en")
    assert rep["name"] == "a" and rep["of"] == 2
    assert rep["title"].endswith(": a")
    labels = dict(rep["figures"])
    assert labels["Area (mu)"] == "750.0"
    # only the constraints a candidate touches are listed
    assert any("farmland" in k.lower() for k in labels)
    assert not any("flood" in k.lower() or "water" in k.lower() for k in labels)
    assert rep["breakdown"][-1]["points"] == pytest.approx(rep["score"])
    assert [c["key"] for c in rep["constraints_hit"]] == ["basic_farmland"]
    assert rep["constraints_hit"][0]["hard"] and rep["constraints_hit"][0]["share"] == pytest.approx(0.5)
    assert rep["geometry"].geom_type == "Polygon"
    assert rep["geometry_metric"].area == pytest.approx(HALF.area)
    with pytest.raises(assess.CandidateError):
        assess.report(result, "nope", cfg)


def test_comparison_table_and_records(ctx, dem):
    cfg = assess.AssessConfig()
    result = run(ctx, dem, [HALF], ["甲"]).reset_index(drop=True)
    table = assess.comparison_table(result, "zh", cfg)
    assert list(table.columns) == ["甲"]
    assert table.loc["面积（亩）", "甲"] == "750.0"
    assert table.loc["永久基本农田占比", "甲"] == "50%"
    rec = assess.to_records(result, cfg, "en")[0]
    assert rec["basic_farmland_share"] == pytest.approx(0.5)
    assert rec["geometry"]["type"] == "Polygon"
    assert isinstance(pd.Series(rec).to_json(), str)


def test_dem_in_another_crs_is_reprojected_and_said(ctx, tmp_path):
    native = write_dem(tmp_path / "native.tif", width_m=4000)
    geo_path = tmp_path / "dem4490.tif"
    with rasterio.open(native) as src:
        transform, width, height = rasterio.warp.calculate_default_transform(
            src.crs, "EPSG:4490", src.width, src.height, *src.bounds)
        out = np.full((height, width), -9999.0, dtype=np.float32)
        rasterio.warp.reproject(rasterio.band(src, 1), out, dst_transform=transform, dst_crs="EPSG:4490",
                                dst_nodata=-9999.0)
        with rasterio.open(geo_path, "w", driver="GTiff", height=height, width=width, count=1,
                           dtype="float32", crs="EPSG:4490", transform=transform, nodata=-9999.0) as dst:
            dst.write(out, 1)
    r = run(ctx, str(geo_path), [HALF]).iloc[0]
    assert "assess.note.dem_reprojected" in [n.key for n in r["notes"]]
    assert r["slope_mean"] == pytest.approx(ANGLE, abs=0.3)
    assert "EPSG:4490" in assess.notes_text(r, "en")[-1]


def test_read_candidates_from_a_geopackage_through_the_importer(ctx, dem, tmp_path):
    path = tmp_path / "cands.gpkg"
    gdf = gpd.GeoDataFrame({"编号": ["A-1", "A-2"], "名称": ["东片", "西片"]},
                           geometry=[HALF, box(X0 + 5100, Y0 + 1500, X0 + 5900, Y0 + 1900)], crs=CRS)
    gdf.to_crs("EPSG:4490").to_file(path, layer="candidates", driver="GPKG")
    cands = assess.read_candidates(path)
    assert list(cands["candidate_id"]) == ["A-1", "A-2"]
    assert list(cands["name"]) == ["东片", "西片"]
    result = assess.assess(cands, ctx, dem).set_index("candidate_id")
    assert result.loc["A-1", "basic_farmland_share"] == pytest.approx(0.5, abs=1e-6)
    assert result.loc["A-2", "inside_platform"]


def test_unnamed_placemarks_get_numbered_names_and_ids_stay_unique(tmp_path):
    kml = tmp_path / "gaode.kml"
    poly = ("<Polygon><outerBoundaryIs><LinearRing><coordinates>120.10,28.60 120.11,28.60 "
            "120.11,28.61 120.10,28.60</coordinates></LinearRing></outerBoundaryIs></Polygon>")
    marks = "".join(f"<Placemark>{name}{poly}</Placemark>"
                    for name in ("<name>东区</name>", "", "<name> </name>"))
    kml.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                   f"<Document>{marks}</Document></kml>", encoding="utf-8")
    cands = assess.read_candidates(kml)
    assert list(cands["name"]) == ["东区", "候选 2", "候选 3"]
    assert cands["candidate_id"].is_unique


def test_a_site_on_the_red_line_is_shown_excluded_not_negative(ctx, dem):
    r = run(ctx, dem, [box(X0 + 8200, Y0 + 8200, X0 + 8800, Y0 + 8800)]).iloc[0]
    assert r["excluded"] and r["score"] == 0 and r["buildable_mu"] == pytest.approx(0)
    table = assess.breakdown_table(r, assess.AssessConfig(), "en")
    assert table.iloc[-1]["Points"] == "Excluded: 0.0"
    assert not any(str(p).startswith("-") for p in table["Points"])
    hits = assess.constraints_hit(r, assess.AssessConfig(), "en")
    red = next(h for h in hits if h["key"] == "eco_redline")  # the exclusion, with its area
    assert red["hard"] and red["share"] == pytest.approx(1.0) and red["mu"] == pytest.approx(540)


def test_a_gaode_kml_is_assessed_where_the_sites_really_are(tmp_path):
    from shapely.geometry import Polygon

    from geo import gcj02

    true = Polygon([(120.100, 28.600), (120.110, 28.600), (120.110, 28.610), (120.100, 28.610)])
    lon, lat = gcj02.wgs84_to_gcj02(*map(np.array, zip(*true.exterior.coords, strict=True)))
    coords = " ".join(f"{x:.8f},{y:.8f}" for x, y in zip(lon, lat, strict=True))
    kml = tmp_path / "gaode.kml"
    kml.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                   "<Document><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>"
                   f"{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
                   "</Document></kml>", encoding="utf-8")
    as_drawn = assess.read_candidates(kml)
    corrected = assess.read_candidates(kml, gcj02=True)
    metric = lambda g: gpd.GeoSeries([g], crs="EPSG:4490").to_crs("EPSG:4549").iloc[0]  # noqa: E731
    truth = metric(true)
    assert metric(corrected.geometry.iloc[0]).hausdorff_distance(truth) < 1.0  # to 1 m
    assert metric(as_drawn.geometry.iloc[0]).hausdorff_distance(truth) > 300  # ~550 m off
    assert corrected["name"].iloc[0] == "候选 1"


def test_land_already_in_use_is_not_buildable(ctx, dem):
    # a site over the existing parcel (X0+2500..2800, Y0+1000..1300) and free land around it
    site = box(X0 + 2400, Y0 + 900, X0 + 2950, Y0 + 1500)
    r = run(ctx, dem, [site]).iloc[0]
    taken_mu = box(X0 + 2500, Y0 + 1000, X0 + 2800, Y0 + 1300).area / (10000 / 15)  # 135 mu
    assert r["in_use_mu"] == pytest.approx(taken_mu, abs=0.01)
    # nothing else excludes any of it here: net buildable = gross - in use, to 0.01 mu
    assert r["area_mu"] - r["in_use_mu"] == pytest.approx(r["buildable_mu"], abs=0.01)
    assert r["buildable_share"] == pytest.approx(1 - taken_mu / r["area_mu"], abs=1e-4)


def test_ties_are_broken_by_buildable_area_then_slope():
    df = pd.DataFrame({"score": [80.04, 80.01, 80.0, 95.0, np.nan],
                       "buildable_mu": [900.0, 1200.0, 1200.0, 100.0, 5000.0],
                       "slope_mean": [3.0, 6.0, 4.0, 9.0, 1.0]}, index=list("abcde"))
    # a, b, c all show 80.0: the larger buildable area first, then the gentler slope
    assert assess.rank_candidates(df).to_dict() == {"d": 1, "c": 2, "b": 3, "a": 4, "e": 5}


def test_comparison_marks_the_best_and_sensitivity_moves_ranks():
    """Two made-up candidates: A flat but far from roads, B steeper but by a road. With the
    weights as they are A wins; 10 more points on roads make B win."""
    cfg = assess.AssessConfig(weights={"flat": 0.3, "road": 0.2, "industry": 0.2,
                                       "platform": 0.15, "constraints": 0.15})
    rates = {"A": {"flat": 1.0, "road": 0.0, "industry": 0.5, "platform": 0.5, "constraints": 1.0},
             "B": {"flat": 0.3, "road": 1.0, "industry": 0.5, "platform": 0.5,
                   "constraints": 1.0}}
    shares = cfg.weight_shares()
    rows = []
    for name, r in rates.items():
        suit = sum(100 * shares[c] * r[c] for c in assess.CRITERIA)
        rows.append({"name": name, **{f"c_{c}": r[c] for c in assess.CRITERIA},
                     "buildable_share": 1.0, "buildable_mu": 100.0, "slope_mean": 1.0,
                     "score": suit})
    df = pd.DataFrame(rows)
    df["rank"] = assess.rank_candidates(df)
    # A: 30 + 0 + 10 + 7.5 + 15 = 62.5; B: 9 + 20 + 10 + 7.5 + 15 = 61.5
    assert df["score"].round(1).tolist() == [62.5, 61.5] and df["rank"].tolist() == [1, 2]
    sens = assess.sensitivity(df, cfg).set_index("name")
    assert set(sens.columns) >= {"rank", "road+", "road-", "flat+", "flat-"}
    assert sens.loc["B", "road+"] == 1 and sens.loc["A", "flat+"] == 1
    best = assess.best_of(df["score"], "score")
    assert best.tolist() == [True, False]
    assert not assess.best_of(pd.Series([5.0, 5.0]), "score").any()  # a tie of all: no mark
    assert not assess.best_of(df["score"], "area_mu").any()  # a neutral figure


def test_a_saved_candidate_set_reopens_with_its_weights_and_is_in_the_history(tmp_path):
    from geo import store
    from tests.fixtures import tiny_layers

    path = store.write_store(tmp_path / "s.gpkg", tiny_layers(), meta={"demo": "0"})
    s = store.Store(path)
    cands = gpd.GeoDataFrame({"candidate_id": ["C1", "C2"], "name": ["东块", "候选 2"]},
                             geometry=[box(120.0, 28.6, 120.01, 28.61),
                                       box(120.02, 28.6, 120.03, 28.61)], crs="EPSG:4490")
    cfg = assess.AssessConfig(weights={"flat": 50, "road": 20, "industry": 10, "platform": 10,
                                       "constraints": 10})
    assess.save_set(s, "第一次会议", cands, cfg, user="王工")
    s = store.Store(path)
    assert assess.saved_sets(s) == ["第一次会议"]
    back, weights, _hard = assess.load_set(s, "第一次会议")
    assert back["name"].tolist() == ["东块", "候选 2"]
    assert back.geometry.iloc[0].equals(cands.geometry.iloc[0])  # the same shape, as Multi
    assert weights["flat"] == pytest.approx(0.5)
    audit = s.audit
    assert (audit.iloc[-1]["layer"], audit.iloc[-1]["feature_id"], audit.iloc[-1]["user"]) == \
        ("candidate_sets", "第一次会议", "王工")
    assess.save_set(s, "第一次会议", cands.iloc[:1], cfg, user="王工")  # saved again: replaced
    assert len(store.Store(path)["candidate_sets"]) == 1


def test_the_comparison_of_real_candidates_marks_best_values(ctx, dem):
    sites = [box(X0 + 2400, Y0 + 900, X0 + 2950, Y0 + 1500), box(X0 + 200, Y0 + 200, X0 + 700,
                                                                    Y0 + 700)]
    result = run(ctx, dem, sites)
    table = assess.comparison_table(result, "zh", assess.AssessConfig())
    marked = table.apply(lambda col: col.str.endswith(assess.BEST_MARK)).sum().sum()
    assert marked >= 1  # the score row at least
    score_row = table.loc[assess.figure_label("assess.fig.score", None, "zh")]
    assert score_row.str.endswith(assess.BEST_MARK).sum() == 1
    sens = assess.sensitivity(result, assess.AssessConfig())
    assert len(sens) == 2 and set(sens["rank"]) == {1, 2}

"""``python -m geo assess`` and ``find-sites`` on the demo store."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from geo import cli, settings, store


@pytest.fixture(scope="module")
def candidates_file(demo_store, tmp_path_factory):
    platforms = store.read_layer(demo_store, "platforms").to_crs("EPSG:4549")
    c = platforms.geometry.iloc[0].centroid
    square = shapely.box(c.x - 300, c.y - 300, c.x + 300, c.y + 300)
    bow = shapely.Polygon([(c.x, c.y), (c.x + 400, c.y + 400), (c.x + 400, c.y), (c.x, c.y + 400)])
    far = shapely.box(0, 0, 100, 100)
    gdf = gpd.GeoDataFrame({"名称": ["方块", "蝴蝶", "远处"]}, geometry=[square, bow, far],
                           crs="EPSG:4549").to_crs("EPSG:4490")
    path = tmp_path_factory.mktemp("cands") / "cands.geojson"
    gdf.to_file(path)
    ok = path.with_name("ok.geojson")
    gdf.iloc[:2].to_file(ok)
    return path, ok


def test_assess_prints_every_figure_as_json(candidates_file, demo_store, capsys):
    _, ok = candidates_file
    dem = settings.dem_path(demo_store)
    code = cli.main(["assess", str(ok), "--store", str(demo_store), "--dem", str(dem), "--json",
                     "--lang", "en"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    names = {c["name"] for c in out["candidates"]}
    assert names == {"方块", "蝴蝶"}
    square = next(c for c in out["candidates"] if c["name"] == "方块")
    assert square["area_mu"] == pytest.approx(600 * 600 / (10000 / 15), rel=1e-3)
    for key in ("elev_mean", "slope_mean", "basic_farmland_share", "dist_road_county_m", "buildable_mu",
                "score", "rank", "touches_industrial", "inside_platform"):
        assert key in square
    assert set(square["criteria"]) == {"flat", "road", "industry", "platform", "constraints"}
    bow = next(c for c in out["candidates"] if c["name"] == "蝴蝶")
    assert any("repaired" in n for n in bow["notes"])


def test_assess_table_and_refused_candidate(candidates_file, demo_store, capsys):
    path, _ = candidates_file
    code = cli.main(["assess", str(path), "--store", str(demo_store), "--weights", "road=1,flat=0"])
    captured = capsys.readouterr()
    assert code == 3  # one candidate refused, the others printed
    assert "远处" in captured.err and "县界外" in captured.err
    assert "面积（亩）" in captured.out and "评分卡：方块" in captured.out


def test_bad_weights_are_refused(candidates_file, demo_store, capsys):
    _, ok = candidates_file
    assert cli.main(["assess", str(ok), "--store", str(demo_store), "--weights", "wind=2",
                     "--lang", "en"]) == 2
    assert "unknown criteria" in capsys.readouterr().err


def test_find_sites_json(demo_store, capsys):
    code = cli.main(["find-sites", "--store", str(demo_store), "--min-mu", "200", "--top", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(out["candidates"]) == 2
    assert all(c["area_mu"] >= 200 for c in out["candidates"])
    assert out["min_mu"] == 200

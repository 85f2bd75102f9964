"""County-wide suitability surface and "find sites" on the hand-made world of test_assess."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

from geo import assess, suitability, terrain
from geo.units import M2_PER_MU
from tests.geo.test_assess import X0, Y0, world, write_dem


@pytest.fixture(scope="module")
def ctx():
    return assess.build_context(world())


@pytest.fixture(scope="module")
def dem(tmp_path_factory):
    path = write_dem(tmp_path_factory.mktemp("sdem") / "dem.tif", width_m=10_000)
    return terrain.read_dem(path)


@pytest.fixture(scope="module")
def surf(ctx, dem):
    return suitability.surface(ctx, dem, res_m=50)


def cell_value(s: suitability.Surface, arr: np.ndarray, x: float, y: float):
    col, row = ~s.transform @ (x, y)
    return arr[int(row), int(col)]


def test_surface_grid_and_exclusions(surf):
    assert surf.res == 50
    assert surf.score.shape == (200, 200)
    # farmland (hard) -> excluded, score 0
    assert cell_value(surf, surf.excluded, X0 + 1500, Y0 + 2000)
    assert cell_value(surf, surf.score, X0 + 1500, Y0 + 2000) == 0
    # flood strip (soft) -> not excluded, constraints criterion 0
    assert not cell_value(surf, surf.excluded, X0 + 4100, Y0 + 5500)
    assert cell_value(surf, surf.criteria["constraints"], X0 + 4100, Y0 + 5500) == 0


def test_surface_cell_matches_the_formula(surf):
    x, y = X0 + 3525, Y0 + 6525  # a cell centre 525 m east of the expressway
    cfg = assess.AssessConfig()
    w = cfg.weight_shares()
    road = 1 - 525 / cfg.road_reach_m
    industry = 1 - math.hypot(3525 - 2800, 6525 - 1300) / cfg.industry_reach_m
    platform = 1 - math.hypot(5000 - 3525, 6525 - 2000) / cfg.platform_reach_m
    expected = 100 * (w["flat"] * 1 + w["road"] * road + w["industry"] * max(industry, 0)
                      + w["platform"] * platform + w["constraints"] * 1)
    # distances run between cell centres, so allow about one cell of difference
    assert cell_value(surf, surf.score, x, y) == pytest.approx(expected, abs=100 * 50 / 3000)


def test_steep_land_is_excluded(ctx, tmp_path):
    steep = terrain.read_dem(write_dem(tmp_path / "steep.tif", width_m=10_000, angle=30))
    s = suitability.surface(ctx, steep, res_m=100)
    inside = np.isfinite(s.score)
    assert inside.any()
    assert s.excluded[inside].all()
    assert np.nanmax(s.score) == 0


def test_find_sites_returns_polygons_of_at_least_min_mu(ctx, dem, surf):
    result = suitability.find_sites(ctx, dem, min_mu=300, top=3, surf=surf)
    assert 1 <= len(result) <= 3
    hard = ctx.hard_union(assess.AssessConfig())
    metric = result.to_crs("EPSG:4549")
    for _, row in metric.iterrows():
        assert row["area_mu"] >= 300 - 1e-6
        assert row["area_mu"] <= 300 * 1.6  # carved down to about the size asked for
        assert row.geometry.intersection(hard).area == pytest.approx(0, abs=1)
        assert row["score"] > 0
    # sites do not overlap each other
    geoms = list(metric.geometry)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert geoms[i].intersection(geoms[j]).area == 0
    # the best site beats the average cell
    assert result["surface_mean"].max() > np.nanmean(surf.score)
    # and says where it stands in the county, in the order of the scores
    by_score = result.sort_values("score", ascending=False)["county_percentile"]
    assert by_score.between(0, 100).all() and by_score.is_monotonic_decreasing
    cells = surf.score[np.isfinite(surf.score) & ~surf.excluded]
    best = result.loc[result["score"].idxmax()]
    assert best["county_percentile"] == pytest.approx(100 * (cells < best["score"]).mean())


def test_find_sites_too_large_finds_nothing(ctx, dem, surf):
    county_mu = 10_000 * 10_000 / M2_PER_MU
    result = suitability.find_sites(ctx, dem, min_mu=county_mu, top=2, surf=surf)
    assert result.empty


def test_sites_avoid_existing_parcels(ctx, dem, surf):
    result = suitability.find_sites(ctx, dem, min_mu=100, top=4, surf=surf).to_crs("EPSG:4549")
    parcel = ctx.parcels.geometry.iloc[0]
    for g in result.geometry:
        assert g.intersection(parcel).area < 0.5 * parcel.area


def test_overlay_is_in_web_mercator_bounds(surf):
    data, (south, west, north, east) = suitability.to_web(surf, max_px=100)
    assert max(data.shape) <= 100
    assert south < north and west < east
    assert 119.9 < west < 120.1 and 28.5 < south < 28.6
    assert np.nanmin(data) == -1  # excluded cells are marked
    center = shapely.Point((west + east) / 2, (south + north) / 2)
    assert center.x == pytest.approx(120.05, abs=0.1)

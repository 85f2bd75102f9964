import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo import units
from geo.demo import load_boundary
from geo.errors import CRSError
from tests.geo.said import raises_said


def test_mu_is_exactly_ten_thousand_fifteenths_of_m2():
    assert units.M2_PER_MU == 10000 / 15
    assert units.m2_to_mu(10000) == pytest.approx(15.0)
    assert units.mu_to_m2(1.5) == pytest.approx(1000.0)


def test_area_mu_of_a_known_square_in_metric_crs():
    sq = gpd.GeoSeries([box(500000, 3170000, 500100, 3170100)], crs="EPSG:4549")
    assert units.area_mu(sq).iloc[0] == pytest.approx(15.0)
    assert units.area_mu(sq).name == "area_mu"


def test_area_refuses_geometries_without_crs():
    with raises_said(CRSError, "no CRS"):
        units.area_mu(gpd.GeoSeries([box(0, 0, 1, 1)]))


def test_planar_area_agrees_with_geodesic_within_a_tenth_of_a_percent_across_the_county():
    county = load_boundary().geometry.iloc[0]
    minx, miny, maxx, maxy = county.bounds
    # 1 km cells on a 5 km lattice over the whole county, in EPSG:4549
    cells = [box(x, y, x + 1000, y + 1000) for x in np.arange(minx, maxx, 5000)
             for y in np.arange(miny, maxy, 5000)]
    grid = gpd.GeoSeries(cells, crs="EPSG:4549")
    grid = grid[grid.intersects(county)]
    planar = units.area_mu(grid)
    geodesic = units.geodesic_area_mu(grid)
    assert len(grid) > 40
    assert np.max(np.abs(planar / geodesic - 1)) < 0.001


def test_parcels_of_the_demo_agree_with_geodesic_area(demo_store):
    from geo import store

    parcels = store.read_layer(demo_store, "parcels").sample(300, random_state=1)
    ratio = units.area_mu(parcels) / units.geodesic_area_mu(parcels)
    assert ratio.between(0.999, 1.001).all()


@pytest.mark.parametrize(("value", "unit", "m2"), [(1, "亩", 10000 / 15), (2, "公顷", 20000),
                                                   (5, "平方米", 5), (3, "mu", 2000)])
def test_area_units(value, unit, m2):
    assert units.area_to_m2(value, unit) == pytest.approx(m2)


def test_money_units():
    assert units.money_to_10k_yuan(25000, "元") == pytest.approx(2.5)
    assert units.money_to_10k_yuan(2.5, "万元") == 2.5
    with raises_said(ValueError, "Unknown money unit"):
        units.money_to_10k_yuan(1, "美元")

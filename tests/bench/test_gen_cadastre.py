"""The synthetic cadastre generator (bench/gen_cadastre.py) on 2,000 parcels."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from bench import gen_cadastre
from geo import demo, schema, store
from geo.units import area_mu

N = 2_000


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return gen_cadastre.generate(N, seed=11)


def test_exact_count_unique_ids_and_schema(parcels):
    assert len(parcels) == N
    assert parcels["parcel_id"].is_unique
    assert schema.validate("parcels", parcels) == []
    # every stage a land bureau records ("unverified" is what an import without stages gives)
    assert set(parcels["lifecycle"]) == set(schema.ENUMS["lifecycle"]) - {"unverified"}


def test_areas_between_0_3_and_30_mu_in_epsg4549(parcels):
    mu = area_mu(parcels.to_crs("EPSG:4490"))  # measured again from stored coordinates
    assert mu.min() >= 0.3 - 1e-3
    assert mu.max() <= 30 + 1e-3
    # a real spread, not one size: small plots and large factories both occur
    assert mu.quantile(0.1) < 1.5
    assert mu.quantile(0.95) > 8


def test_inside_the_county_and_valid(parcels):
    county = demo.load_boundary().geometry.iloc[0]
    assert parcels.geometry.within(county).all()
    assert parcels.geometry.is_valid.all()
    assert (parcels.geom_type == "Polygon").all()


def test_irregular_shapes(parcels):
    vertices = shapely.get_num_coordinates(parcels.geometry.to_numpy())
    assert np.median(vertices) >= 8  # Voronoi cells bent along 20 m segments, not boxes
    compact = 4 * np.pi * parcels.area / parcels.length**2
    assert compact.std() > 0.03


def test_contiguous_no_overlap_and_edges_shared_across_the_gap(parcels):
    geoms = parcels.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    overlap = tree.query(geoms, predicate="overlaps")
    assert overlap.shape[1] == 0
    # every parcel has a neighbour across a 2 m gap or an 8 m road
    near = tree.query(geoms, predicate="dwithin", distance=gen_cadastre.ROAD_M + 0.5)
    others = near[:, near[0] != near[1]]
    assert len(np.unique(others[0])) == N
    # neighbours share their edges: most of a parcel's outline runs 2 m from another parcel
    sample = np.arange(0, N, 10)
    shared = []
    for i in sample:
        nb = tree.query(geoms[i], predicate="dwithin", distance=gen_cadastre.PARCEL_GAP_M + 0.3)
        nb = nb[nb != i]
        zone = shapely.union_all(shapely.buffer(geoms[nb], gen_cadastre.PARCEL_GAP_M + 0.3))
        outline = shapely.boundary(geoms[i])
        shared.append(shapely.intersection(outline, zone).length / outline.length)
    assert np.median(shared) > 0.7


def test_deterministic_by_seed():
    a = gen_cadastre.generate(300, seed=5)
    b = gen_cadastre.generate(300, seed=5)
    c = gen_cadastre.generate(300, seed=6)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), tolerance=0).all()
    assert not shapely.equals_exact(a.geometry.to_numpy()[:50], c.geometry.to_numpy()[:50],
                                    tolerance=1e-6).all()


def test_refuses_tiny_n():
    with pytest.raises(ValueError, match="at least 10"):
        gen_cadastre.generate(3)


def test_build_store_writes_a_full_demo_store(tmp_path):
    path = gen_cadastre.build_store(600, tmp_path / "cad.gpkg", seed=2)
    layers = store.read_all(path)
    assert len(layers["parcels"]) == 600
    assert store.read_meta(path)["demo"] == "1"
    ids = set(layers["parcels"]["parcel_id"])
    assert set(layers["land_sales"]["parcel_id"]) <= ids
    assert set(layers["cases"]["parcel_id"]) <= ids
    assert set(layers["enterprises"]["parcel_id"].dropna()) <= ids
    assert len(layers["parks"]) == 17  # the demo's other layers come along

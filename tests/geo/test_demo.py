"""The demo generator: deterministic, plausible, and labelled as synthetic everywhere."""

import numpy as np
import pytest
import rasterio
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geo import demo, schema, settings, store, units


@pytest.fixture(scope="module")
def demo_layers(demo_store):
    return store.read_all(demo_store)


def test_two_runs_give_identical_layers_and_dem(tmp_path, demo_store):
    again = demo.build(tmp_path / "again.gpkg")
    for name in schema.LAYERS:
        a = store.read_layer(demo_store, name)
        b = store.read_layer(again.store, name)
        if name == "meta":
            a, b = a[a["key"] != "dem"], b[b["key"] != "dem"]
            assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
        elif schema.LAYERS[name].geometry:
            assert_geodataframe_equal(a, b, check_less_precise=False)
        else:
            assert_frame_equal(a, b)
    with rasterio.open(settings.dem_path(demo_store)) as x, rasterio.open(again.dem) as y:
        assert np.array_equal(x.read(1), y.read(1))
        assert x.transform == y.transform


def test_layers_fit_the_schema_and_are_marked_synthetic(demo_layers):
    for name, df in demo_layers.items():
        if name in ("meta", "county"):
            continue
        assert schema.validate(name, df) == [], name
        if name in ("users", "candidate_sets"):  # no account (no sign-in), no saved set yet:
            assert df.empty                       # no row to mark
            continue
        assert (df["demo_marker"] == settings.DEMO_MARKER).all(), name
    meta = dict(zip(demo_layers["meta"]["key"], demo_layers["meta"]["value"], strict=True))
    assert meta["demo"] == "1"


def test_county_is_the_real_boundary(demo_layers):
    county = demo_layers["county"]
    area_km2 = units.area_mu(county).iloc[0] / 1500
    assert area_km2 == pytest.approx(1498.5, abs=1.0)  # shared/data/README.md
    assert county["adcode"].iloc[0] == "331122"


def test_parks_match_the_plan_scale(demo_layers):
    parks = demo_layers["parks"]
    assert len(parks) == 17
    assert parks["planned_area_mu"].sum() == pytest.approx(1500, rel=0.02)
    assert parks["floor_area_m2"].sum() == pytest.approx(2_000_000, rel=0.03)
    assert parks["status"].nunique() == 4
    # the mapped outlines are the planned size, give or take a tenth
    ratio = units.area_mu(parks) / parks["planned_area_mu"]
    assert ratio.between(0.85, 1.15).all()


def test_parcels_enterprises_and_sales(demo_layers):
    parcels, county = demo_layers["parcels"], demo_layers["county"]
    assert len(parcels) >= 2000
    assert parcels.within(county.geometry.iloc[0].buffer(1e-6)).all()
    mu = units.area_mu(parcels)
    assert mu.min() >= 0.3 and mu.max() <= 30
    assert parcels["parcel_id"].is_unique
    ents = demo_layers["enterprises"]
    assert len(ents) >= 500
    figures = demo_layers["enterprise_figures"]
    years = figures.groupby("enterprise_id")["year"].nunique()
    assert (years >= 3).all() and set(figures["year"]) >= {2019, 2020, 2021}
    sales = demo_layers["land_sales"]
    assert set(sales["sale_date"].dt.year) == {2019, 2020, 2021}
    assert sales["parcel_id"].isin(parcels["parcel_id"]).all()


def test_constraints_cover_every_kind(demo_layers):
    kinds = set(demo_layers["constraints"]["kind"])
    assert kinds == set(schema.ENUMS["constraint_kind"])


def test_dem_is_hilly_like_jinyun(demo_store):
    with rasterio.open(settings.dem_path(demo_store)) as src:
        assert src.crs.to_epsg() == 4549
        assert src.res == (30.0, 30.0)
        dem = src.read(1, masked=True)
        towns = store.read_layer(demo_store, "towns").to_crs(4549)
        key = towns[towns["key_industrial"]]
        floors = [v[0] for v in src.sample(zip(key.geometry.x, key.geometry.y, strict=True))]
    assert dem.max() > 1000
    assert 100 <= np.median(floors) <= 220
    assert dem.min() >= 80

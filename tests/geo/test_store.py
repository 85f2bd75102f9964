import hashlib

import geopandas as gpd
import pandas as pd
import pytest

from geo import schema, store, units
from geo.errors import SchemaError, StoreError
from tests.fixtures import tiny_layers
from tests.geo.said import raises_said


def _hash(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_store(tmp_path):
    return store.write_store(tmp_path / "tiny.gpkg", tiny_layers(), meta={"demo": "0"})


def test_round_trip_keeps_values_dates_and_crs(tiny_store):
    parks = store.read_layer(tiny_store, "parks")
    original = tiny_layers()["parks"].to_crs("EPSG:4490")
    assert parks.crs == "EPSG:4490"
    assert list(parks["park_id"]) == ["P1", "P2", "P3", "P4"]
    assert parks["completion_date"].iloc[2] == pd.Timestamp("2020-12-01")
    assert pd.isna(parks["start_date"].iloc[0])
    assert parks["platform_id"].iloc[2] is None
    assert list(parks["is_smart"]) == [False, False, False, True]
    # stored as MultiPolygon in EPSG:4490; the same shapes, so the same areas to 1e-6 mu
    assert (units.area_mu(parks) - units.area_mu(original)).abs().max() < 1e-6
    assert parks.geom_type.eq("MultiPolygon").all()
    sales = store.read_layer(tiny_store, "land_sales")
    assert isinstance(sales, pd.DataFrame) and not isinstance(sales, gpd.GeoDataFrame)
    assert list(sales["sale_id"]) == ["S1", "S2", "S3"]


def test_meta_records_schema_version(tiny_store):
    meta = store.check_store(tiny_store)
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION)
    assert not store.is_demo(tiny_store)


def test_missing_file_is_named(tmp_path):
    with raises_said(StoreError, r"nothere.gpkg: file not found"):
        store.check_store(tmp_path / "nothere.gpkg")


def test_a_file_that_is_not_a_geopackage(tmp_path):
    f = tmp_path / "notes.gpkg"
    f.write_text("hello", encoding="utf-8")
    with raises_said(StoreError, "notes.gpkg: not a GeoPackage"):
        store.check_store(f)


# a store of another schema version, or missing a table: tests/geo/test_team_store.py (both stores)


def test_a_layer_that_breaks_the_schema_changes_nothing(tiny_store):
    before = _hash(tiny_store)
    bad = tiny_layers()["parks"].assign(status="demolished")
    with raises_said(SchemaError, r"parks.status: values demolished not in"):
        store.replace_layers(tiny_store, {"parks": bad})
    assert _hash(tiny_store) == before


def test_a_failure_half_way_through_a_write_leaves_the_file_as_it_was(tiny_store, monkeypatch):
    before = _hash(tiny_store)
    layers = tiny_layers()
    written = []
    real_write = store._write_layer

    def write_then_crash(target, name, df):
        if written:  # the first layer is written to the shadow copy, then the disk "fails"
            raise OSError("disk full")
        written.append(name)
        real_write(target, name, df)

    monkeypatch.setattr(store, "_write_layer", write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        store.replace_layers(tiny_store, {"parks": layers["parks"].iloc[:1],
                                          "parcels": layers["parcels"].iloc[:1]})
    assert written == ["parks"]
    assert _hash(tiny_store) == before
    assert list(tiny_store.parent.glob(".tiny-*")) == []


def test_replace_layers_writes(tiny_store):
    layers = tiny_layers()
    store.replace_layers(tiny_store, {"parks": layers["parks"].iloc[:2]})
    assert len(store.read_layer(tiny_store, "parks")) == 2
    assert len(store.read_layer(tiny_store, "parcels")) == 10


def test_transaction_rolls_back_on_error(tiny_store):
    before = _hash(tiny_store)
    with pytest.raises(RuntimeError), store.transaction(tiny_store) as con:
        con.execute("UPDATE parks SET status = 'operating' WHERE park_id = 'P1'")
        raise RuntimeError("refused")
    assert _hash(tiny_store) == before
    with store.transaction(tiny_store) as con:
        con.execute("UPDATE parks SET status = 'operating' WHERE park_id = 'P1'")
    assert store.read_layer(tiny_store, "parks")["status"].iloc[0] == "operating"

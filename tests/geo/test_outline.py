"""Reshaping an outline on both stores: the new outline lands with its history row (the old
outline kept), areas follow, a bad outline or a stale save changes nothing, an undo puts the
old outline back, and the as-of view draws the outline as it was."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box, mapping

from geo import asof, edits, outline, store, units
from geo.errors import ValidationError
from tests.fixtures import CRS, X0, Y0, tiny_layers
from tests.geo.conftest import same_snapshot, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 30, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["gpkg", "postgis"])
def tiny(request, tmp_path):
    location = (tmp_path / "tiny.gpkg" if request.param == "gpkg"
                else request.getfixturevalue("pg_url"))
    return store.write_store(location, tiny_layers(), meta={"demo": "0"})


def lonlat(geom):
    """A shape drawn in metres (EPSG:4549) as the browser sends it: lon/lat."""
    return gpd.GeoSeries([geom], crs=CRS).to_crs("EPSG:4490").iloc[0]


def _mu(location, fid="P1") -> float:
    parks = store.read_layer(location, "parks")
    return float(units.area_mu(parks[parks["park_id"] == fid]).iloc[0])


def test_a_reshaped_outline_lands_with_its_history_and_the_area_follows(tiny):
    assert _mu(tiny) == pytest.approx(15.0, abs=0.01)  # 100 m x 100 m
    seen = edits.feature_version(store.read_layer(tiny, "audit"), "parks", "P1")
    bigger = lonlat(box(X0, Y0, X0 + 200, Y0 + 100))  # 30 mu
    rows = outline.apply_outline_edit(tiny, "parks", "P1", bigger, user="王工", now=NOW,
                                      expected_version=seen)
    assert _mu(tiny) == pytest.approx(30.0, abs=0.01)
    audit = store.read_layer(tiny, "audit")
    last = audit[audit["audit_id"].astype(int) == int(rows["audit_id"].iloc[0])].iloc[0]
    assert (last["user"], last["layer"], last["feature_id"], last["field"]) == \
        ("王工", "parks", "P1", "geometry")
    assert outline.area_of_wkt(last["old_value"]) == pytest.approx(15.0, abs=0.01)
    assert outline.area_of_wkt(last["new_value"]) == pytest.approx(30.0, abs=0.01)
    # other parks untouched
    assert _mu(tiny, "P2") == pytest.approx(15.0, abs=0.01)


def test_a_stale_outline_save_is_refused_naming_who_changed_what(tiny):
    seen = edits.feature_version(store.read_layer(tiny, "audit"), "parks", "P1")
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 2}, user="李工", now=NOW)
    before = snapshot(tiny)
    with pytest.raises(edits.StaleEditError) as info:
        outline.apply_outline_edit(tiny, "parks", "P1", lonlat(box(X0, Y0, X0 + 150, Y0 + 100)),
                                   user="王工", now=NOW, expected_version=seen)
    assert "李工" in info.value.text("zh")
    assert same_snapshot(before, snapshot(tiny))


@pytest.mark.parametrize("shape, problem", [
    (Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)]), "自相交"),
    (box(X0, Y0, X0 + 5, Y0 + 5), "小于"),
    (box(X0 + 50_000, Y0, X0 + 50_100, Y0 + 100), "县界外"),
])
def test_a_bad_outline_is_refused_and_nothing_changes(tiny, shape, problem):
    before = snapshot(tiny)
    with pytest.raises(ValidationError) as info:
        outline.apply_outline_edit(tiny, "parks", "P1", lonlat(shape), user="王工", now=NOW)
    assert problem in info.value.text("zh") and "P1" in info.value.text("zh")
    assert "not saved" in info.value.text("en")
    assert same_snapshot(before, snapshot(tiny))


def test_a_viewer_or_an_unknown_feature_cannot_reshape(tiny):
    with pytest.raises(ValidationError, match="P9"):
        outline.apply_outline_edit(tiny, "parks", "P9", lonlat(box(X0, Y0, X0 + 100, Y0 + 100)),
                                   user="王工", now=NOW)
    with pytest.raises(ValidationError):
        outline.check_outline("parcels", "T1", lonlat(box(X0, Y0, X0 + 100, Y0 + 100)), None)


def test_undo_puts_the_old_outline_back(tiny):
    rows = outline.apply_outline_edit(tiny, "parks", "P1", lonlat(box(X0, Y0, X0 + 200, Y0 + 100)),
                                      user="王工", now=NOW)
    undone = edits.revert(tiny, rows["audit_id"].tolist(), user="王工", now=NOW)
    assert list(undone["field"]) == ["geometry"]
    assert _mu(tiny) == pytest.approx(15.0, abs=0.01)


def test_the_as_of_view_draws_the_outline_as_it_was(tiny):
    outline.apply_outline_edit(tiny, "parks", "P1", lonlat(box(X0, Y0, X0 + 200, Y0 + 100)),
                               user="王工", now=NOW, effective=dt.date(2026, 6, 1))
    layers = store.Store(tiny).layers()
    then = asof.layers_as_of(layers, "2025-12-31")["parks"]
    now = asof.layers_as_of(layers, "2026-09-30")["parks"]
    assert float(units.area_mu(then[then["park_id"] == "P1"]).iloc[0]) == pytest.approx(15.0, abs=0.01)
    assert float(units.area_mu(now[now["park_id"] == "P1"]).iloc[0]) == pytest.approx(30.0, abs=0.01)


def test_leaflet_polygons_become_one_multipolygon():
    a, b = box(120.0, 28.6, 120.01, 28.61), box(120.02, 28.6, 120.03, 28.61)
    got = outline.from_geojson([{"type": "Feature", "geometry": mapping(a), "properties": {}},
                                {"type": "Feature", "geometry": mapping(b), "properties": {}}])
    assert got.geom_type == "MultiPolygon" and len(got.geoms) == 2
    assert outline.from_geojson([]) is None

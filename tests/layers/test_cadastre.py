"""Large cadastres on the overview: grid aggregates, vector tiles, and the switch between them."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import cadastre, settings, store
from layers import assets, overview
from layers import cadastre as cadastre_layers

X0, Y0 = 505_000.0, 3_170_000.0  # EPSG:4549, in Jinyun; multiples of the 500 m cell
URL = "/app/static/tiles/test/{z}/{x}/{y}.pbf"


def _parcels(boxes, lifecycles, crs="EPSG:4549") -> gpd.GeoDataFrame:
    n = len(boxes)
    return gpd.GeoDataFrame({
        "parcel_id": [f"T{i:06d}" for i in range(n)], "town_code": ["331122101"] * n,
        "platform_id": [None] * n, "park_id": [None] * n, "land_use": ["industrial"] * n,
        "lifecycle": lifecycles, "approved_year": [2015] * n, "plot_ratio": [1.0] * n,
        "floor_area_m2": [1000.0] * n,
    }, geometry=[shapely.box(*b) for b in boxes], crs=crs)


@pytest.fixture(scope="module")
def three():
    return _parcels([(X0 + 10, Y0 + 10, X0 + 40, Y0 + 40),       # 900 m2 = 1.35 mu, cell (0, 0)
                     (X0 + 100, Y0 + 100, X0 + 160, Y0 + 160),   # 3600 m2 = 5.4 mu, cell (0, 0)
                     (X0 + 600, Y0 + 10, X0 + 630, Y0 + 40)],    # 900 m2 = 1.35 mu, cell (1, 0)
                    ["approved", "meeting", "meeting"])


@pytest.fixture(scope="module")
def demo_layers(demo_store):
    return store.read_all(demo_store)


def test_grid_aggregates_by_hand(three):
    cells = cadastre.grid_aggregates(three)
    assert len(cells) == 2
    first, second = cells.iloc[0], cells.iloc[1]
    assert (first["count"], first["area_mu"]) == (2, 6.8)  # 1.35 + 5.4 = 6.75 -> 6.8
    assert (first["n_approved"], first["n_meeting"], first["n_built"]) == (1, 1, 0)
    assert (second["count"], second["area_mu"], second["n_meeting"]) == (1, 1.4, 1)
    assert first.geometry.equals(shapely.box(X0, Y0, X0 + 500, Y0 + 500))
    assert cells.crs == "EPSG:4549"


def test_grid_aggregates_same_from_stored_crs(three):
    stored = cadastre.grid_aggregates(three.to_crs("EPSG:4490"))
    assert stored["count"].tolist() == [2, 1]


def test_density_classes_cover_every_count():
    counts = np.array([1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144])
    breaks = cadastre.density_breaks(counts)
    assert breaks.tolist() == [3, 7, 18, 51]
    assert cadastre.density_classes(counts, breaks).tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    assert cadastre.density_ranges(breaks, 144) == [(1, 2), (3, 6), (7, 17), (18, 50), (51, 144)]


def _tile_xy(lon, lat, z):
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_build_tiles_writes_every_tile_of_the_bounds(three, tmp_path):
    out = cadastre.build_tiles(three, tmp_path / "t", min_zoom=14, max_zoom=15)
    assert (out / "metadata.json").exists()
    layer = json.loads((out / "metadata.json").read_text())
    assert cadastre.TILE_LAYER in layer["json"]
    c = three.to_crs("EPSG:4326").geometry.iloc[1].centroid
    for z in (14, 15):
        x, y = _tile_xy(c.x, c.y, z)
        assert (out / str(z) / str(x) / f"{y}.pbf").stat().st_size > 50
    x0, y0, x1, y1 = cadastre.tile_range(
        cadastre.mercator_bounds(cadastre.lonlat_bounds(three)), 15)
    expected = (x1 - x0 + 1) * (y1 - y0 + 1)
    assert len(list((out / "15").rglob("*.pbf"))) == expected  # empty ones too: no 404
    assert not (out / "13").exists()  # nothing below the minimum zoom
    stamp = (out / "metadata.json").stat().st_mtime_ns
    cadastre.build_tiles(three, out)  # already built: kept as is
    assert (out / "metadata.json").stat().st_mtime_ns == stamp


def test_content_key_follows_what_the_tiles_show(three):
    key = cadastre.content_key(three)
    assert cadastre.content_key(three.copy()) == key
    changed = three.copy()
    changed.loc[0, "lifecycle"] = "built"
    assert cadastre.content_key(changed) != key
    moved = three.copy()
    moved["geometry"] = moved.translate(1, 0)
    assert cadastre.content_key(moved) != key


def test_threshold_setting(monkeypatch, three):
    monkeypatch.delenv("JINYUN_TILE_THRESHOLD", raising=False)
    assert settings.parcel_tile_threshold() == 8_000
    monkeypatch.setenv("JINYUN_TILE_THRESHOLD", "2")
    assert overview.uses_parcel_tiles(three)
    assert not overview.uses_parcel_tiles(three, threshold=3)


def _grid_parcels(n: int) -> gpd.GeoDataFrame:
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x = X0 + (i % side) * 40.0
    y = Y0 + (i // side) * 40.0
    gdf = _parcels([(a, b, a + 36, b + 36) for a, b in zip(x, y, strict=True)],
                   list(np.resize(["approved", "supplied", "in_use", "built", "producing",
                                   "meeting"], n)))
    return gdf.to_crs("EPSG:4490")


def test_overview_switches_to_tiles_above_the_default_threshold(demo_layers, monkeypatch):
    monkeypatch.delenv("JINYUN_TILE_THRESHOLD", raising=False)
    big = {**demo_layers, "parcels": _grid_parcels(settings.DEFAULT_TILE_THRESHOLD + 1)}
    html = overview.overview_map(big, parcel_tiles=URL).get_root().render()
    assert "L.vectorGrid.protobuf" in html and URL in html
    assert "T000001" not in html  # no parcel embedded as GeoJSON
    assert len(html) < 3_000_000
    assert "/app/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html


def test_overview_keeps_geojson_at_or_below_the_threshold(demo_layers, monkeypatch):
    monkeypatch.delenv("JINYUN_TILE_THRESHOLD", raising=False)
    html = overview.overview_map(demo_layers, parcel_tiles=URL).get_root().render()
    assert "vectorGrid" not in html
    first_id = demo_layers["parcels"]["parcel_id"].iloc[0]
    assert first_id in html
    monkeypatch.setenv("JINYUN_TILE_THRESHOLD", "100")  # a lower threshold switches the demo
    html = overview.overview_map(demo_layers, parcel_tiles=URL).get_root().render()
    assert "L.vectorGrid.protobuf" in html and first_id not in html


def test_parcel_tile_layer_aggregates_popup_labels_and_legend(demo_layers):
    parcels = _grid_parcels(900)
    fg, legend = cadastre_layers.parcel_tile_layer(parcels, demo_layers["towns"], "en", URL)
    geojsons = [c for c in fg._children.values() if c.__class__.__name__ == "GeoJson"]
    counts = sum(f["properties"]["count"] for g in geojsons for f in g.data["features"])
    assert counts == 900
    tiles = next(c for c in fg._children.values() if isinstance(c, cadastre_layers.ParcelTiles))
    assert tiles.text["lifecycle"]["meeting"] != "meeting"
    assert tiles.text["fields"]["parcel_id"] == "Parcel ID"
    assert tiles.text["towns"]["331122101"] == "Huzhen"
    assert [c for c, _ in legend] == list(cadastre_layers.styles.DENSITY_COLORS[:len(legend)])
    m = overview.base_map((120.0, 28.6, 120.2, 28.8))
    fg.add_to(m)
    assets.localize(m)
    assert not [u for u in assets.asset_urls(m) if u.startswith("http")]


def test_aggregates_only_without_tiles_url(demo_layers):
    fg, _ = cadastre_layers.parcel_tile_layer(_grid_parcels(50), demo_layers["towns"], "zh", None)
    assert not [c for c in fg._children.values() if isinstance(c, cadastre_layers.ParcelTiles)]


def test_postgis_tiles_hold_what_the_geopackage_tiles_hold(three, tmp_path, pg_url):
    """The team store's tiles come from ST_AsMVT: the same parcels, fields and areas per tile."""
    import pyogrio

    from tests.fixtures import tiny_layers

    layers = tiny_layers()
    layers["parcels"] = three
    store.write_store(pg_url, layers, meta={"demo": "0"})
    parcels = store.read_layer(pg_url, "parcels")
    gdal = cadastre.build_tiles(parcels, tmp_path / "gdal")
    pg = cadastre.build_tiles_postgis(pg_url, parcels, tmp_path / "pg")
    assert json.loads((pg / "metadata.json").read_text())["minzoom"] == cadastre.TILE_MIN_ZOOM
    gdal_tiles = sorted(p.relative_to(gdal) for p in gdal.rglob("*.pbf"))
    assert gdal_tiles == sorted(p.relative_to(pg) for p in pg.rglob("*.pbf"))  # no 404 either
    full = [t for t in gdal_tiles if (gdal / t).stat().st_size]
    assert full and full == [t for t in gdal_tiles if (pg / t).stat().st_size]
    for tile in full:
        a = pyogrio.read_dataframe(gdal / tile, read_geometry=False)
        b = pyogrio.read_dataframe(pg / tile, read_geometry=False)
        cols = ["parcel_id", "lifecycle", "town_code", "area_mu"]
        assert a[cols].sort_values("parcel_id").values.tolist() == \
            b[cols].sort_values("parcel_id").values.tolist(), tile

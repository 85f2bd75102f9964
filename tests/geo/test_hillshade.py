"""The offline hillshade basemap: tiles built from a real GeoTIFF and read back."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from PIL import Image
from rasterio.transform import from_origin

from geo import hillshade

X0, Y0, RES = 500_000.0, 3_180_000.0, 30.0  # top-left corner in EPSG:4549 (inside Jinyun)
N = 400  # 12 km square


def write_dem(path, values, *, crs="EPSG:4549", nodata=-9999.0):
    profile = {"driver": "GTiff", "height": values.shape[0], "width": values.shape[1],
               "count": 1, "dtype": "float32", "transform": from_origin(X0, Y0, RES, RES),
               "nodata": nodata, "crs": crs}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def cone() -> np.ndarray:
    """A hill in the middle (800 m) over a 100 m plain, nodata in the top-left corner."""
    r = np.hypot(*np.meshgrid(np.arange(N) - N / 2, np.arange(N) - N / 2))
    z = 100 + 700 * np.clip(1 - r / (N / 3), 0, 1)
    z[:40, :40] = -9999.0
    return z


@pytest.fixture
def dem(tmp_path):
    return write_dem(tmp_path / "dem.tif", cone())


def roads() -> gpd.GeoDataFrame:
    line = shapely.LineString([(X0 + 600, Y0 - 6000), (X0 + N * RES - 600, Y0 - 6000)])
    return gpd.GeoDataFrame({"road_class": ["expressway"]}, geometry=[line], crs="EPSG:4549")


def test_tiles_cover_the_dem_at_every_zoom_and_read_back_as_png(dem, tmp_path):
    info = hillshade.build_tiles(dem, tmp_path / "hs", roads=roads(), min_zoom=9, max_zoom=12)
    bounds = hillshade.dem_bounds_lonlat(dem)
    assert info.built and info.tiles == hillshade.tile_count(bounds, min_zoom=9, max_zoom=12)
    pngs = sorted((tmp_path / "hs").rglob("*.png"))
    assert len(pngs) == info.tiles and info.bytes == sum(p.stat().st_size for p in pngs)
    assert {p.relative_to(tmp_path / "hs").parts[0] for p in pngs} == {"9", "10", "11", "12"}
    meta = json.loads((tmp_path / "hs" / "metadata.json").read_text())
    assert meta["minzoom"] == 9 and meta["maxzoom"] == 12 and meta["format"] == "png"
    assert meta["bounds"] == pytest.approx(list(bounds))
    img = np.asarray(Image.open(pngs[0]))
    assert img.shape == (256, 256, 4) and img.dtype == np.uint8


def _mosaic(folder, z):
    root = folder / str(z)
    xs = sorted(int(p.name) for p in root.iterdir())
    ys = sorted(int(p.stem) for p in (root / str(xs[0])).iterdir())
    rows = [np.concatenate([np.asarray(Image.open(root / str(x) / f"{y}.png")) for x in xs],
                           axis=1) for y in ys]
    return np.concatenate(rows, axis=0)


def test_outside_the_dem_is_transparent_and_the_hill_is_lit_from_the_north_west(dem, tmp_path):
    hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=12, max_zoom=12)
    img = _mosaic(tmp_path / "hs", 12).astype(int)
    opaque = img[..., 3] == 255
    assert (img[..., 3] == 0).any() and opaque.mean() > 0.3  # nodata corner and margins
    rows, cols = np.nonzero(opaque)
    cy, cx = int(rows.mean()), int(cols.mean())  # about the hill's top
    d = 40
    nw = img[cy - d, cx - d, :3].sum()
    se = img[cy + d, cx + d, :3].sum()
    assert nw > se + 60  # the slope facing the light is brighter


def test_roads_are_drawn_on_top(dem, tmp_path):
    plain = hillshade.build_tiles(dem, tmp_path / "plain", min_zoom=12, max_zoom=12)
    drawn = hillshade.build_tiles(dem, tmp_path / "roads", roads=roads(), min_zoom=12, max_zoom=12)
    a, b = _mosaic(plain.folder, 12), _mosaic(drawn.folder, 12)
    changed = np.any(a != b, axis=-1)
    # an east-west line: the changed pixels lie in a thin band of rows
    rows = np.nonzero(changed.any(axis=1))[0]
    assert 0 < len(rows) <= 8
    fill = np.array(hillshade.ROAD_LOOK["expressway"][2])
    assert (np.abs(b[changed][:, :3].astype(int) - fill).sum(axis=1) < 3).any()


def test_a_built_folder_is_kept_and_the_key_follows_the_content(dem, tmp_path):
    first = hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=9, max_zoom=9)
    again = hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=9, max_zoom=9)
    assert first.built and not again.built
    k = hillshade.content_key(dem)
    assert k == hillshade.content_key(dem)
    assert hillshade.content_key(dem, roads=roads()) != k
    other = write_dem(tmp_path / "other.tif", cone() + 1)
    assert hillshade.content_key(other) != k
    assert not list(tmp_path.glob(".hs-*"))  # no temporary folder left behind


def test_a_dem_without_valid_cells_is_refused_and_leaves_nothing(tmp_path):
    dem = write_dem(tmp_path / "empty.tif", np.full((20, 20), -9999.0))
    with pytest.raises(ValueError, match="no valid elevation"):
        hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=9, max_zoom=9)
    assert not (tmp_path / "hs").exists()


def test_water_is_the_flood_zones_among_the_constraints():
    c = gpd.GeoDataFrame({"kind": ["flood_zone", "eco_redline"]},
                         geometry=[shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)],
                         crs="EPSG:4549")
    assert list(hillshade.water_of(c)["kind"]) == ["flood_zone"]
    assert hillshade.water_of(None) is None


def test_flat_ground_shades_as_the_sun_altitude():
    flat = np.full((5, 5), 100.0)
    assert hillshade.hillshade(flat, 30.0) == pytest.approx(np.sin(np.radians(45)))


def test_a_printed_sheet_reads_the_hillshade_from_disk(dem, tmp_path):
    from geo.basemaps import Basemap
    from geo.export import tiles

    built = hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=9, max_zoom=12)
    provider = Basemap("hillshade", ("http://127.0.0.1:9/never/{z}/{x}/{y}.png",), "local",
                       local=True, min_native_zoom=9, max_native_zoom=12,
                       folder=str(built.folder))
    extent = (X0 + 1000, Y0 - N * RES + 1000, X0 + N * RES - 1000, Y0 - 1000)
    img = tiles.basemap_image(provider, extent, (600, 600))  # no request: the URL is dead
    assert img.shape == (600, 600, 4) and (img[..., 3] == 255).mean() > 0.9
    centre, corner = img[300, 300, :3].astype(int), img[580, 580, :3].astype(int)
    assert np.abs(centre - corner).sum() > 10  # the hill shows, not a flat colour


def test_a_dem_too_large_for_the_tile_budget_gets_fewer_zooms(dem, tmp_path):
    bounds = hillshade.dem_bounds_lonlat(dem)
    assert hillshade.deepest_zoom(bounds, min_zoom=9, max_zoom=14, max_tiles=10**6) == 14
    capped = hillshade.deepest_zoom(bounds, min_zoom=9, max_zoom=14, max_tiles=40)
    assert 9 <= capped < 14
    assert hillshade.tile_count(bounds, min_zoom=9, max_zoom=capped) <= 40
    info = hillshade.build_tiles(dem, tmp_path / "hs", min_zoom=9, max_zoom=14, max_tiles=40)
    assert hillshade.metadata(info.folder)["maxzoom"] == capped and info.tiles <= 40


def test_old_tile_folders_are_pruned_but_never_the_current_one(tmp_path):
    import os

    folders = []
    for i in range(6):
        f = tmp_path / f"hillshade-{i}"
        f.mkdir()
        os.utime(f, (1_000_000 + i, 1_000_000 + i))
        folders.append(f)
    (tmp_path / "other").mkdir()
    removed = hillshade.prune(tmp_path, folders[0], keep=2)
    assert sorted(p.name for p in removed) == ["hillshade-1", "hillshade-2", "hillshade-3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "hillshade-0", "hillshade-4", "hillshade-5", "other"]

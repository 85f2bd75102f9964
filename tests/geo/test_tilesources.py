"""Supplied basemaps: MBTiles, PMTiles and XYZ folders written by the tests and read back."""

from __future__ import annotations

import os

import pytest
from pmtiles.tile import TileType

from geo import tilesources
from tests.geo.said import raises_said
from tests.tile_fixtures import png, tiles_over, write_mbtiles, write_pmtiles, write_xyz

RED, BLUE = (200, 60, 40), (40, 60, 200)


def test_mbtiles_rows_are_flipped_from_tms(tmp_path):
    tiles = tiles_over(zooms=[10])
    (z, x, y), _ = next(iter(tiles.items()))
    tiles[(z, x, y)] = png(BLUE)  # one tile differs: it must come back at its XYZ place
    path = write_mbtiles(tmp_path / "county.mbtiles", tiles, attribution="县测绘院")
    src = tilesources.open_source(path)
    assert (src.kind, src.format, src.min_zoom, src.max_zoom) == ("mbtiles", "png", 10, 10)
    assert src.attribution == "县测绘院" and src.bounds == pytest.approx((119.87, 28.41, 120.42, 28.95))
    assert src.tile(z, x, y) == png(BLUE)
    assert src.tile(z, x, 2**z - 1 - y) is None  # the TMS row number is not an XYZ one
    others = [k for k in tiles if k != (z, x, y)]
    assert src.tile(*others[0]) == png(RED)
    assert src.tile(11, x * 2, y * 2) is None  # outside its zooms


def test_mbtiles_without_a_format_is_sniffed_and_vector_tiles_are_refused(tmp_path):
    sniffed = tilesources.open_source(write_mbtiles(tmp_path / "a.mbtiles", tiles_over(zooms=[9]),
                                                    fmt=None))
    assert sniffed.format == "png" and sniffed.media_type == "image/png"
    vector = write_mbtiles(tmp_path / "v.mbtiles", {(9, 427, 211): b"\x1a\x02xx"}, fmt="pbf")
    with raises_said(tilesources.TileSourceError, "not raster tiles"):
        tilesources.open_source(vector)


def test_not_an_mbtiles_file_gets_a_reason(tmp_path):
    bad = tmp_path / "bad.mbtiles"
    bad.write_bytes(b"this is not sqlite at all" * 40)
    with raises_said(tilesources.TileSourceError, "bad.mbtiles: not an MBTiles"):
        tilesources.open_source(bad)


def test_pmtiles_are_read_with_their_zooms_bounds_and_attribution(tmp_path):
    tiles = tiles_over(zooms=[9, 10])
    key = sorted(tiles)[-1]
    tiles[key] = png(BLUE)
    src = tilesources.open_source(write_pmtiles(tmp_path / "county.pmtiles", tiles))
    assert (src.kind, src.format, src.min_zoom, src.max_zoom) == ("pmtiles", "png", 9, 10)
    assert src.attribution == "PM test"
    assert src.bounds == pytest.approx((119.87, 28.41, 120.42, 28.95), abs=1e-6)
    assert src.tile(*key) == png(BLUE) and src.tile(*sorted(tiles)[0]) == png(RED)
    assert src.tile(10, 0, 0) is None


def test_vector_pmtiles_are_refused(tmp_path):
    path = write_pmtiles(tmp_path / "v.pmtiles", {(9, 427, 211): b"xx"}, tile_type=TileType.MVT)
    with raises_said(tilesources.TileSourceError, "not raster tiles"):
        tilesources.open_source(path)


def test_xyz_folder_zooms_format_and_bounds(tmp_path):
    tiles = tiles_over(zooms=[8, 9, 10])
    folder = write_xyz(tmp_path / "航拍 2024", tiles, ext="jpg")
    src = tilesources.open_source(folder)
    assert (src.kind, src.format, src.min_zoom, src.max_zoom) == ("xyz", "jpg", 8, 10)
    assert src.media_type == "image/jpeg"
    w, s, e, n = src.bounds  # the z8 tiles' outline holds the county
    assert w <= 119.87 and s <= 28.41 and e >= 120.42 and n >= 28.95
    assert src.tile(*next(iter(tiles))) == png(RED)


def test_a_link_out_of_an_xyz_folder_is_not_served(tmp_path):
    folder = write_xyz(tmp_path / "xyz", tiles_over(zooms=[9]))
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    (folder / "9" / "427" / "999.png").symlink_to(secret)
    src = tilesources.open_source(folder)
    assert src.tile(9, 427, 999) is None


def test_listing_names_ids_and_skips(tmp_path):
    write_mbtiles(tmp_path / "<img src=x onerror=alert(1)> 县底图.mbtiles", tiles_over(zooms=[9]))
    write_pmtiles(tmp_path / "b.pmtiles", tiles_over(zooms=[9]))
    write_xyz(tmp_path / "c", tiles_over(zooms=[9]))
    (tmp_path / "notes.txt").write_text("not a basemap")
    (tmp_path / "empty").mkdir()
    (tmp_path / ".hidden.mbtiles").write_bytes(b"")
    sources = tilesources.list_sources(tmp_path)
    assert [s.name for s in sources] == ["<img src=x onerror=alert(1)> 县底图.mbtiles", "b.pmtiles", "c"]
    ids = [s.id for s in sources]
    assert all(len(i) == 16 and i.isalnum() for i in ids) and len(set(ids)) == 3
    assert tilesources.find(tmp_path, ids[0]).name == "<img src=x onerror=alert(1)> 县底图.mbtiles"
    assert tilesources.list_sources(tmp_path / "missing") == []


@pytest.mark.parametrize("wanted", ["../etc", "..", "c", "/etc/passwd", "0123456789ABCDEF",
                                    "%2e%2e", "", "0" * 17])
def test_find_takes_only_an_id_never_a_name_or_path(tmp_path, wanted):
    write_xyz(tmp_path / "c", tiles_over(zooms=[9]))
    assert tilesources.find(tmp_path, wanted) is None


def test_tile_numbers_outside_the_grid_give_nothing(tmp_path):
    src = tilesources.open_source(write_xyz(tmp_path / "c", tiles_over(zooms=[9])))
    assert src.tile(9, 512, 0) is None and src.tile(9, -1, 0) is None
    assert os.path.isdir(src.path)

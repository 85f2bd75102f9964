"""How long the offline hillshade basemap takes to build, and how big it is.

    .venv/bin/python bench/hillshade_bench.py [--store data/jinyun_demo.gpkg] [--max-zoom 14]

Builds into a temporary folder (never the app's static/ folder) and prints the tile
count, the build seconds and the size in MB, per zoom range asked. Then the same
tiles go into an MBTiles and a PMTiles file and an XYZ folder, and the time one
request of the tile endpoint spends reading a tile (``geo.tilesources.find`` +
``tile``, as ``ui.tileserver`` does) is measured on 500 random tiles of each.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as pmtiles_write

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import hillshade, settings, store, tilesources  # noqa: E402


def _supplied(folder: Path, out: Path) -> dict[tuple[int, int, int], bytes]:
    tiles = {}
    for png in folder.rglob("*.png"):
        z, x, y = int(png.parts[-3]), int(png.parts[-2]), int(png.stem)
        tiles[(z, x, y)] = png.read_bytes()
    con = sqlite3.connect(out / "hs.mbtiles")
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)")
    con.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    con.execute("INSERT INTO metadata VALUES ('format', 'png')")
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    [(z, x, 2**z - 1 - y, d) for (z, x, y), d in tiles.items()])
    con.commit()
    con.close()
    with pmtiles_write(str(out / "hs.pmtiles")) as w:
        for (z, x, y), d in sorted(tiles.items(), key=lambda kv: zxy_to_tileid(*kv[0])):
            w.write_tile(zxy_to_tileid(z, x, y), d)
        w.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE}, {})
    (out / "xyz").symlink_to(folder)
    return tiles


def _reads(out: Path, tiles: dict) -> None:
    sample = random.Random(1).sample(sorted(tiles), min(500, len(tiles)))
    for name in ("hs.mbtiles", "hs.pmtiles", "xyz"):
        sid = tilesources.source_id(name)
        times = []
        for z, x, y in sample:
            t0 = time.perf_counter()
            data = tilesources.find(out, sid).tile(z, x, y)
            times.append(time.perf_counter() - t0)
            assert data == tiles[(z, x, y)]
        print(f"endpoint read {name}: median {statistics.median(times) * 1000:.2f} ms, "
              f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.2f} ms per tile")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=str(settings.DEFAULT_STORE))
    ap.add_argument("--min-zoom", type=int, default=hillshade.MIN_ZOOM)
    ap.add_argument("--max-zoom", type=int, default=hillshade.MAX_NATIVE_ZOOM)
    args = ap.parse_args()
    s = store.Store(args.store).load()
    dem = settings.dem_path(Path(args.store))
    roads, water = s["roads"], hillshade.water_of(s["constraints"])
    t0 = time.perf_counter()
    key = hillshade.content_key(dem, roads=roads, water=water)
    key_s = time.perf_counter() - t0
    expected = hillshade.tile_count(hillshade.dem_bounds_lonlat(dem), min_zoom=args.min_zoom,
                                    max_zoom=args.max_zoom)
    with tempfile.TemporaryDirectory() as tmp:
        info = hillshade.build_tiles(dem, Path(tmp) / key, roads=roads, water=water,
                                     min_zoom=args.min_zoom, max_zoom=args.max_zoom)
        supplied = Path(tmp) / "supplied"
        supplied.mkdir()
        tiles = _supplied(info.folder, supplied)
        _reads(supplied, tiles)
    print(f"DEM: {dem.name}; zooms {args.min_zoom}-{args.max_zoom}")
    print(f"content key: {key_s * 1000:.0f} ms")
    print(f"tiles: {info.tiles} (expected {expected})")
    print(f"build: {info.seconds:.1f} s ({info.seconds / max(info.tiles, 1) * 1000:.1f} ms/tile)")
    print(f"size: {info.bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

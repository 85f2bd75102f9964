"""How long the offline hillshade basemap takes to build, and how big it is.

    .venv/bin/python bench/hillshade_bench.py [--store data/jinyun_demo.gpkg] [--max-zoom 14]

Builds into a temporary folder (never the app's static/ folder) and prints the tile
count, the build seconds and the size in MB, per zoom range asked.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import hillshade, settings, store  # noqa: E402


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
    print(f"DEM: {dem.name}; zooms {args.min_zoom}-{args.max_zoom}")
    print(f"content key: {key_s * 1000:.0f} ms")
    print(f"tiles: {info.tiles} (expected {expected})")
    print(f"build: {info.seconds:.1f} s ({info.seconds / max(info.tiles, 1) * 1000:.1f} ms/tile)")
    print(f"size: {info.bytes / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

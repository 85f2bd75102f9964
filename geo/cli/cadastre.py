"""``python -m geo tiles``: build a store's parcel vector tiles ahead of the first page view."""

from __future__ import annotations

import argparse
import time

from geo import cadastre, settings, store
from geo.cli._registry import command
from geo.settings import store_location


def _tiles_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")


@command("tiles", "build the parcel vector tiles the overview map uses above "
         "JINYUN_TILE_THRESHOLD parcels (once per parcel content)", _tiles_args)
def _tiles(args: argparse.Namespace) -> int:
    path = args.store or settings.store_path()
    store.check_store(path)
    parcels = store.read_layer(path, "parcels")
    t0 = time.perf_counter()
    target = settings.TILES_DIR / cadastre.content_key(parcels)
    out = (cadastre.build_tiles_postgis(path, parcels, target) if isinstance(path, str)
           else cadastre.build_tiles(parcels, target))
    n_tiles = sum(1 for _ in out.rglob("*.pbf"))
    print(f"{len(parcels):,} parcels -> {out} ({n_tiles} tiles) in {time.perf_counter() - t0:.1f} s")
    if len(parcels) <= settings.parcel_tile_threshold():
        print(f"note: {len(parcels):,} parcels is not above the threshold "
              f"{settings.parcel_tile_threshold():,}; the overview embeds them as GeoJSON")
    return 0

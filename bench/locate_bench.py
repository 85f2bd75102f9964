"""How long locating enterprises through the parcels they hold takes (:func:`geo.locate.locate`):
on the demo store, and on a synthetic county cadastre (parcels with right holders written the
way land bureaus do, a third of the enterprises spelling 有限责任公司 where the parcel says
有限公司). Also the size and build time of the placing map on the demo.

    python bench/locate_bench.py [--parcels 100000] [--enterprises 20000]
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import locate, settings, store
from geo.maps.locate import locate_map


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--parcels", type=int, default=100_000)
    ap.add_argument("--enterprises", type=int, default=20_000)
    args = ap.parse_args()

    s = store.Store(settings.DEFAULT_STORE).load()
    locate.locate(s.enterprises.head(5), s.parcels.head(5))  # imports and caches warm
    found, dt = _timed(lambda: locate.locate(s.enterprises, s.parcels))
    print(f"demo: {len(s.parcels):,} parcels, {len(s.enterprises):,} enterprises: "
          f"locate {dt * 1000:.0f} ms {found.counts}")
    from layers import render

    html, dt = _timed(lambda: render.folium_map(locate_map(s, clicked=(120.08, 28.66)))
                      .get_root().render())
    print(f"demo placing map: built and rendered in {dt * 1000:.0f} ms, {len(html) / 1e6:.2f} MB")

    n, m = args.parcels, args.enterprises
    rng = np.random.default_rng(16)
    x = rng.uniform(0, 50_000, n) + 400_000
    y = rng.uniform(0, 50_000, n) + 3_170_000
    parcels = gpd.GeoDataFrame({
        "parcel_id": [f"Q{i}" for i in range(n)],
        "holder": [f"缙云县企业{i % m}有限公司" for i in range(n)],
        "holder_uscc": [None] * n, "town_code": ["331122001"] * n, "park_id": [None] * n},
        geometry=shapely.box(x, y, x + 50, y + 50), crs=settings.METRIC_CRS)
    ents = pd.DataFrame({"enterprise_id": [f"E{i}" for i in range(m)],
                         "name": [f"缙云县企业{i}有限责任公司" if i % 3 == 0 else f"缙云县企业{i}有限公司"
                                  for i in range(m)], "uscc": [None] * m})
    found, dt = _timed(lambda: locate.locate(ents, parcels))
    print(f"synthetic: {n:,} parcels, {m:,} enterprises: locate {dt:.2f} s {found.counts}")


if __name__ == "__main__":
    main()

"""The team store at cadastre scale: PostGIS with 1,000,000 parcels.

Generates the store (``bench/gen_cadastre.py``, cached in ``bench/out``), copies it into
PostGIS (``geo copy-store``), then prints:

* the copy (GeoPackage -> PostGIS) and a full read of the parcels back, against the
  GeoPackage's own read;
* ``ST_AsMVT`` per tile at zooms 10-16 over the busiest town seat (median of 5, with
  the tile's size and parcel count), the tiles the app would ask for;
* the app's tile folder (zooms 14-15) built by PostGIS, once per parcel content;
* one edit with its history row, and the new store version it gives;
* the server's memory (resident set of the PostgreSQL processes).

``--browser`` then runs ``bench/cadastre_browser_bench.py`` on the PostGIS store (first
view and zoom redraw in Chromium). Without ``--url`` a throwaway PostgreSQL is started
in a temporary folder (Debian's postgresql-15-postgis-3), as the tests do.

Run::

    .venv/bin/python bench/postgis_bench.py --n 1000000
    .venv/bin/python bench/postgis_bench.py --n 100000 --browser
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.gen_cadastre import OUT_DIR, build_store  # noqa: E402
from geo import cadastre, edits, postgis, settings, store  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    return int((lon + 180) / 360 * n), int(
        (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def _postgres_rss_mb() -> float:
    out = subprocess.run(["ps", "-C", "postgres", "-o", "rss="], capture_output=True, text=True,
                         check=False).stdout
    return sum(int(v) for v in out.split()) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="parcels (1000000)")
    parser.add_argument("--url", default=None, help="an existing empty PostGIS database")
    parser.add_argument("--town", default="壶镇镇", help="town seat the tiles are taken at")
    parser.add_argument("--browser", action="store_true", help="also the Chromium first view")
    args = parser.parse_args(argv)

    gpkg = OUT_DIR / f"cadastre_{args.n}.gpkg"
    if not gpkg.exists():
        t, _ = timed(lambda: build_store(args.n, gpkg))
        print(f"generated {args.n:,} parcels -> {gpkg} in {t:.1f} s")
    server = None
    url = args.url
    if url is None:
        from tests.pg_server import Server

        server = Server().start()
        url = server.new_database("bench")
    try:
        t, rows = timed(lambda: store.copy_store(gpkg, url))
        print(f"copy-store GeoPackage -> PostGIS: {rows['parcels']:,} parcels, "
              f"{sum(rows.values()):,} rows in {t:.1f} s")
        t_pg, parcels = timed(lambda: store.read_layer(url, "parcels"))
        t_gp, _ = timed(lambda: store.read_layer(gpkg, "parcels"))
        print(f"read parcels: PostGIS {t_pg:.1f} s, GeoPackage {t_gp:.1f} s")

        seat = store.read_layer(url, "towns").set_index("name_zh").geometry[args.town]
        with postgis.engine(url).connect() as con:
            for z in range(10, 17):
                x, y = _tile_of(seat.x, seat.y, z)
                postgis.parcel_tile(con, z, x, y)  # warm the cache as a served store would be
                times, tile = [], b""
                for _ in range(5):
                    t, tile = timed(lambda z=z, x=x, y=y: postgis.parcel_tile(con, z, x, y))
                    times.append(t)
                count = con.execute(postgis.sa.text(
                    "SELECT count(*) FROM parcels WHERE geometry && "
                    "ST_Transform(ST_TileEnvelope(:z, :x, :y), 4490)"), {"z": z, "x": x, "y": y}
                ).scalar()
                print(f"ST_AsMVT z{z} ({x}/{y}): {statistics.median(times) * 1000:,.0f} ms "
                      f"median of 5, {count:,} parcels, {len(tile) / 1024:,.0f} KB")

        key = cadastre.content_key(parcels)
        target = settings.TILES_DIR / f"bench-pg-{key}"
        t, out = timed(lambda: cadastre.build_tiles_postgis(url, parcels, target))
        files = list(out.rglob("*.pbf"))
        full = [f for f in files if f.stat().st_size]
        print(f"app tile folder z{cadastre.TILE_MIN_ZOOM}-{cadastre.TILE_MAX_NATIVE_ZOOM} by "
              f"PostGIS: {t:.1f} s, {len(full):,} tiles with parcels of {len(files):,}, "
              f"{sum(f.stat().st_size for f in files) / 2**20:,.1f} MB")

        before = store.version(url)
        fid = str(parcels["parcel_id"].iloc[0])
        t, _ = timed(lambda: edits.apply_edit(url, "parcels", fid, {"plot_ratio": 1.7},
                                              user="基准测试"))
        print(f"one edit with its history row: {t * 1000:.0f} ms; version {before} -> "
              f"{store.version(url)}")
        print(f"PostgreSQL resident memory: {_postgres_rss_mb():,.0f} MB")
        if args.browser:
            from bench import cadastre_browser_bench

            cadastre_browser_bench.run(args.n, town=args.town, zoom=cadastre.TILE_MIN_ZOOM,
                                       cold_tiles=False, runs=1, store_path=url)
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

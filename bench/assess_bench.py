"""Assessment speed on the demo data: one drawn candidate, the county surface, find sites.

Goals: one drawn candidate answers within 1 s; the county-wide
surface at 30 m plus "find sites" within 10 s. Each figure is the median of
``--repeat`` runs; "cold" includes reading the store layers into the context.

Run::

    .venv/bin/python bench/assess_bench.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import shapely

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from geo import assess, settings, store, suitability, terrain  # noqa: E402

CPU: list[float] = []  # process CPU seconds of each timed() call, in order


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall seconds of ``repeat`` calls (the median CPU seconds go to :data:`CPU`).

    The machine is shared: wall time includes waiting for a core, CPU time
    does not (it approximates the wall time on an idle machine).
    """
    times, cpu, out = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU.append(statistics.median(cpu))
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--min-mu", type=float, default=1000)
    p.add_argument("--top", type=int, default=5)
    args = p.parse_args(argv)
    store_path = settings.DEFAULT_STORE
    dem_path = settings.dem_path(store_path)

    t_layers, layers = timed(lambda: store.read_all(store_path), 1)
    t_ctx, ctx = timed(lambda: assess.build_context(layers), args.repeat)
    c = ctx.platforms.geometry.iloc[0].centroid
    drawn = shapely.Polygon([(c.x, c.y), (c.x + 700, c.y + 80), (c.x + 650, c.y + 600),
                             (c.x + 40, c.y + 520)])
    cand = gpd.GeoDataFrame({"name": ["drawn"]}, geometry=[drawn], crs="EPSG:4549").to_crs("EPSG:4326")
    t_one, result = timed(lambda: assess.assess(cand, ctx, str(dem_path)), args.repeat)
    five = gpd.GeoDataFrame({"name": [f"c{i}" for i in range(5)]},
                            geometry=[shapely.affinity.translate(drawn, 900 * i, -300 * i) for i in range(5)],
                            crs="EPSG:4549")
    t_five, _ = timed(lambda: assess.assess(five, ctx, str(dem_path)), args.repeat)

    t_dem, dem = timed(lambda: terrain.read_dem(dem_path), args.repeat)
    t_surf, surf = timed(lambda: suitability.surface(ctx, dem, res_m=30), args.repeat)
    t_sites, sites = timed(lambda: suitability.find_sites(ctx, dem, min_mu=args.min_mu, top=args.top,
                                                          surf=surf), args.repeat)
    t_all, _ = timed(lambda: suitability.find_sites(
        ctx, terrain.read_dem(dem_path), min_mu=args.min_mu, top=args.top), args.repeat)

    print(f"demo store: {store_path.name}, DEM {dem.shape[1]} x {dem.shape[0]} at {dem.res:g} m "
          f"({dem.shape[0] * dem.shape[1] / 1e6:.1f} Mpx)")
    rows = [
        ("read store layers (once, cached by the app)", t_layers),
        ("build assessment context (once, cached)", t_ctx),
        (f"assess 1 drawn candidate ({result['area_mu'].iloc[0]:.0f} mu), DEM window read", t_one),
        ("assess 5 candidates", t_five),
        ("read whole DEM", t_dem),
        ("county suitability surface at 30 m", t_surf),
        (f"find {args.top} sites >= {args.min_mu:g} mu on that surface (incl. their score cards)", t_sites),
        ("DEM read + surface + find sites, end to end", t_all),
    ]
    print("    wall      cpu")
    for (label, secs), cpu in zip(rows, CPU, strict=True):
        print(f"{secs:8.3f} s {cpu:7.3f} s  {label}")
    cpu_one, cpu_all = CPU[2], CPU[-1]
    print(f"goal: one candidate < 1 s -> wall {'met' if t_one < 1 else 'NOT met'}, cpu "
          f"{'met' if cpu_one < 1 else 'NOT met'}; surface + find sites < 10 s -> wall "
          f"{'met' if t_all < 10 else 'NOT met'}, cpu {'met' if cpu_all < 10 else 'NOT met'}")
    print(sites[["candidate_id", "area_mu", "buildable_mu", "score"]].round(1).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time to export the overview map sheet at A3 / 300 dpi, with the demo data and 100,000 parcels.

    .venv/bin/python bench/export_bench.py            # demo store, then 100k parcels
    .venv/bin/python bench/export_bench.py --n 20000  # another parcel count

The 100k parcels come from ``bench/out/cadastre_<n>.gpkg`` when another run built
it (``bench/gen_cadastre.py --n 100000``), else they are generated here (slow,
about a minute) with :func:`bench.gen_cadastre.generate`. Each figure is the
median of ``--repeat`` runs: building the print spec (reprojection to EPSG:4549)
plus drawing and encoding the sheet. PDFs rasterize layers of more than 2,000
features (:data:`geo.export.draw.RASTERIZE_ABOVE`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from geo import store  # noqa: E402
from geo.export import maps, sheet  # noqa: E402
from geo.settings import DEFAULT_STORE  # noqa: E402


def _layers_with_parcels(n: int) -> dict:
    layers = store.read_all(DEFAULT_STORE)
    cached = PROJECT / "bench" / "out" / f"cadastre_{n}.gpkg"
    if cached.exists():
        layers["parcels"] = store.read_layer(cached, "parcels")
        source = cached.name
    else:
        from bench.gen_cadastre import generate

        t0 = time.perf_counter()
        layers["parcels"] = generate(n)
        source = f"generated in {time.perf_counter() - t0:.0f} s"
    print(f"  {len(layers['parcels']):,} parcels ({source})")
    return layers


def _time(layers: dict, opts: sheet.SheetOptions, repeat: int) -> tuple[float, float, float, int]:
    ctx = sheet.SheetContext(demo=True, as_of=date(2021, 12, 31), source="bench")
    spec_s, total_s, cpu_s, size = [], [], [], 0
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        spec = maps.overview_spec(layers)
        t1 = time.perf_counter()
        body, _ = sheet.render_sheet(spec, opts, ctx)
        t2, c2 = time.perf_counter(), time.process_time()
        spec_s.append(t1 - t0)
        total_s.append(t2 - t0)
        cpu_s.append(c2 - c0)
        size = len(body)
    return (statistics.median(spec_s), statistics.median(total_s), statistics.median(cpu_s),
            size)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100_000, help="parcels of the large case")
    p.add_argument("--repeat", type=int, default=2, help="runs per figure (median)")
    args = p.parse_args(argv)
    cases = [("demo", store.read_all(DEFAULT_STORE))]
    print(f"demo store: {len(cases[0][1]['parcels']):,} parcels")
    print(f"{args.n:,}-parcel cadastre:")
    cases.append((f"{args.n // 1000}k", _layers_with_parcels(args.n)))
    print(f"\n{'data':>6} {'format':>6} {'spec s':>7} {'total s':>8} {'CPU s':>6} {'MB':>6}"
          "   (A3 landscape, 300 dpi; wall clock, and CPU time of this process)")
    for name, layers in cases:
        for fmt in ("png", "pdf"):
            spec_s, total_s, cpu_s, size = _time(
                layers, sheet.SheetOptions("A3", "landscape", 300, fmt), args.repeat)
            print(f"{name:>6} {fmt:>6} {spec_s:7.2f} {total_s:8.2f} {cpu_s:6.2f} {size / 1e6:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

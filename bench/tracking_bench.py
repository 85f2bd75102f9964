"""Timings of the tracking pages' computations and maps on the demo store.

Run: ``.venv/bin/python bench/tracking_bench.py [store.gpkg]`` (median of 3 runs, seconds).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from geo import asof, edits, land, parks, settings, store
from geo.plan import load_plan
from layers.tracking import land_map, parks_map


def _median(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.DEFAULT_STORE
    layers = store.read_all(path)
    plan = load_plan()
    as_of = asof.period_end("2020Q4")
    terms = land.terms_check(layers, plan)
    gaps = layers["parcels"].assign(gap=land.gap_of(layers["parcels"]["lifecycle"]), area_mu=1.0)
    gaps = gaps[gaps["gap"].notna()]
    table = parks.table(layers, plan)
    print(f"store: {path} ({len(layers['parcels'])} parcels, {len(layers['land_sales'])} sales)")
    for name, fn in [
        ("layers_as_of(2020Q4)", lambda: asof.layers_as_of(layers, as_of)),
        ("parks.table", lambda: parks.table(layers, plan)),
        ("parks.progress as of 2020Q4", lambda: parks.progress(layers, plan, as_of=as_of)),
        ("land.sold_by_year", lambda: land.sold_by_year(layers, plan)),
        ("land.terms_check", lambda: land.terms_check(layers, plan)),
        ("land.lifecycle_gaps", lambda: land.lifecycle_gaps(layers["parcels"])),
        ("land.summary as of 2020Q4", lambda: land.summary(layers, plan, as_of=as_of)),
        ("parks_map build+render", lambda: parks_map(layers, table).get_root().render()),
        ("land_map year build+render", lambda: land_map(layers, terms).get_root().render()),
        (f"land_map gap ({len(gaps)} parcels) build+render",
         lambda: land_map(layers, terms, colour_by="gap", parcels=gaps).get_root().render()),
    ]:
        print(f"{name:45s} {_median(fn):.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.gpkg"
        shutil.copy2(path, copy)
        values = iter(range(10, 100))
        t = _median(lambda: edits.apply_edit(copy, "parks", "P01", {"enterprises_in": next(values)},
                                             user="bench", now=pd.Timestamp.now().to_pydatetime()))
        print(f"{'edits.apply_edit (1 field + audit row)':45s} {t:.3f} s")


if __name__ == "__main__":
    main()

"""Timings of the inefficient-land, evaluation and ranking computations on the demo store.

Run: ``.venv/bin/python bench/bench_per_mu.py [store.gpkg]``; prints one line per step
(median of 3 runs, seconds).
"""

from __future__ import annotations

import statistics
import sys
import time

import pandas as pd

from geo import asof, evaluation, inefficient, ranking, settings, store
from geo.plan import load_plan
from layers.performance import choropleth_map, inefficient_map, ranking_map


def timed(label: str, fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<48} {statistics.median(times):7.3f} s")
    return out


def main(path: str) -> None:
    layers = store.read_all(path)
    plan = load_plan()
    rules = inefficient.rules_from_plan(plan)
    date = pd.Timestamp("2020-06-30")
    view = asof.layers_as_of(layers, date)
    print(f"store {path}: {len(layers['parcels'])} parcels, {len(layers['enterprises'])} enterprises")
    found = timed("inefficient.identify (2020, as of 2020-06-30)",
                  lambda: inefficient.identify(view, rules, year=2020, as_of=date))
    cands = inefficient.candidates(found, rules)
    due = inefficient.remaining_mu(view, plan, 2020, as_of=date)
    prop = timed(f"inefficient.propose ({len(cands)} candidates, {due:.0f} mu)",
                 lambda: inefficient.propose(cands, due, overshoot_pct=rules.overshoot_pct))
    print(f"{'  chosen mu / cap / gain / HiGHS gap':<48} {prop.chosen_mu:.1f} / {prop.cap_mu:.1f} / "
          f"{prop.gain_10k:,.0f} / {prop.gap:.1e}")
    timed("inefficient.progress", lambda: inefficient.progress(layers, plan))
    method = evaluation.method_from_plan(plan)
    scored = timed("evaluation.scores (2021)", lambda: evaluation.scores(layers, method, 2021))
    agg = timed("evaluation.aggregate (parcel)", lambda: evaluation.aggregate(layers, scored, "parcel"))
    bounds = timed(f"evaluation.breaks natural, k=5 ({len(agg)} values)",
                   lambda: evaluation.breaks(agg["score"], "natural_breaks", 5))
    timed("ranking.flags (2020Q3)", lambda: ranking.flags(layers, plan, "2020Q3"))
    timed("ranking.history (12 quarters)", lambda: ranking.history(layers, plan), runs=1)
    timed("map: inefficient (build + render)", lambda: inefficient_map(
        layers, found, list(cands["parcel_id"][:20]), inefficient.case_table(view, as_of=date))
        .get_root().render())
    timed("map: choropleth by parcel (build + render)", lambda: choropleth_map(
        layers, agg, "score", bounds).get_root().render())
    flagged = ranking.flags(layers, plan, "2020Q3")
    timed("map: ranking flags (build + render)",
          lambda: ranking_map(layers, flagged).get_root().render())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(settings.store_path()))

"""Per-mu evaluation: indicators, weighted scores, classes, breaks, growth, against hand figures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from geo import evaluation as ev
from geo.errors import PlanFileError
from tests.geo import perf_fixtures as fx
from tests.geo.said import raises_said

FIXED = ev.Method(benchmark="fixed", benchmarks={"tax_per_mu": 10.0, "value_added_per_mu": 50.0,
                                                 "value_added_per_tce": 5.0,
                                                 "labour_productivity": 15.0, "rnd_share": 0.02})


@pytest.fixture
def layers():
    return fx.layers()


def test_indicators_per_enterprise(layers):
    ind = ev.indicators(layers, 2021).set_index("enterprise_id")
    e2 = ind.loc["E2"]
    assert e2["tax_per_mu"] == pytest.approx(300 / 15)
    assert e2["value_added_per_mu"] == pytest.approx(1500 / 15)
    assert e2["value_added_per_tce"] == pytest.approx(1.0)
    assert e2["energy_per_10k"] == pytest.approx(1.0)
    assert e2["labour_productivity"] == pytest.approx(15.0)
    assert e2["rnd_share"] == pytest.approx(0.02)


def test_scores_with_fixed_benchmarks_match_the_hand_sums(layers):
    s = ev.scores(layers, FIXED, 2021).set_index("enterprise_id")
    # E1: 30*2/10 + 20*10/50 + 20*5/5 + 10 (emission) + 10*15/15 + 10*0.01/0.02 = 55
    # E2: 60 + 40 + 4 + 10 + 10 + 10 = 134;  E3: 90 + 24 + 40 + 10 + 20 + 15 = 199
    # E4: 3 + 1.6 + 20 + 10 + 10*10/15 + 0 = 41.2667
    assert s["score"].to_dict() == pytest.approx({"E1": 55, "E2": 134, "E3": 199,
                                                  "E4": 34.6 + 20 / 3})
    assert s["rank"].to_dict() == {"E3": 1, "E2": 2, "E1": 3, "E4": 4}
    assert (s["item_emission"] == 10).all()


def test_mean_benchmark_gives_an_average_score_of_100(layers):
    s = ev.scores(layers, ev.Method(), 2021).set_index("enterprise_id")
    assert s["score"].mean() == pytest.approx(100)
    mean_tax = (2 + 20 + 30 + 1) / 4
    assert s.loc["E3", "item_tax_per_mu"] == pytest.approx(30 * 30 / mean_tax)
    assert s.attrs["benchmarks"]["tax_per_mu"] == pytest.approx(mean_tax)


def test_above_scale_only_scores_those_firms(layers):
    s = ev.scores(layers, dataclasses.replace(FIXED, above_scale_only=True), 2021)
    assert sorted(s["enterprise_id"]) == ["E2", "E3"]


def test_class_shares_cut_by_rank_with_ties_by_id():
    m = ev.Method(class_shares={"A": 25, "B": 25, "C": 25, "D": 25})
    score = pd.Series([90, 80, 80, 70, 60, 50, 50, 10], index=list("abcdefgh"))
    ids = pd.Series(["e1", "e3", "e2", "e4", "e5", "e7", "e6", "e8"], index=score.index)
    cls = ev.classes(score, m, ids=ids)
    # order: a(90) c(80,e2) b(80,e3) d e g(50,e6) f(50,e7) h
    assert cls.to_dict() == {"a": "A", "c": "A", "b": "B", "d": "B", "e": "C", "g": "C",
                             "f": "D", "h": "D"}


def test_tiantai_shares_on_1000_firms():
    cls = ev.classes(pd.Series(np.arange(1000.0)), ev.Method())
    assert cls.value_counts().to_dict() == {"A": 107, "B": 352, "C": 461, "D": 80}


def test_class_thresholds():
    m = ev.Method(class_method="thresholds", class_thresholds={"A": 130, "B": 95, "C": 60})
    cls = ev.classes(pd.Series([130.0, 129.9, 95.0, 60.0, 59.9]), m)
    assert cls.tolist() == ["A", "B", "B", "C", "D"]


def test_class_counts_lists_every_class(layers):
    s = ev.scores(layers, FIXED, 2021)
    counts = ev.class_counts(s)
    assert counts.index.tolist() == ["A", "B", "C", "D"]
    assert counts["count"].sum() == 4


def test_method_from_plan_reads_and_checks(tmp_path):
    m = ev.method_from_plan(fx.plan(tmp_path, """
        [evaluation]
        benchmark = "fixed"
        [evaluation.weights]
        tax_per_mu = 40
    """))
    assert m.weights["tax_per_mu"] == 40 and m.weights["emission"] == 10
    # scores() also takes the plan itself
    layers = fx.layers()
    by_plan = ev.scores(layers, fx.plan(tmp_path, "[evaluation]\nbenchmark = \"fixed\"\n"), 2021)
    assert by_plan["score"].tolist() == pytest.approx(ev.scores(
        layers, ev.Method(benchmark="fixed"), 2021)["score"].tolist())
    assert m.benchmarks["tax_per_mu"] == pytest.approx(24.097)   # Huangyan 2022 default
    with raises_said(PlanFileError, "sum to 100"):
        ev.method_from_plan(fx.plan(tmp_path, "[evaluation.class_shares]\nA = 50\n"))
    with raises_said(PlanFileError, "unknown indicators"):
        ev.method_from_plan(fx.plan(tmp_path, "[evaluation.weights]\nprofit = 5\n"))
    with raises_said(PlanFileError, "benchmark"):
        ev.method_from_plan(fx.plan(tmp_path, "[evaluation]\nbenchmark = \"median\"\n"))


def test_aggregate_is_a_ratio_of_sums(layers):
    s = ev.scores(layers, FIXED, 2021)
    towns = ev.aggregate(layers, s, "town").set_index("town_code")
    assert towns.loc["T1", "tax_per_mu"] == pytest.approx((30 + 300) / 30)
    assert towns.loc["T1", "enterprises"] == 2
    assert towns.loc["T1", "score"] == pytest.approx((55 + 134) / 2)   # equal land
    plats = ev.aggregate(layers, s, "platform").set_index("platform_id")
    assert plats.loc["PL1", "enterprises"] == 3                       # E4 has no parcel
    assert plats.loc["PL1", "energy_per_10k"] == pytest.approx((30 + 1500 + 90) / (150 + 1500 + 900))
    parks = ev.aggregate(layers, s, "park")
    assert parks["park_id"].tolist() == ["P1"] and parks["share_a_pct"].iloc[0] in (0, 100)
    with raises_said(ValueError, "Unknown level"):
        ev.aggregate(layers, s, "village")


def test_breaks_and_bins():
    y = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert ev.breaks(y, "quantiles", 2) == pytest.approx([5.5, 10])
    assert ev.breaks(pd.Series([1.0, 1, 1, 10, 10, 10]), "natural_breaks", 2) == [1.0, 10.0]
    assert ev.breaks(y, "equal_interval", 3) == pytest.approx([4.0, 7.0, 10.0])
    assert ev.breaks(pd.Series([3.0, 3.0]), "quantiles", 5) == [3.0]
    assert ev.bin_index(pd.Series([1.0, 5.5, 6, None]), [5.5, 10]).tolist() == [0, 0, 1, -1]
    with raises_said(ValueError, "scheme"):
        ev.breaks(y, "random", 3)


def test_natural_breaks_on_many_values_is_fast_and_deterministic():
    y = pd.Series(np.random.default_rng(1).lognormal(3, 1, 3000))
    a = ev.breaks(y, "natural_breaks", 5)
    assert a == ev.breaks(y, "natural_breaks", 5) and len(a) == 5 and a[-1] == pytest.approx(y.max())


def test_growth_of_above_scale_firms_like_for_like(layers):
    g = ev.growth(layers, [2021])
    # E2, E3 (above scale, figures in 2020 and 2021): tax 650 -> 750 on 30 mu
    assert g.loc[2021, "firms"] == 2
    assert g.loc[2021, "tax_per_mu_growth_pct"] == pytest.approx(100 * (750 / 650 - 1))
    assert g.loc[2021, "labour_productivity_growth_pct"] == pytest.approx(
        100 * ((2400 / 130) / (2000 / 132) - 1))
    per = ev.enterprise_growth(layers, 2021).set_index("enterprise_id")
    assert per.loc["E2", "tax_per_mu_growth_pct"] == pytest.approx(20.0)


def test_energy_intensive_above_the_plan_limit(layers):
    e = ev.energy_intensive(layers, 2021, limit_tce=0.57)
    assert e["enterprise_id"].tolist() == ["E2"]
    assert e.geometry.iloc[0] is not None
    assert ev.energy_intensive(layers, 2021, limit_tce=0.15)["enterprise_id"].tolist() == [
        "E2", "E1", "E4"]


def test_outside_platforms_by_geometry(layers):
    out = ev.outside_platforms(layers)
    assert out["enterprise_id"].tolist() == ["E4"]
    # a firm recorded against a park but lying outside every polygon still shows
    moved = layers["enterprises"].copy()
    moved.loc[moved["enterprise_id"] == "E1", "geometry"] = fx.Point(fx.X0 + 9000, fx.Y0)
    assert ev.outside_platforms({**layers, "enterprises": moved})["enterprise_id"].tolist() == [
        "E1", "E4"]


def test_an_enterprise_without_land_is_left_out_of_scores_and_aggregates(layers):
    before = ev.aggregate(layers, ev.scores(layers, FIXED, 2021), "town").set_index("town_code")
    ents = layers["enterprises"]
    ents.loc[ents["enterprise_id"] == "E2", "land_area_mu"] = 0.0
    scored = ev.scores(layers, FIXED, 2021)
    assert "E2" not in set(scored["enterprise_id"])
    left_out = ev.unscored(layers, 2021)
    assert left_out["enterprise_id"].tolist() == ["E2"] and left_out["reason"].tolist() == ["no_land_area"]
    town = ents.set_index("enterprise_id").loc["E2", "town_code"]
    after = ev.aggregate(layers, scored, "town").set_index("town_code")
    # E2's 300 (10k yuan) of tax no longer counts in its town's per-mu tax, nor its land
    e2_tax = layers["enterprise_figures"].query("enterprise_id == 'E2' and year == 2021")["tax_10k"].sum()
    assert after.loc[town, "enterprises"] == before.loc[town, "enterprises"] - 1
    if town in after.index and after.loc[town, "land_area_mu"] > 0:
        expected = (before.loc[town, "tax_per_mu"] * before.loc[town, "land_area_mu"] - e2_tax) / \
            (before.loc[town, "land_area_mu"] - 15.0)
        assert after.loc[town, "tax_per_mu"] == pytest.approx(expected)


def test_a_missing_indicator_is_missing_and_the_weights_renormalise():
    """A tax-bureau sheet has no revenue and no R&D: rnd_share is left out, not scored 0, and
    the enterprise's other weights are scaled to the full total (100/90 with R&D at 10)."""
    import geopandas as gpd
    import shapely

    from geo import evaluation

    ents = gpd.GeoDataFrame({
        "enterprise_id": ["E1", "E2"], "name": ["甲", "乙"], "town_code": ["t", "t"],
        "parcel_id": ["P1", "P2"], "park_id": [None, None], "industry": ["x", "x"],
        "above_scale": [True, True], "land_area_mu": [10.0, 10.0]},
        geometry=[shapely.Point(120, 28.6)] * 2, crs="EPSG:4490")
    figs = pd.DataFrame({"enterprise_id": ["E1", "E2"], "year": [2023, 2023],
                         "tax_10k": [100.0, 100.0], "value_added_10k": [500.0, 500.0],
                         "revenue_10k": [1000.0, None], "energy_tce": [100.0, 100.0],
                         "employees": [50, 50], "rnd_10k": [30.0, None]})
    method = evaluation.Method(benchmark="fixed", benchmarks={
        "tax_per_mu": 10.0, "value_added_per_mu": 50.0, "value_added_per_tce": 5.0,
        "labour_productivity": 10.0, "rnd_share": 0.03})
    scored = evaluation.scores({"enterprises": ents, "enterprise_figures": figs}, method, 2023)
    s = scored.set_index("enterprise_id")
    # E1: every item at its benchmark -> 100; E2: the same without R&D -> 90 x 100/90 = 100
    assert s.loc["E1", "score"] == pytest.approx(100.0)
    assert s.loc["E2", "score"] == pytest.approx(100.0)
    assert s.loc["E2", "missing_indicators"] == "rnd_share"
    assert s.loc["E2", "weight_factor"] == pytest.approx(100 / 90)
    assert s.loc["E1", "missing_indicators"] == "" and s.loc["E1", "weight_factor"] == 1.0
    assert evaluation.renormalised(scored)["enterprise_id"].tolist() == ["E2"]

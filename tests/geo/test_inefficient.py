"""Inefficient land: rules, knapsack proposal, progress, against hand-computed figures."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from geo import inefficient as ie
from geo.errors import PlanFileError
from tests.geo import perf_fixtures as fx
from tests.geo.said import raises_said


@pytest.fixture
def layers():
    return fx.layers()


def test_defaults_come_from_the_plan_file(tmp_path):
    rules = ie.rules_from_plan(fx.plan(tmp_path, """
        [inefficient]
        tax_per_mu_min_10k = 8.0
        rules = ["low_tax", "idle"]
    """))
    assert rules.tax_per_mu_min_10k == 8.0
    assert rules.rules == ("low_tax", "idle")
    assert rules.plot_ratio_min == 1.0  # documented default (Taizhou 认定办法)
    assert ie.rules_from_plan(fx.plan(tmp_path)) == ie.Rules()


@pytest.mark.parametrize("section, words", [
    ("rules = [\"low_tax\", \"ugly\"]", "ugly"),
    ("plot_ratio_min = -1", "plot_ratio_min"),
    ("threshold = 3", "threshold"),
])
def test_bad_rules_are_refused_naming_the_key(tmp_path, section, words):
    with raises_said(PlanFileError, words):
        ie.rules_from_plan(fx.plan(tmp_path, f"[inefficient]\n{section}\n"))


def test_tax_per_mu_sums_the_enterprises_over_mapped_mu(layers):
    tax = ie.parcel_tax_per_mu(layers["parcels"], layers["enterprises"],
                               layers["enterprise_figures"], 2021)
    assert tax.to_dict() == pytest.approx({"A": 30 / 15, "B": 300 / 15, "E": 450 / 15})


def test_idle_needs_a_full_year_past_the_agreed_start(layers):
    before = ie.idle_parcels(layers["land_sales"], pd.Timestamp("2019-12-31"))
    after = ie.idle_parcels(layers["land_sales"], pd.Timestamp("2020-03-01"))
    assert not before["C"] and after["C"]          # agreed 2019-03-01, never started
    assert not after["G"]                          # started 2019-04-01
    assert "E" not in before.index                 # sold only in 2020


def test_identify_flags_each_rule_on_its_parcel(layers):
    found = ie.identify(layers, ie.Rules(), year=2021, as_of="2021-12-31").set_index("parcel_id")
    assert found["reasons"].to_dict() == {"A": "low_tax", "B": "low_plot_ratio", "C": "idle",
                                          "D": "use_changed", "F": "low_plot_ratio"}
    assert found.loc["F", "area_mu"] == pytest.approx(30.0)
    assert found.loc["F", "case_status"] == "revitalised"
    assert found.loc["D", "case_id"] == "DX2"
    assert pd.isna(found.loc["A", "case_id"])


def test_identify_as_of_an_earlier_date_and_switched_off_rules(layers):
    early = ie.identify(layers, ie.Rules(), year=2021, as_of="2019-12-31").set_index("parcel_id")
    assert "C" not in early.index                   # not yet a year late
    assert early.loc["F", "case_status"] == "in_progress"   # revitalised only in 2020
    assert pd.isna(early.loc["D", "case_id"])       # case DX2 identified in 2021
    only_tax = ie.identify(layers, ie.Rules(rules=("low_tax",)), year=2021)
    assert only_tax["parcel_id"].tolist() == ["A"]


def test_candidates_leave_out_cases_under_way_and_price_the_gain(layers):
    found = ie.identify(layers, ie.Rules(), year=2021, as_of="2021-12-31")
    c = ie.candidates(found, ie.Rules(expected_tax_per_mu_10k=20.0)).set_index("parcel_id")
    assert sorted(c.index) == ["A", "B", "C", "D"]   # F revitalised; D only identified
    assert c.loc["A", "gain_10k"] == pytest.approx((20 - 2) * 15)
    assert c.loc["B", "gain_10k"] == pytest.approx(0.0)   # already at 20
    assert c.loc["C", "gain_10k"] == pytest.approx(20 * 15)  # no tax: counts as none


def _cands(areas, gains):
    return pd.DataFrame({"parcel_id": [f"p{i}" for i in range(len(areas))],
                         "area_mu": areas, "gain_10k": gains,
                         "gain_per_mu_10k": np.asarray(gains) / np.asarray(areas),
                         "tax_per_mu_10k": 0.0})


def test_knapsack_prefers_the_better_pair_within_the_cap():
    # R = 25, cap 30: {30} gains 50, {10, 20} gains 30 + 35 = 65, {10,20,30} too big
    p = ie.propose(_cands([10, 20, 30], [30, 35, 50]), 25, overshoot_pct=20)
    assert p.table["chosen"].tolist() == [True, True, False]
    assert p.gain_10k == pytest.approx(65) and p.chosen_mu == pytest.approx(30)
    assert p.table["why"].tolist() == ["chosen", "chosen", "no_room"]


def test_knapsack_is_optimal_against_brute_force():
    rng = np.random.default_rng(7)
    areas = np.round(rng.uniform(2, 20, 9), 2)
    gains = np.round(rng.uniform(0, 300, 9), 1)
    required, over = 40.0, 15.0
    cap = required * (1 + over / 100)
    best = max((sum(gains[list(s)]), s) for n in range(10)
               for s in itertools.combinations(range(9), n)
               if required <= sum(areas[list(s)]) <= cap)
    p = ie.propose(_cands(areas, gains), required, overshoot_pct=over)
    assert p.gain_10k == pytest.approx(best[0], rel=ie.MIP_REL_GAP)
    assert required <= p.chosen_mu <= cap


def test_knapsack_widens_the_cap_by_one_parcel_when_nothing_fits():
    p = ie.propose(_cands([40, 50], [10, 90]), 10, overshoot_pct=20)   # 12 mu fits nothing
    assert p.cap_mu == pytest.approx(60)
    assert p.table["chosen"].tolist() == [False, True]


def test_knapsack_short_and_nothing_due():
    short = ie.propose(_cands([5, 6], [1, 2]), 20)
    assert not short.feasible and short.table["chosen"].all()
    none = ie.propose(_cands([5, 6], [1, 2]), 0)
    assert none.feasible and not none.table["chosen"].any() and none.chosen_mu == 0


def test_explain_names_the_figures_of_each_choice():
    p = ie.propose(_cands([10, 20, 30], [30, 35, 50]), 25, overshoot_pct=20)
    why = ie.explain(p, expected_tax_per_mu_10k=20)
    assert why["key"].tolist() == ["ineff.why.chosen", "ineff.why.chosen", "ineff.why.no_room"]
    assert why["args"][2]["total"] == "60.0" and why["args"][2]["cap"] == "30.0"
    assert why["args"][0]["gain"] == "30"


def test_selection_totals_of_a_planners_choice():
    c = _cands([10, 20, 30], [30, 35, 50])
    tot = ie.selection_totals(c, ["p0", "p2"], 25)
    assert tot == {"mu": 40.0, "gain_10k": 80.0, "count": 2, "meets": True, "short_mu": 0.0}
    assert ie.selection_totals(c, ["p0"], 25)["short_mu"] == 15.0


def test_remaining_mu_keeps_pace_with_the_cumulative_target(tmp_path, layers):
    plan = fx.plan(tmp_path)
    # due by end 2020: 600 x 2/3 = 400; case F (30 mu) revitalised 2020-06-15
    assert ie.remaining_mu(layers, plan, 2020, as_of="2020-01-01") == pytest.approx(400)
    assert ie.remaining_mu(layers, plan, 2020, as_of="2020-12-31") == pytest.approx(370)
    assert ie.remaining_mu(layers, plan, 2030) == pytest.approx(570)


def test_progress_per_year_and_cumulative(tmp_path, layers):
    plan = fx.plan(tmp_path)
    prog = ie.progress(layers, plan)
    assert prog.index.tolist() == [2019, 2020, 2021]
    assert prog["revitalised_mu"].tolist() == pytest.approx([0, 30, 0])
    assert prog["revitalised_mu_cum"].tolist() == pytest.approx([0, 30, 30])
    assert prog["renovated_floor_m2_cum"].iloc[-1] == 8000
    assert prog["revitalised_mu_target"].iloc[0] == 600
    assert not prog["revitalised_mu_met"].any()
    early = ie.progress(layers, plan, as_of="2020-03-31")
    assert early.index.tolist() == [2019, 2020] and early["revitalised_mu_cum"].iloc[-1] == 0


def test_case_table_adds_mu_town_and_platform(layers):
    t = ie.case_table(layers, as_of="2021-12-31").set_index("case_id")
    assert t.loc["DX1", "area_mu"] == pytest.approx(30)
    assert t.loc["DX1", "town_code"] == "T1" and pd.isna(t.loc["DX1", "platform_id"])
    assert t.loc["DX2", "platform_id"] == "PL1"

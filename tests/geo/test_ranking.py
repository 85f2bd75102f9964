"""Platform ranking: quarterly indicators, scores, ranks with ties, red/yellow/blue flags."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import ranking as rk
from geo.errors import PlanFileError
from tests.geo import perf_fixtures as fx
from tests.geo.said import raises_said

ONE = rk.RankingRules(indicators=(rk.Indicator("tax_10k", 1.0, 10.0),))


def _values(scores: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"tax_10k": scores})


def test_flags_follow_the_plan_rule():
    # sum 100, mean 12.5: scores are value / 12.5; target 10 -> u1..u4 met, u5..u8 missed
    vals = _values({"u1": 40, "u2": 14, "u3": 12, "u4": 10, "u5": 9, "u6": 8, "u7": 5, "u8": 2})
    f = rk.rank_and_flag(vals, ONE).set_index("unit_id")
    assert f["rank"].to_dict() == {f"u{i}": i for i in range(1, 9)}
    assert f["flag"].to_dict() == {"u1": "red", "u2": "red", "u3": "red", "u4": "blue",
                                   "u5": "blue", "u6": "yellow", "u7": "yellow", "u8": "yellow"}
    assert f.loc["u1", "score"] == pytest.approx(40 / 12.5)


def test_a_top_three_unit_that_missed_an_indicator_gets_no_red():
    two = rk.RankingRules(indicators=(rk.Indicator("tax_10k", 1.0, 10.0),
                                      rk.Indicator("land_sold_mu", 1.0, 5.0)))
    vals = pd.DataFrame({"tax_10k": [50, 20, 20, 10, 5, 1], "land_sold_mu": [0, 6, 6, 6, 6, 6]},
                        index=["a", "b", "c", "d", "e", "f"])
    f = rk.rank_and_flag(vals, two).set_index("unit_id")
    assert f.loc["a", "rank"] == 1 and not f.loc["a", "met_all"]
    assert f.loc["a", "flag"] == "blue"              # 在完成重点考核指标的基础上
    loose = rk.RankingRules(indicators=two.indicators, red_requires_all_met=False)
    assert rk.rank_and_flag(vals, loose).set_index("unit_id").loc["a", "flag"] == "red"


def test_ties_share_a_rank_and_a_flag():
    vals = _values({"a": 50, "b": 40, "c": 30, "d": 30, "e": 5, "f": 5, "g": 5})
    f = rk.rank_and_flag(vals, ONE)
    assert f["unit_id"].tolist() == list("abcdefg")             # ties listed by id
    ranks = f.set_index("unit_id")
    assert ranks["rank"].to_dict() == {"a": 1, "b": 2, "c": 3, "d": 3, "e": 5, "f": 5, "g": 5}
    assert ranks["flag"].to_dict() == {"a": "red", "b": "red", "c": "red", "d": "red",
                                       "e": "yellow", "f": "yellow", "g": "yellow"}
    # a tie at the third place from the bottom: all tied units are "bottom three"
    vals = _values({"a": 50, "b": 40, "c": 30, "d": 3, "e": 3, "f": 3, "g": 2})
    flags = rk.rank_and_flag(vals, ONE).set_index("unit_id")["flag"]
    assert (flags[["d", "e", "f", "g"]] == "yellow").all()
    assert rk.rank_and_flag(vals, ONE)["flag"].tolist() == rk.rank_and_flag(vals, ONE)["flag"].tolist()


def test_indicator_values_from_dated_records():
    layers = fx.layers()
    units = rk.units(layers, rk.RankingRules(indicators=ONE.indicators))
    assert units["unit_id"].tolist() == ["PL1", "T1", "T2"]     # T3 is not a key town
    v = rk.indicator_values(layers, units, "2020Q2")
    # sale S3 on E (15 mu, PL1/T2) on 2020-05-01; case on F (30 mu, T1) on 2020-06-15;
    # park P1 started 2020-04-01; 2020 tax: E1 20 + E2 250 (T1), E3 400 (T2)
    assert v.loc["PL1", "land_sold_mu"] == pytest.approx(15)
    assert v.loc["T2", "land_sold_mu"] == pytest.approx(15)
    assert v.loc["T1", "revitalised_mu"] == pytest.approx(30)
    assert v.loc["PL1", "revitalised_mu"] == 0
    assert v.loc["PL1", "parks_started"] == 1 and v.loc["T1", "parks_started"] == 1
    assert v.loc["PL1", "tax_10k"] == pytest.approx((20 + 250 + 400) / 4)
    assert v.loc["T1", "tax_per_mu"] == pytest.approx(270 / 30)
    q3 = rk.indicator_values(layers, units, "2020Q3")
    assert q3["land_sold_mu"].sum() == 0 and q3.loc["T1", "tax_10k"] == pytest.approx(270 / 4)


def _tax_only(tmp_path, lists: str = ""):
    """The fixture plan ranking by 2021 tax alone (target 80), ``lists`` as given."""
    return fx.plan(tmp_path, f"""
        [ranking]
        {lists}
        [[ranking.indicators]]
        id = "tax_10k"
        weight = 1
        target = 80
    """)


def test_flags_end_to_end_on_the_fixture(tmp_path):
    plan = _tax_only(tmp_path)
    f = rk.flags(fx.layers(), plan, "2021Q1").set_index("unit_id")
    # 2021 tax / 4: PL1 (30+300+450)/4 = 195, T1 330/4 = 82.5, T2 450/4 = 112.5; by default
    # platforms and towns are ranked in two lists (a platform lies in a town: the same land)
    assert f["rank"].to_dict() == {"PL1": 1, "T2": 1, "T1": 2}
    assert (f["flag"] == "red").all()
    assert f.loc["PL1", "quarter"] == "2021Q1" and f.crs is not None
    together = _tax_only(tmp_path, 'lists = "together"')
    one = rk.flags(fx.layers(), together, "2021Q1").set_index("unit_id")
    assert one["rank"].to_dict() == {"PL1": 1, "T2": 2, "T1": 3}


def test_a_tie_is_shown_as_a_tie_with_equal_flags():
    values = pd.DataFrame({"tax_10k": [100.0, 100.0, 50.0, 10.0]},
                          index=pd.Index(["A", "B", "C", "D"], name="unit_id"))
    rules = rk.RankingRules(indicators=(rk.Indicator("tax_10k", 1, 0),), top_n=1, bottom_n=1)
    out = rk.rank_and_flag(values, rules).set_index("unit_id")
    assert out.loc["A", "rank"] == out.loc["B", "rank"] == 1
    assert out.loc["A", "flag"] == out.loc["B", "flag"] == "red"
    assert out.loc["D", "rank_from_bottom"] == 1


def test_rules_from_plan_and_quarters(tmp_path):
    plan = fx.plan(tmp_path)
    rules = rk.rules_from_plan(plan)
    assert rules.indicators == rk.DEFAULT_INDICATORS and rules.top_n == 3
    assert rk.quarters(plan)[0] == "2019Q1" and rk.quarters(plan)[-1] == "2021Q4"
    assert len(rk.quarters(plan)) == 12
    with raises_said(PlanFileError, "profit"):
        rk.rules_from_plan(fx.plan(tmp_path, "[[ranking.indicators]]\nid = \"profit\"\n"
                                             "weight = 1\ntarget = 0\n"))
    with raises_said(PlanFileError, "weight"):
        rk.rules_from_plan(fx.plan(tmp_path, "[[ranking.indicators]]\nid = \"tax_10k\"\n"
                                             "target = 0\n"))


def test_history_has_every_quarter(tmp_path):
    h = rk.history(fx.layers(), fx.plan(tmp_path))
    assert h.shape == (3, 12)
    assert set(h.to_numpy().ravel()) <= set(rk.FLAGS)

"""Land supply: sold per year, split, expansion, idle flags (1 and 2 year boundaries),
standard-land terms, lifecycle gaps."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo import land
from tests.geo import tracking_fixtures as fx
from tests.geo.said import raises_said


def test_sold_by_year_against_600_mu():
    s = land.sold_by_year(fx.layers(), fx.plan())
    assert list(s.index) == [2019, 2020, 2021]
    assert list(s["area_mu"]) == pytest.approx([15.0, 45.0, 0.0])
    assert list(s["cumulative_mu"]) == pytest.approx([15.0, 60.0, 60.0])
    assert list(s["cumulative_target_mu"]) == [600.0, 1200.0, 1800.0]
    assert not s["met"].any()


def test_sold_by_year_met_at_exact_target_and_as_of():
    s = land.sold_by_year(fx.layers(), fx.plan(land_sold_mu=15))
    assert list(s["met"]) == [True, True, False]
    half = land.sold_by_year(fx.layers(), fx.plan(), as_of=pd.Timestamp("2020-06-30"))
    assert list(half.index) == [2019, 2020]
    assert list(half["area_mu"]) == pytest.approx([15.0, 30.0])


def test_unmapped_parcel_counts_its_contract_area():
    lay = fx.layers()
    lay["land_sales"].loc[0, "parcel_id"] = "NOT-MAPPED"  # S1, contract 10,000 m2 = 15 mu
    lay["land_sales"].loc[0, "contract_area_m2"] = 20000.0  # 30 mu
    s = land.sold_by_year(lay, fx.plan())
    assert s.loc[2019, "area_mu"] == pytest.approx(30.0)


def test_sold_by_platform_and_town():
    by_p = land.sold_by(fx.layers(), fx.plan(), by="platform_id")
    assert by_p.loc[2019, "PL1"] == pytest.approx(15.0)
    assert by_p.loc[2020, "PL1"] == pytest.approx(15.0)
    assert by_p.loc[2020, land.OUTSIDE] == pytest.approx(30.0)
    assert by_p.loc[2021].sum() == 0.0
    by_t = land.sold_by(fx.layers(), fx.plan(), by="town_code")
    assert by_t.loc[2020, "T1"] == pytest.approx(15.0) and by_t.loc[2020, "T2"] == pytest.approx(30.0)


def test_expansion_against_1000_mu():
    e = land.expansion(fx.layers(), fx.plan()).iloc[0]
    assert e["value_mu"] == pytest.approx(45.0)  # S2 (30 mu) + S3 (15 mu)
    assert e["target_mu"] == 1000.0 and e["share"] == pytest.approx(0.045) and not e["met"]
    before = land.expansion(fx.layers(), fx.plan(), as_of=pd.Timestamp("2020-06-30")).iloc[0]
    assert before["value_mu"] == pytest.approx(30.0)


def _one_sale(agreed_start="2020-03-01", actual_start=None, price=100.0):
    return pd.DataFrame({"sale_id": ["S"], "parcel_id": ["A"], "sale_date": [pd.Timestamp("2019-12-01")],
                         "price_10k_yuan": [price], "agreed_start": [pd.Timestamp(agreed_start)],
                         "actual_start": [pd.Timestamp(actual_start) if actual_start else pd.NaT],
                         "actual_completion": [pd.NaT]})


@pytest.mark.parametrize(("as_of", "flag", "fee", "days"), [
    ("2020-02-29", "not_due", 0.0, 0),
    ("2020-03-01", "waiting", 0.0, 0),
    ("2021-02-28", "waiting", 0.0, 364),   # one day short of a year
    ("2021-03-01", "idle", 20.0, 365),     # exactly one year: idle, fee 20 % of 100
    ("2022-02-28", "idle", 20.0, 729),     # one day short of two years
    ("2022-03-01", "reclaim", 20.0, 730),  # exactly two years: reclaim
])
def test_idle_flag_boundaries(as_of, flag, fee, days):
    f = land.idle_flags(_one_sale(), as_of=pd.Timestamp(as_of)).iloc[0]
    assert f["flag"] == flag
    assert f["idle_fee_10k"] == pytest.approx(fee)
    assert f["days_late"] == days


def test_started_sale_is_not_idle_and_late_start_counts_days():
    f = land.idle_flags(_one_sale(actual_start="2020-06-01"), as_of=pd.Timestamp("2023-01-01")).iloc[0]
    assert f["flag"] == "started" and f["idle_fee_10k"] == 0.0 and f["days_late"] == 92


def test_start_after_the_date_was_not_known_then():
    f = land.idle_flags(_one_sale(actual_start="2022-06-01"), as_of=pd.Timestamp("2021-06-01")).iloc[0]
    assert f["flag"] == "idle"


def test_leap_day_agreed_start():
    f = land.idle_flags(_one_sale(agreed_start="2020-02-29"), as_of=pd.Timestamp("2021-02-28")).iloc[0]
    assert f["flag"] == "idle"


def test_rules_come_from_the_plan():
    p = fx.plan()
    p = dataclasses.replace(p, raw={**p.raw, "land": {"idle_after_years": 2, "reclaim_after_years": 3,
                                                      "idle_fee_share": 0.1}})
    r = land.rules(p)
    f = land.idle_flags(_one_sale(), as_of=pd.Timestamp("2022-03-01"), rules=r).iloc[0]
    assert f["flag"] == "idle" and f["idle_fee_10k"] == pytest.approx(10.0)
    read = land.rules(fx.plan())
    assert read == land.LandRules(1, 2, 0.2, read.idle_rules_source,
                                  idle_rules_source_en=read.idle_rules_source_en)
    # the English interface has the basis in English
    assert "Idle Land" in read.idle_rules_source_en


def test_terms_check():
    t = land.terms_check(fx.layers(), fx.plan(), as_of=pd.Timestamp("2021-12-31")).set_index("sale_id")
    # S1 on parcel A (15 mu): E1 120 + E2 60 in 2021 -> 12 per mu, agreed 20: not met
    assert t.loc["S1", "actual_tax_per_mu_10k"] == pytest.approx(12.0)
    assert bool(t.loc["S1", "tax_met"]) is False
    # S2 on parcel B (30 mu): E3 150 -> 5 per mu
    assert t.loc["S2", "actual_tax_per_mu_10k"] == pytest.approx(5.0)
    # S3 on parcel C: nobody reports tax there
    assert pd.isna(t.loc["S3", "tax_met"])
    # plot ratio: A 1.0 < 1.2; B unknown; C 0.8 < 1.0
    assert bool(t.loc["S1", "plot_ratio_met"]) is False and pd.isna(t.loc["S2", "plot_ratio_met"])
    # S1 agreed completion 2021-06-01, never completed: late; S2 due 2022: not yet
    assert bool(t.loc["S1", "completion_late"]) and not bool(t.loc["S2", "completion_late"])
    # S1 not started since 2020-03-01: idle as of 2021-12-31, fee 20
    assert t.loc["S1", "flag"] == "idle" and t.loc["S1", "idle_fee_10k"] == pytest.approx(20.0)
    assert t.loc["S2", "flag"] == "started"


def test_terms_met_at_exact_agreed_tax():
    lay = fx.layers()
    lay["land_sales"].loc[0, "tax_per_mu_10k"] = 12.0
    t = land.terms_check(lay, fx.plan(), as_of=pd.Timestamp("2021-12-31")).set_index("sale_id")
    assert bool(t.loc["S1", "tax_met"]) is True


def test_lifecycle_gaps_by_town_and_platform():
    by_t = land.lifecycle_gaps(fx.parcels(), by="town_code")
    assert list(by_t.columns) == list(land.GAP_ORDER)
    # T1: A approved 15, E producing 15; C in use and F meeting are no gap
    assert by_t.loc["T1"].tolist() == pytest.approx([15.0, 0.0, 0.0, 15.0])
    # T2: B supplied 30, D built 15
    assert by_t.loc["T2"].tolist() == pytest.approx([0.0, 30.0, 15.0, 0.0])
    assert by_t.loc["total"].tolist() == pytest.approx([15.0, 30.0, 15.0, 15.0])
    by_p = land.lifecycle_gaps(fx.parcels(), by="platform_id")
    assert by_p.loc["PL1"].tolist() == pytest.approx([15.0, 0.0, 15.0, 15.0])
    assert by_p.loc[land.OUTSIDE].tolist() == pytest.approx([0.0, 30.0, 0.0, 0.0])


def test_lifecycle_gaps_as_of():
    gaps = land.lifecycle_gaps(fx.parcels(), by="town_code", land_sales=fx.sales(),
                               as_of=pd.Timestamp("2020-12-31"))
    # E (approved 2021) is not there yet; B stays at its stored 'supplied' (30); C was sold
    # 2020-11-30 and starts in 2021: supplied then (15); A approved 15; D built 15
    assert gaps.loc["total"].tolist() == pytest.approx([15.0, 45.0, 15.0, 0.0])
    with raises_said(ValueError, "land_sales"):
        land.lifecycle_gaps(fx.parcels(), as_of=pd.Timestamp("2020-12-31"))


def test_summary_keys():
    s = land.summary(fx.layers(), fx.plan(), as_of=pd.Timestamp("2021-12-31")).set_index("key")
    assert s.loc["sold_2020", "value"] == pytest.approx(45.0)
    assert s.loc["expansion", "value"] == pytest.approx(45.0)
    assert s.loc["idle", "value"] == 1 and s.loc["reclaim", "value"] == 0
    assert s.loc["idle_fee_10k", "value"] == pytest.approx(20.0)
    # B supplied (30); C started 2021-03-01 so in use by the end of 2021
    assert s.loc["supplied_not_used", "value"] == pytest.approx(30.0)

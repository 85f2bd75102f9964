"""Micro parks: table, per-mu tax against the standard, progress, filters, timeline."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo import parks
from geo.errors import PlanFileError
from tests.geo import tracking_fixtures as fx
from tests.geo.said import raises_said


def test_table_per_mu_tax_against_standard():
    t = parks.table(fx.layers(), fx.plan()).set_index("park_id")
    assert t.loc["P1", "mapped_area_mu"] == pytest.approx(15.0)
    assert t.loc["P2", "mapped_area_mu"] == pytest.approx(30.0)
    assert (t["tax_year"] == 2021).all()
    # P1: (120 + 60) / 15 = 12.0, exactly the standard of 12: meets it
    assert t.loc["P1", "tax_10k"] == pytest.approx(180.0)
    assert t.loc["P1", "tax_per_mu_10k"] == pytest.approx(12.0)
    assert bool(t.loc["P1", "meets_standard"]) is True
    # P2: 150 / 30 = 5.0
    assert t.loc["P2", "tax_per_mu_10k"] == pytest.approx(5.0)
    assert bool(t.loc["P2", "meets_standard"]) is False
    # parks not built: no verdict
    assert pd.isna(t.loc["P3", "meets_standard"]) and pd.isna(t.loc["P4", "meets_standard"])
    assert t.loc["P3", "platform_id"] == parks.OUTSIDE
    assert list(parks.table(fx.layers(), fx.plan()).columns) == parks.TABLE_COLUMNS


def test_standard_comes_from_the_plan():
    p = fx.plan()
    p = dataclasses.replace(p, raw={**p.raw, "parks": {"tax_per_mu_standard_10k": 4.0}})
    t = parks.table(fx.layers(), p).set_index("park_id")
    assert (t["tax_standard_10k"] == 4.0).all()
    assert bool(t.loc["P2", "meets_standard"]) is True


def test_bad_plan_value_is_refused():
    p = fx.plan()
    p = dataclasses.replace(p, raw={**p.raw, "parks": {"tax_per_mu_standard_10k": "twelve"}})
    with raises_said(PlanFileError, r"\[parks\]"):
        parks.rules(p)


def test_table_as_of_uses_that_years_tax():
    t = parks.table(fx.layers(), fx.plan(), as_of=pd.Timestamp("2020-12-31")).set_index("park_id")
    assert (t["tax_year"] == 2020).all()
    assert t.loc["P1", "tax_per_mu_10k"] == pytest.approx(90.0 / 15.0)
    assert t.loc["P2", "status"] == "under_construction"


def _values(df: pd.DataFrame) -> dict:
    return dict(zip(df["target_id"], df["value"], strict=True))


def test_progress_now():
    prog = parks.progress(fx.layers(), fx.plan())
    assert list(prog["target_id"]) == list(parks.PARK_TARGETS)
    assert _values(prog) == {
        "parks_built": 2, "park_land_mu": 57.0, "park_floor_m2": 90000.0, "smart_parks": 2,
        "three_star_parks": 1, "enterprises_in_parks": 50, "specialised_enterprises": 3}
    row = prog.set_index("target_id").loc["parks_built"]
    assert row["target"] == 17 and row["share"] == pytest.approx(2 / 17) and not row["met"]


def test_progress_met_at_exact_target():
    prog = parks.progress(fx.layers(), fx.plan(smart_parks=2, three_star_parks=2)).set_index("target_id")
    assert prog.loc["smart_parks", "met"]  # 2 >= 2
    assert not prog.loc["three_star_parks", "met"]  # 1 < 2


def test_progress_as_of():
    prog = _values(parks.progress(fx.layers(), fx.plan(), as_of=pd.Timestamp("2020-12-31")))
    assert prog == {"parks_built": 1, "park_land_mu": 45.0, "park_floor_m2": 80000.0,
                    "smart_parks": 1, "three_star_parks": 1, "enterprises_in_parks": 40,
                    "specialised_enterprises": 3}
    early = _values(parks.progress(fx.layers(), fx.plan(), as_of=pd.Timestamp("2019-12-31")))
    assert early["parks_built"] == 0 and early["park_land_mu"] == 20.0


def test_filters():
    t = parks.table(fx.layers(), fx.plan())
    assert list(parks.filter_table(t, towns=["T2"])["park_id"]) == ["P3", "P4"]
    assert list(parks.filter_table(t, platforms=[parks.OUTSIDE])["park_id"]) == ["P3"]
    assert list(parks.filter_table(t, statuses=["operating", "completed"])["park_id"]) == ["P1", "P2"]
    assert list(parks.filter_table(t, themes=["机械"], towns=["T1"])["park_id"]) == ["P1"]
    assert len(parks.filter_table(t)) == 4


def test_timeline_by_year():
    tl = parks.timeline(fx.parks(), freq="YE")
    assert list(tl.index) == list(pd.to_datetime(["2019-12-31", "2020-12-31", "2021-12-31"]))
    assert list(tl["started"]) == [1, 2, 3]
    assert list(tl["completed"]) == [0, 1, 2]


def test_events_are_sorted():
    ev = parks.events(fx.parks())
    assert list(ev["event"]) == ["start", "start", "completion", "completion", "start"]
    assert ev["date"].is_monotonic_increasing

"""As-of dates: periods, parks/sales/parcels/cases turned back, audit rewind."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import asof
from tests.geo import tracking_fixtures as fx


def test_period_end_years_and_quarters():
    assert asof.period_end("2020") == pd.Timestamp("2020-12-31")
    assert asof.period_end("2020Q1") == pd.Timestamp("2020-03-31")
    assert asof.period_end("2021Q2") == pd.Timestamp("2021-06-30")
    assert asof.period_end("2024Q1") == pd.Timestamp("2024-03-31")
    assert asof.period_end("current") is None
    assert asof.period_end(None) is None
    with pytest.raises(ValueError, match="2020Q5"):
        asof.period_end("2020Q5")


def test_periods_lists_years_then_quarters():
    assert asof.periods(2020, 2021, quarters=False) == ["2020", "2021"]
    assert asof.periods(2020, 2020) == ["2020", "2020Q1", "2020Q2", "2020Q3", "2020Q4"]


def test_parks_status_from_dates():
    parks = fx.parks()
    st = lambda d: dict(zip(parks["park_id"], asof.parks_as_of(parks, d)["status"], strict=True))  # noqa: E731
    # the day before P1 starts: nothing started
    assert st("2019-02-28") == {"P1": "planned", "P2": "planned", "P3": "planned", "P4": "planned"}
    # exactly on the start date: under construction
    assert st("2019-03-01")["P1"] == "under_construction"
    # exactly on the completion date: built, with the stored built status (operating)
    assert st("2020-06-30") == {"P1": "operating", "P2": "under_construction", "P3": "planned",
                                "P4": "planned"}
    # P2 is stored 'completed': never shown ahead of that
    assert st("2021-12-31") == {"P1": "operating", "P2": "completed", "P3": "planned",
                                "P4": "under_construction"}


def test_parks_not_built_have_no_tenants_yet():
    out = asof.parks_as_of(fx.parks(), "2020-12-31").set_index("park_id")
    assert out.loc["P1", "enterprises_in"] == 40 and out.loc["P1", "star_rating"] == 3
    assert out.loc["P2", "enterprises_in"] == 0 and out.loc["P2", "star_rating"] == 0
    assert not out.loc["P2", "is_smart"]
    assert pd.isna(out.loc["P2", "completion_date"])


def test_stored_status_caps_dates():
    parks = fx.parks()
    parks.loc[parks["park_id"] == "P4", "completion_date"] = pd.Timestamp("2021-08-01")
    out = asof.parks_as_of(parks, "2021-12-31").set_index("park_id")
    assert out.loc["P4", "status"] == "under_construction"  # stored under construction


def test_none_returns_data_as_stored():
    parks = fx.parks()
    pd.testing.assert_frame_equal(asof.parks_as_of(parks, None), parks)


def test_sales_as_of_includes_the_day_and_blanks_later_starts():
    out = asof.sales_as_of(fx.sales(), "2020-11-30").set_index("sale_id")
    assert list(out.index) == ["S1", "S2", "S3"]
    assert pd.isna(out.loc["S3", "actual_start"])  # started 2021-03-01, not known yet
    assert out.loc["S2", "actual_start"] == pd.Timestamp("2020-10-01")
    assert list(asof.sales_as_of(fx.sales(), "2020-11-29")["sale_id"]) == ["S1", "S2"]


def test_parcels_as_of_lifecycle_from_sales():
    parcels = fx.parcels()
    parcels.loc[parcels["parcel_id"] == "B", "lifecycle"] = "meeting"
    parcels.loc[parcels["parcel_id"] == "C", "lifecycle"] = "meeting"
    out = asof.parcels_as_of(parcels, fx.sales(), "2020-12-31").set_index("parcel_id")
    # E approved in 2021: not there yet
    assert "E" not in out.index
    # A sold 2019, never started; stored 'approved' caps the derived 'supplied'
    assert out.loc["A", "lifecycle"] == "approved"
    # B sold 2020-03, started 2020-10: in use as of 2020 (stored 'meeting' is later)
    assert out.loc["B", "lifecycle"] == "in_use"
    # C sold 2020-11-30, starts 2021: supplied
    assert out.loc["C", "lifecycle"] == "supplied"
    # D and F have no sale record: stored stage kept
    assert out.loc["D", "lifecycle"] == "built" and out.loc["F", "lifecycle"] == "meeting"
    before_sale = asof.parcels_as_of(parcels, fx.sales(), "2020-02-29").set_index("parcel_id")
    assert before_sale.loc["B", "lifecycle"] == "approved"


def test_cases_as_of():
    cases = pd.DataFrame({"case_id": ["K1", "K2", "K3"], "status": ["revitalised"] * 2 + ["identified"],
                          "identified_year": [2019, 2020, 2021],
                          "revitalised_date": pd.to_datetime(["2020-05-01", "2021-03-15", None])})
    out = asof.cases_as_of(cases, "2020-12-31").set_index("case_id")
    assert list(out.index) == ["K1", "K2"]
    assert out.loc["K1", "status"] == "revitalised"
    assert out.loc["K2", "status"] == "in_progress" and pd.isna(out.loc["K2", "revitalised_date"])


def test_rewind_undoes_later_edits_but_not_dates():
    parks = fx.parks()
    parks.loc[parks["park_id"] == "P1", "star_rating"] = 4
    audit = pd.DataFrame({
        "audit_id": [1, 2], "at": ["2022-03-01T10:00:00", "2022-03-01T10:00:00"],
        "user": ["u", "u"], "layer": ["parks", "parks"], "feature_id": ["P1", "P1"],
        "field": ["star_rating", "completion_date"], "old_value": ["3", None],
        "new_value": ["4", "2020-06-30"]})
    back = asof.rewind(parks, audit, "parks", "park_id", pd.Timestamp("2021-12-31")).set_index("park_id")
    assert back.loc["P1", "star_rating"] == 3
    assert back.loc["P1", "completion_date"] == pd.Timestamp("2020-06-30")  # dates are facts
    same_day = asof.rewind(parks, audit, "parks", "park_id", pd.Timestamp("2022-03-01"))
    assert same_day.set_index("park_id").loc["P1", "star_rating"] == 4


def test_layers_as_of_combines_rewind_and_dates():
    lay = fx.layers()
    lay["parks"].loc[lay["parks"]["park_id"] == "P1", "status"] = "completed"
    lay["audit"] = pd.DataFrame({"audit_id": [1], "at": ["2021-01-10T09:00:00"], "user": ["u"],
                                 "layer": ["parks"], "feature_id": ["P1"], "field": ["status"],
                                 "old_value": ["operating"], "new_value": ["completed"]})
    then = asof.layers_as_of(lay, pd.Timestamp("2020-12-31"))
    assert then["parks"].set_index("park_id").loc["P1", "status"] == "operating"
    later = asof.layers_as_of(lay, pd.Timestamp("2021-03-31"))
    assert later["parks"].set_index("park_id").loc["P1", "status"] == "completed"
    assert list(then["enterprise_figures"]["year"]) == [2020]
    assert asof.layers_as_of(lay, None) is lay

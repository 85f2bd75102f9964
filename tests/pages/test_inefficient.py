"""The inefficient-land page in AppTest: renders, filters narrow the table, the proposal
meets this year's mu and the planner's changes update the totals."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import accounts, asof, inefficient, plan, store
from tests.pages.conftest import open_page, open_page_alone

PAGE = "pages/inefficient.py"


@pytest.fixture
def app(demo_store, monkeypatch):
    return open_page(PAGE, demo_store, monkeypatch)


def _table(at, column):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_renders_progress_and_filters_change_the_table(app, demo_store):
    assert app.title[0].value == "低效用地认定与盘活"
    labels = [m.label for m in app.metric][:3]
    assert labels == ["累计盘活低效用地（亩）", "累计改造旧厂房（平方米）", "累计建成标准厂房（平方米）"]
    found = _table(app, "认定原因")
    assert len(found) == int(_metric(app, "低效宗地（宗）").replace(",", ""))
    towns = sorted(found["乡镇"].unique())
    assert len(towns) > 1
    app.multiselect(key="ineff.towns").set_value(["331122101"]).run()
    narrowed = _table(app, "认定原因")
    assert 0 < len(narrowed) < len(found) and set(narrowed["乡镇"]) == {"壶镇镇"}
    app.multiselect(key="ineff.rules").set_value(["low_tax"]).run()
    only_tax = _table(app, "认定原因")
    assert set(only_tax["认定原因"]) == {"亩均税收偏低"}
    cases = _table(app, "处置方式")
    app.multiselect(key="ineff.routes").set_value(["reclaim"]).run()
    assert set(_table(app, "处置方式")["处置方式"]) == {"收回"} and len(_table(app, "处置方式")) < len(cases)


def test_proposal_as_of_mid_2020_and_planner_changes(app, demo_store):
    app.selectbox(key="inefficient.asof").set_value("2020Q2").run()
    assert not app.exception
    layers = store.read_all(demo_store)
    date = pd.Timestamp("2020-06-30")
    due = inefficient.remaining_mu(asof.layers_as_of(layers, date), plan.load_plan(), 2020, as_of=date)
    required = next(n for n in app.number_input if n.label == "本年尚需盘活（亩）")
    assert required.value == pytest.approx(round(due, 1))
    chosen_mu = float(_metric(app, "选定面积（亩）").replace(",", ""))
    assert chosen_mu >= required.value > 0
    sel = next(ms for ms in app.multiselect if ms.label == "选定宗地（可增删）")
    assert len(sel.value) > 1
    candidates = _table(app, "取舍理由")
    assert candidates["取舍理由"].str.startswith("入选").sum() == len(sel.value)
    # drop one parcel: the totals follow
    sel.set_value(sel.value[1:]).run()
    assert float(_metric(app, "选定面积（亩）").replace(",", "")) < chosen_mu
    assert _metric(app, "选定宗数") == str(len(sel.value) - 0)


def test_a_case_status_edit_lands_in_the_store_and_its_audit(store_copy, monkeypatch):
    at = open_page_alone(PAGE, store_copy, monkeypatch)
    cases = store.read_layer(store_copy, "cases").set_index("case_id")
    case_id = cases.index[cases["status"] == "in_progress"][0]
    at.selectbox(key="ineff.cases.edit.feature").set_value(case_id).run()
    at.selectbox(key="ineff.cases.edit.field").set_value("status").run()
    at.selectbox(key=f"ineff.cases.edit.value.{case_id}.status").set_value("identified").run()
    at.button(key="ineff.cases.edit.save").click().run()
    assert not at.exception and not at.error
    assert store.read_layer(store_copy, "cases").set_index("case_id").loc[case_id, "status"] == "identified"
    audit = store.read_layer(store_copy, "audit")
    assert audit[["user", "layer", "feature_id", "field", "old_value", "new_value"]].iloc[0].tolist() \
        == [accounts.LOCAL_USER, "cases", case_id, "status", "in_progress", "identified"]

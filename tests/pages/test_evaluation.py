"""The per-mu evaluation page in AppTest: classes as computed, filters, map controls."""

from __future__ import annotations

import pytest

from geo import evaluation, plan, store
from tests.pages.conftest import open_page

PAGE = "pages/evaluation.py"


@pytest.fixture
def app(demo_store, monkeypatch):
    return open_page(PAGE, demo_store, monkeypatch)


def _table(at, column):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_classes_filters_and_map_controls(app, demo_store):
    assert app.title[0].value.startswith("亩均论英雄")
    layers = store.read_all(demo_store)
    year = int(layers["enterprise_figures"]["year"].max())
    counts = evaluation.class_counts(evaluation.scores(
        layers, evaluation.method_from_plan(plan.load_plan()), year))
    shown = {m.label: m.value for m in app.metric}
    for cls in evaluation.CLASSES:
        assert shown[f"{cls}类企业"] == str(counts.loc[cls, "count"])
    table = _table(app, "等级")
    assert len(table) == counts["count"].sum()
    app.multiselect(key="ev.cls").set_value(["A"]).run()
    only_a = _table(app, "等级")
    assert len(only_a) == counts.loc["A", "count"] and set(only_a["等级"]) == {"A"}
    app.checkbox(key="ev.above").check().run()
    assert set(_table(app, "等级")["规上"]) == {"是"}
    for level in ("parcel", "park", "platform"):
        app.selectbox(key="ev.level").set_value(level).run()
        assert not app.exception, level
    app.selectbox(key="ev.scheme").set_value("quantiles").run()
    assert not app.exception
    energy = evaluation.energy_intensive(layers, year)
    assert any(f"（{len(energy)} 家）" in h.value for h in app.subheader)
    growth = _table(app, "亩均税收增长（%）")
    assert len(growth) >= 2


def test_as_of_an_earlier_year_and_compare(app, demo_store):
    app.selectbox(key="evaluation.asof").set_value("2019").run()
    assert not app.exception
    layers = store.read_all(demo_store)
    counts = evaluation.class_counts(evaluation.scores(layers, plan.load_plan(), 2019))
    shown = {m.label: m for m in app.metric}
    assert shown["A类企业"].value == str(counts.loc["A", "count"])
    assert app.subheader[0].value == "A/B/C/D 分类（2019年）"
    app.checkbox(key="evaluation.compare_on").check().run()
    assert not app.exception
    assert all(m.delta for m in app.metric if m.label.endswith("类企业"))

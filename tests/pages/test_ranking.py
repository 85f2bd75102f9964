"""The ranking page in AppTest: flags as computed, filter by kind, quarter comparison."""

from __future__ import annotations

import pytest

from geo import plan, ranking, store
from tests.pages.conftest import open_page

PAGE = "pages/ranking.py"


@pytest.fixture
def app(demo_store, monkeypatch):
    return open_page(PAGE, demo_store, monkeypatch)


def _table(at):
    return next(df.value for df in at.dataframe if "旗帜" in df.value.columns)


def test_flags_filter_and_compare(app, demo_store):
    app.selectbox(key="rank.quarter").set_value("2020Q3").run()
    assert not app.exception
    expected = ranking.flags(store.read_all(demo_store), plan.load_plan(), "2020Q3")
    counts = {m.label: int(m.value) for m in app.metric}
    assert counts["红旗（个）"] == int((expected["flag"] == "red").sum())
    assert counts["黄旗（个）"] == int((expected["flag"] == "yellow").sum())
    table = _table(app)
    assert len(table) == len(expected)
    assert table["名次"].tolist() == expected["rank"].tolist()
    app.multiselect(key="rank.kinds").set_value(["platform"]).run()
    platforms = _table(app)
    assert 0 < len(platforms) < len(table) and set(platforms["类型"]) == {"平台"}
    app.checkbox(key="rank.compare_on").check().run()
    app.selectbox(key="rank.compare_to").set_value("2020Q2").run()
    assert not app.exception
    assert any("2020Q2" in h.value for h in app.subheader)

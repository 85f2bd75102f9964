"""The micro-parks page in AppTest: renders, filters, as-of, an edit lands with its audit row,
an invalid edit is refused and leaves the store file unchanged."""

from __future__ import annotations

import pytest

from geo import accounts, store
from tests.pages.conftest import open_page, open_page_alone, sha256

PAGE = "pages/parks.py"


@pytest.fixture
def app(store_copy, monkeypatch):
    at = open_page(PAGE, store_copy, monkeypatch, timeout_s=90)
    assert any("演示数据" in w.value for w in at.warning)  # the frame's demo banner
    return at


@pytest.fixture
def page(store_copy, monkeypatch):
    return open_page_alone(PAGE, store_copy, monkeypatch)


def _parks_table(at):
    return next(df.value for df in at.dataframe if "园区编号" in df.value.columns)


def test_renders_filters_and_as_of(app, store_copy):
    assert app.title[0].value == "小微企业园建设进度"
    labels = [m.label for m in app.metric]
    # started and completed are two figures, each label saying what it counts
    assert labels[:8] == ["已开工小微园（个）", "已建成小微园（个）", "已开工小微园规划占地（亩）",
                          "已开工小微园建筑面积（平方米）", "数字化（智慧）园区（个）", "星级园区（个）",
                          "入园企业（家）", "专精特新企业（家）"]
    assert len(_parks_table(app)) == 17
    assert "12" in app.caption[0].value  # the per-mu tax standard and its source
    # a filter changes the table
    parks = store.read_layer(store_copy, "parks")
    app.multiselect(key="parks.f_town").set_value(["331122101"]).run()
    table = _parks_table(app)
    assert len(table) == int((parks["town_code"] == "331122101").sum()) == 5
    assert set(table["乡镇"]) == {"壶镇镇"}
    # as of the end of 2019 the figures are those of then
    built_now = app.metric[0].value
    app.selectbox(key="parks.asof").set_value("2019").run()
    assert not app.exception
    assert "2019年末" in app.subheader[0].value
    assert app.metric[0].value != built_now
    # compare two dates side by side
    app.checkbox(key="parks.compare_on").check().run()
    assert not app.exception
    side = next(df.value for df in app.dataframe if "2019年末" in df.value.columns)
    assert len(side) == 8 and len(side.columns) == 4


def test_edit_lands_in_store_and_audit(page, store_copy):
    page.selectbox(key="parks.edit.feature").set_value("P01").run()
    page.selectbox(key="parks.edit.field").set_value("status").run()
    page.selectbox(key="parks.edit.value.P01.status").set_value("under_construction").run()
    page.button(key="parks.edit.save").click().run()
    assert not page.exception and not page.error
    parks = store.read_layer(store_copy, "parks").set_index("park_id")
    assert parks.loc["P01", "status"] == "under_construction"
    audit = store.read_layer(store_copy, "audit")
    assert audit[["user", "layer", "feature_id", "field", "old_value", "new_value"]].iloc[0].tolist() \
        == [accounts.LOCAL_USER, "parks", "P01", "status", "planned", "under_construction"]
    assert any("已保存" in s.value for s in page.success)
    # the page shows the new status and the history at once
    table = _parks_table(page).set_index("园区编号")
    assert table.loc["P01", "状态"] == "在建"
    history = page.table[0].value
    assert (history.iloc[0]["原值"], history.iloc[0]["新值"]) == ("规划", "在建")


def test_invalid_edit_refused_store_unchanged(page, store_copy):
    sha = sha256(store_copy)
    page.selectbox(key="parks.edit.feature").set_value("P02").run()
    page.selectbox(key="parks.edit.field").set_value("completion_date").run()
    page.text_input(key="parks.edit.value.P02.completion_date").input("2099-01-01").run()
    page.button(key="parks.edit.save").click().run()
    # in the planner's language, the field by its label
    assert page.error and "晚于今天" in page.error[0].value and "建成日期" in page.error[0].value
    assert "修改被拒绝" in page.error[0].value and "future" not in page.error[0].value
    assert sha256(store_copy) == sha
    assert store.read_layer(store_copy, "audit").empty


def test_a_back_dated_edit_moves_the_figures_of_2021q4(page, store_copy):
    import datetime as dt

    from geo import figures

    def started_2021q4() -> float:
        figs = figures.figures(store.Store(store_copy), as_of="2021-12-31")
        return figures.by_key(figs)["parks.started"].value

    before = started_2021q4()
    page.selectbox(key="parks.edit.feature").set_value("P01").run()
    page.selectbox(key="parks.edit.field").set_value("start_date").run()
    page.text_input(key="parks.edit.value.P01.start_date").input("2021-11-01").run()
    page.button(key="parks.edit.save").click().run()
    page.selectbox(key="parks.edit.field").set_value("status").run()
    page.selectbox(key="parks.edit.value.P01.status").set_value("under_construction").run()
    page.date_input(key="parks.edit.effective").set_value(dt.date(2021, 11, 1)).run()
    page.button(key="parks.edit.save").click().run()
    assert not page.exception and not page.error
    assert started_2021q4() == before + 1
    # the page's own card as of 2021Q4 shows it too, and the history both dates
    page.selectbox(key="parks.asof").set_value("2021Q4").run()
    card = next(m for m in page.metric if m.label == "已开工小微园（个）")
    assert card.value == f"{before + 1:,.0f}"
    history = page.table[0].value
    assert "2021-11-01" in history["生效日期"].tolist()


def test_two_sessions_on_one_park_the_second_is_refused_with_the_first_change(store_copy,
                                                                                monkeypatch):
    from tests.pages.conftest import open_page_alone as open_alone
    from tests.pages.conftest import with_accounts

    with_accounts(store_copy, "王工", "李工")
    first = open_alone(PAGE, store_copy, monkeypatch, user="王工")
    second = open_alone(PAGE, store_copy, monkeypatch, user="李工")  # both read P03 first
    for at in (first, second):
        at.selectbox(key="parks.edit.feature").set_value("P03").run()
        at.selectbox(key="parks.edit.field").set_value("enterprises_in").run()
    first.text_input(key="parks.edit.value.P03.enterprises_in").input("31").run()
    first.button(key="parks.edit.save").click().run()
    assert not first.error
    second.text_input(key="parks.edit.value.P03.enterprises_in").input("45").run()
    second.button(key="parks.edit.save").click().run()
    assert any("王工" in e.value and "31" in e.value for e in second.error)
    parks = store.read_layer(store_copy, "parks").set_index("park_id")
    assert parks.loc["P03", "enterprises_in"] == 31  # the first save stands
    second.button(key="parks.edit.reload").click().run()  # reload, then the save lands
    second.text_input(key="parks.edit.value.P03.enterprises_in").input("45").run()
    second.button(key="parks.edit.save").click().run()
    assert not second.error
    assert store.read_layer(store_copy, "parks").set_index("park_id").loc["P03", "enterprises_in"] == 45


def test_the_selected_park_is_edited_in_one_form_with_its_history(page, store_copy):
    page.session_state["parks.selected"] = "P02"
    page.run()
    assert not page.exception
    page.text_input(key="parks.quick.P02.enterprises_in").input("12")
    page.selectbox(key="parks.quick.P02.status").set_value("operating")
    page.button(key="FormSubmitter:parks.quick.P02-保存这些修改").click().run()
    assert not page.exception and not page.error
    parks = store.read_layer(store_copy, "parks").set_index("park_id")
    assert parks.loc["P02", "enterprises_in"] == 12 and parks.loc["P02", "status"] == "operating"
    audit = store.read_layer(store_copy, "audit")
    assert sorted(audit.loc[audit["feature_id"] == "P02", "field"]) == ["enterprises_in", "status"]
    # a wrong value in the same form is refused and nothing of the form is written
    page.text_input(key="parks.quick.P02.start_date").input("2021/13/45")
    page.text_input(key="parks.quick.P02.enterprises_in").input("13")
    page.button(key="FormSubmitter:parks.quick.P02-保存这些修改").click().run()
    assert page.error and "P02" in page.error[0].value
    assert store.read_layer(store_copy, "parks").set_index("park_id").loc["P02", "enterprises_in"] == 12

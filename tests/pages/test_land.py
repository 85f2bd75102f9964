"""The land-supply page in AppTest: renders, filters change the table, an edit of a sale
lands with its audit row, an invalid one is refused and the store file is unchanged."""

from __future__ import annotations

import pytest

from geo import accounts, store
from tests.pages.conftest import open_page, open_page_alone, sha256

PAGE = "pages/land.py"


@pytest.fixture
def app(store_copy, monkeypatch):
    at = open_page(PAGE, store_copy, monkeypatch, timeout_s=90)
    assert any("演示数据" in w.value for w in at.warning)  # the frame's demo banner
    return at


@pytest.fixture
def page(store_copy, monkeypatch):
    return open_page_alone(PAGE, store_copy, monkeypatch)


def _terms(at):
    return next(df.value for df in at.dataframe if "闲置认定" in df.value.columns)


def test_renders_filters_and_as_of(app, store_copy):
    assert app.title[0].value == "工业用地出让与标准地监管"
    labels = [m.label for m in app.metric]
    assert labels[:4] == ["2019年出让工业用地（亩）", "2020年出让工业用地（亩）", "2021年出让工业用地（亩）",
                          "开发区扩容（亩）"]
    sales = store.read_layer(store_copy, "land_sales")
    assert len(_terms(app)) == len(sales)
    gaps = next(df.value for df in app.dataframe if "批而未供" in df.value.columns)
    assert "合计" in gaps.index
    # filtering by platform narrows the table to that platform's sales
    app.multiselect(key="land.f_platform").set_value(["LJCYY"]).run()
    terms = _terms(app)
    parcels = store.read_layer(store_copy, "parcels").set_index("parcel_id")
    expected = int((sales["parcel_id"].map(parcels["platform_id"]) == "LJCYY").sum())
    assert 0 < len(terms) == expected < len(sales)
    assert set(terms["平台"]) == {"丽缙产业园"}
    # the idle-flag filter narrows it further
    app.multiselect(key="land.f_flag").set_value(["started"]).run()
    assert set(_terms(app)["闲置认定"]) == {"已开工"}
    # as of mid-2020 only the sales made by then, and no 2021 card
    app.selectbox(key="land.asof").set_value("2020Q2").run()
    assert not app.exception
    assert [m.label for m in app.metric][:3] == ["2019年出让工业用地（亩）", "2020年出让工业用地（亩）", "开发区扩容（亩）"]
    assert (_terms(app)["出让年份"] <= 2020).all()


def test_edit_sale_lands_in_store_and_audit(page, store_copy):
    sale_id = "33112222019B00002"
    page.selectbox(key="land.land_sales.edit.feature").set_value(sale_id).run()
    page.selectbox(key="land.land_sales.edit.field").set_value("price_10k_yuan").run()
    page.text_input(key=f"land.land_sales.edit.value.{sale_id}.price_10k_yuan").input("150.5").run()
    page.button(key="land.land_sales.edit.save").click().run()
    assert not page.exception and not page.error
    sales = store.read_layer(store_copy, "land_sales").set_index("sale_id")
    assert sales.loc[sale_id, "price_10k_yuan"] == 150.5
    audit = store.read_layer(store_copy, "audit").iloc[0]
    assert (audit["layer"], audit["feature_id"], audit["field"], audit["new_value"], audit["user"]) == \
        ("land_sales", sale_id, "price_10k_yuan", "150.5", accounts.LOCAL_USER)
    history = page.table[0].value
    assert history.iloc[0]["新值"] == "150.5"


def test_invalid_parcel_edit_refused_store_unchanged(page, store_copy):
    sha = sha256(store_copy)
    page.radio(key="land.edit_layer").set_value("parcels").run()
    parcel = page.selectbox(key="land.parcels.edit.feature").value
    page.selectbox(key="land.parcels.edit.field").set_value("plot_ratio").run()
    page.text_input(key=f"land.parcels.edit.value.{parcel}.plot_ratio").input("-0.5").run()
    page.button(key="land.parcels.edit.save").click().run()
    assert page.error and "是负数" in page.error[0].value
    assert sha256(store_copy) == sha


def test_a_selected_sale_is_listed_first_and_edited_in_one_form(page, store_copy):
    sale_id = "33112222019B00002"
    page.session_state["land.selected"] = sale_id
    page.run()
    assert not page.exception
    assert page.selectbox(key="land.land_sales.edit.feature").value == sale_id
    page.text_input(key=f"land.land_sales.quick.{sale_id}.price_10k_yuan").input("99")
    page.button(key=f"FormSubmitter:land.land_sales.quick.{sale_id}-保存这些修改").click().run()
    assert not page.exception and not page.error
    assert store.read_layer(store_copy, "land_sales").set_index("sale_id").loc[
        sale_id, "price_10k_yuan"] == 99
    # the parcel form edits the selected sale's parcel
    page.radio(key="land.edit_layer").set_value("parcels").run()
    parcel = store.read_layer(store_copy, "land_sales").set_index("sale_id").loc[sale_id, "parcel_id"]
    assert page.selectbox(key="land.parcels.edit.feature").value == parcel

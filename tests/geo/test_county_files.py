"""The county's own files as they come: dates with time zones, sales of unknown parcels, a tax
sheet without revenue or R&D, and sheets of enterprises the store does not have yet."""

from __future__ import annotations

import pandas as pd

from geo import cli, importer, store
from tests.geo.conftest import same_snapshot, snapshot
from tests.geo.import_support import USCC_A, USCC_B, refused
from tests.geo.said import raises_said

SALE = {"电子监管号": "S9", "宗地编号": "P1", "供地方式": "挂牌", "竞得单位": "缙云县甲公司",
        "成交价格(万元)": 300, "出让面积(平方米)": 6667, "投资强度": 300, "亩均税收": 20,
        "容积率下限": 1.2, "约定开工时间": "2020-06-01", "约定竣工时间": "2021-06-01",
        "是否扩区": "否"}


def _sales(tmp_path, dates, parcels=None):
    rows = []
    for i, day in enumerate(dates):
        rows.append({**SALE, "电子监管号": f"S{i + 1}", "成交日期": day,
                     "宗地编号": (parcels or ["P1"] * len(dates))[i]})
    path = tmp_path / "sales.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def test_dates_with_a_time_zone_are_days_in_beijing(tmp_path, any_small_store):
    path = _sales(tmp_path, ["2019-12-31T16:30:00Z", "2020-05-01T23:30:00+08:00",
                             "2020-03-01 09:00", "not a date"])
    plan = importer.plan_import(path, any_small_store, layer="land_sales")
    assert [p.row for p in plan.report.rejected] == [5]  # header is row 1: the 4th sale
    assert "not a date" in plan.report.rejected[0].message.text("en")
    importer.apply_import(plan, user="王工")
    sales = store.read_layer(any_small_store, "land_sales").set_index("sale_id")
    assert sales.loc["S1", "sale_date"] == pd.Timestamp("2020-01-01")  # 00:30 in Beijing
    assert sales.loc["S2", "sale_date"] == pd.Timestamp("2020-05-01")
    assert sales.loc["S3", "sale_date"] == pd.Timestamp("2020-03-01")
    assert sales["sale_date"].notna().all()  # a required date is never stored empty


def test_a_file_mixing_time_zones_is_read_not_a_traceback(tmp_path, small_store, capsys):
    path = _sales(tmp_path, ["2020-01-02T01:00:00+08:00", "2020-01-02T01:00:00Z", "2020-01-02"])
    assert cli.main(["import", str(path), "--layer", "land_sales", "--store", str(small_store),
                     "--dry-run", "--json"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_sale_of_a_parcel_not_in_the_store_is_listed_as_unmatched(tmp_path, small_store):
    path = _sales(tmp_path, ["2020-02-01", "2020-03-01"], parcels=["P1", "NOPE9"])
    plan = importer.plan_import(path, small_store, layer="land_sales")
    assert sorted(plan.report.added) == ["S1", "S2"]  # kept: the figures count its contract
    assert [(p.row, p.id) for p in plan.report.unmatched] == [(3, "S2")]
    assert "NOPE9" in plan.report.unmatched[0].message.text("zh")


def _tax_sheet(tmp_path, rows):
    path = tmp_path / "tax.xlsx"
    pd.DataFrame(rows, columns=["企业名称", "统一社会信用代码", "年份", "税收", "工业增加值",
                                "综合能耗", "年平均职工人数"]).to_excel(path, index=False)
    return path


def test_a_tax_sheet_without_revenue_or_rnd_is_imported_and_says_so(tmp_path, small_store):
    path = _tax_sheet(tmp_path, [["缙云县甲公司", USCC_A, 2023, 120, 300, 100, 50],
                                 ["缙云县乙公司", USCC_B, 2023, 40, 80, 30, 12]])
    plan = importer.plan_import(path, small_store, layer="enterprise_figures")
    assert sorted(plan.report.added) == ["E1,2023", "E2,2023"]
    importer.apply_import(plan, user="王工")
    figures = store.read_layer(small_store, "enterprise_figures")
    assert figures["rnd_10k"].isna().all() and figures["revenue_10k"].isna().all()  # missing


def test_a_sheet_of_unknown_enterprises_names_them_instead_of_0_rejected(tmp_path,
                                                                          any_small_store):
    before = snapshot(any_small_store)
    path = _tax_sheet(tmp_path, [["缙云县丙公司", "91331122MA2A0009XX", 2023, 1, 1, 1, 1],
                                 ["缙云县丁公司", "", 2023, 1, 1, 1, 1]])
    with refused("match no enterprise") as info:
        importer.plan_import(path, any_small_store, layer="enterprise_figures")
    text = info.value.text("zh")
    assert "2 行未匹配" in text and "缙云县丙公司" in text and "缙云县丁公司" in text
    assert "0 行被拒绝" in text and "没有一行通过检查" not in text
    assert same_snapshot(snapshot(any_small_store), before)


def test_geo_check_finds_empty_required_fields(small_store, capsys):
    import sqlite3

    assert cli.main(["check", "--store", str(small_store)]) == 0
    with sqlite3.connect(small_store) as con:  # as a file edited by another program
        store.register_gpkg_functions(con)
        con.execute("UPDATE parcels SET town_code = NULL WHERE parcel_id = 'P2'")
    assert cli.main(["check", "--store", str(small_store)]) == 1
    assert "parcels.town_code: required value missing" in capsys.readouterr().out


def test_a_store_write_never_leaves_a_required_date_empty(small_store, tmp_path):
    from geo.errors import SchemaError

    importer.apply_import(importer.plan_import(_sales(tmp_path, ["2020-02-01"]), small_store,
                                               layer="land_sales"), user="王工")
    sales = store.read_layer(small_store, "land_sales")
    with raises_said(SchemaError, "not a date"):
        store.replace_layers(small_store, {"land_sales": sales.assign(sale_date="soon")})

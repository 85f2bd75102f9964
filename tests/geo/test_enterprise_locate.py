"""Enterprises located through the land they hold: a land-bureau parcel file with 权利人 and
统一社会信用代码, a tax sheet naming enterprises the store does not have, created in the same
import and located by credit code, by exact name, or offered for confirmation by normalised
name; the rest listed as unlocated and placed by hand with history. Both stores."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import cli, edits, evaluation, health, importer, locate, store, units
from geo.errors import ValidationError
from tests.geo.conftest import same_snapshot, snapshot
from tests.geo.import_support import square, uscc

USCC_C = uscc("91331122MA2A00003")
USCC_D = uscc("91331122MA2A00004")
USCC_F = uscc("91331122MA2A00006")
USCC_G = uscc("91331122MA2A00007")
USCC_H = uscc("91331122MA2A00008")
BAD = USCC_H[:17] + ("0" if USCC_H[17] != "0" else "1")  # a wrong check character


# --------------------------------------------------------------------------- pure functions

def test_normalised_names_ignore_suffix_brackets_and_spaces():
    a = locate.normalise_name("缙云县 戊机械（浙江）有限责任公司")
    assert a == locate.normalise_name("缙云县戊机械(浙江)有限公司")
    assert a != locate.normalise_name("缙云县戊机械(浙江)股份有限公司")
    assert locate.normalise_name(None) == ""


def _parcels(holders):
    """Parcels Q0.. in EPSG:4549 squares; ``holders``: (holder, holder_uscc, side in m)."""
    return gpd.GeoDataFrame(
        {"parcel_id": [f"Q{i}" for i in range(len(holders))],
         "holder": [h[0] for h in holders], "holder_uscc": [h[1] for h in holders],
         "town_code": ["331122001"] * len(holders), "park_id": [None] * len(holders)},
        geometry=[square(i, side=h[2]) for i, h in enumerate(holders)], crs="EPSG:4549")


def test_locate_by_code_then_name_then_offers_normalised_names():
    parcels = _parcels([("缙云县丙公司", USCC_C, 100), ("缙云县丙公司", USCC_C, 150),
                        ("另一个名字", None, 100), ("缙云县丁公司", None, 100),
                        ("缙云县 戊（浙江）有限责任公司", None, 100),
                        ("缙云县庚公司", BAD, 100)])
    ents = pd.DataFrame({"enterprise_id": ["C", "D", "F", "G", "H"],
                         "name": ["改过名的丙", "缙云县丁公司", "缙云县戊(浙江)有限公司",
                                  "缙云县己公司", "缙云县庚有限公司"],
                         "uscc": [USCC_C, USCC_D, USCC_F, USCC_G, USCC_H]})
    found = locate.locate(ents, parcels)
    m = found.matched.set_index("enterprise_id")
    assert m.loc["C", "how"] == "uscc" and m.loc["D", "how"] == "name"
    # two parcels: the larger one's point, and the land of both
    assert m.loc["C", "parcel_id"] == "Q1" and m.loc["C", "parcels"] == "Q1,Q0"
    assert m.loc["C", "land_area_mu"] == pytest.approx((100 * 100 + 150 * 150) / units.M2_PER_MU)
    assert square(1, side=150).contains(m.loc["C", "geometry"])
    assert list(found.to_confirm["enterprise_id"]) == ["F"]
    assert found.to_confirm["holder"].iloc[0] == "缙云县 戊（浙江）有限责任公司"
    # a wrong credit code joins nothing; the name differs: unlocated
    assert sorted(found.unlocated["enterprise_id"]) == ["G", "H"]
    assert found.counts == {"uscc": 1, "name": 1, "to_confirm": 1, "unlocated": 2}


# --------------------------------------------------------------------------- files and stores

def _land_file(tmp_path):
    """A land-bureau parcel file (GeoJSON in EPSG:4549) naming the right holders."""
    gdf = gpd.GeoDataFrame({
        "宗地编号": ["P3", "P4", "P5", "P6"],
        "土地用途": ["工业"] * 4, "批准年份": [2019] * 4,
        "权利人": ["缙云县丙公司", "缙云县丁公司", "缙云县 戊（浙江）有限责任公司", "缙云县丙公司"],
        "统一社会信用代码": [USCC_C, None, None, USCC_C],
    }, geometry=[square(2), square(3), square(4), square(5, side=60)], crs="EPSG:4549")
    path = tmp_path / "宗地.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def _tax_sheet(tmp_path):
    rows = [["缙云县丙公司", USCC_C, 2023, 150, 400, 100, 60],
            ["缙云县丁公司", USCC_D, 2023, 30, 90, 20, 10],
            ["缙云县戊(浙江)有限公司", USCC_F, 2023, 10, 20, 5, 4],
            ["缙云县己公司", USCC_G, 2023, 5, 10, 2, 3],
            ["缙云县庚公司", BAD, 2023, 1, 1, 1, 1],
            ["缙云县甲公司", uscc("91331122MA2A00001"), 2023, 120, 300, 100, 50]]
    path = tmp_path / "税务.xlsx"
    pd.DataFrame(rows, columns=["企业名称", "统一社会信用代码", "年份", "税收", "工业增加值",
                                "综合能耗", "年平均职工人数"]).to_excel(path, index=False)
    return path


def _with_holders(tmp_path, location):
    plan = importer.plan_import(_land_file(tmp_path), location, layer="parcels")
    assert plan.report.mapping["holder"] == "权利人"
    assert plan.report.mapping["holder_uscc"] == "统一社会信用代码"
    importer.apply_import(plan, user="李工")
    parcels = store.read_layer(location, "parcels").set_index("parcel_id")
    assert parcels.loc["P3", "holder_uscc"] == USCC_C and parcels.loc["P4", "holder"] == "缙云县丁公司"


def test_a_wrong_holder_code_is_listed_and_the_parcel_imported(tmp_path, small_store):
    gdf = gpd.GeoDataFrame({"宗地编号": ["P7"], "土地用途": ["工业"], "权利人": ["缙云县某公司"],
                            "统一社会信用代码": [BAD]}, geometry=[square(7)], crs="EPSG:4549")
    path = tmp_path / "wrong.geojson"
    gdf.to_file(path, driver="GeoJSON")
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert plan.report.added == ["P7"]
    assert [(p.row, p.id) for p in plan.report.uscc_errors] == [(1, "P7")]
    assert "校验位" in plan.report.uscc_errors[0].message.text("zh")


def test_a_tax_sheet_creates_and_locates_its_enterprises(tmp_path, any_small_store):
    _with_holders(tmp_path, any_small_store)
    plan = importer.plan_import(_tax_sheet(tmp_path), any_small_store, layer="enterprise_figures",
                                create_enterprises=True)
    r = plan.report
    assert sorted(r.created) == sorted(f"E{c}" for c in (USCC_C, USCC_D, USCC_F, USCC_G))
    assert {p.id: p.message.text("en") for p in r.located}[f"E{USCC_C}"].startswith(
        "located on parcel P3 by credit code")  # P3 (15 mu) is larger than P6
    assert [p.id for p in r.to_confirm] == [f"E{USCC_F}"]
    # 丁's code is on no parcel, but its exact name is: located by name; 己 holds nothing
    assert f"E{USCC_D}" in {p.id for p in r.located}
    assert [p.id for p in r.unlocated] == [f"E{USCC_G}"]
    assert [p.row for p in r.unmatched] == [6] and [p.row for p in r.uscc_errors] == [6]
    assert "校验位" in r.uscc_errors[0].message.text("zh")  # the reason in the report's language
    assert "check character" in r.uscc_errors[0].message.text("en")
    assert len(r.added) == 5  # figures of the four created and of 甲
    importer.apply_import(plan, user="王工")

    ents = store.read_layer(any_small_store, "enterprises").set_index("enterprise_id")
    c = ents.loc[f"E{USCC_C}"]
    assert c["name"] == "缙云县丙公司" and c["parcel_id"] == "P3" and c["town_code"] == "331122001"
    p3 = gpd.GeoSeries([square(2)], crs="EPSG:4549").to_crs(ents.crs).iloc[0]
    assert p3.contains(c.geometry)
    assert c["land_area_mu"] == pytest.approx((100 * 100 + 60 * 60) / units.M2_PER_MU, rel=1e-3)
    assert ents.loc[f"E{USCC_G}"].geometry is None  # stored without a point
    assert ents.loc[f"E{USCC_F}"].geometry is None  # until a planner confirms
    audit = store.read_layer(any_small_store, "audit")
    made = audit[(audit["layer"] == "enterprises") & (audit["field"] == "*")]
    assert sorted(made["feature_id"]) == sorted(r.created) and set(made["user"]) == {"王工"}
    # the figures they produce: per-mu tax of the located enterprise on its land
    ind = evaluation.indicators(store.Store(any_small_store), 2023).set_index("enterprise_id")
    assert ind.loc[f"E{USCC_C}", "tax_per_mu"] == pytest.approx(150 / c["land_area_mu"])
    assert pd.isna(ind.loc[f"E{USCC_G}", "tax_per_mu"])  # no land: no per-mu figure
    checks = {k.key: k for k in health.checks(store.Store(any_small_store))}
    assert set(checks["enterprises_unlocated"].ids) == {f"E{USCC_F}", f"E{USCC_G}"}
    assert f"E{USCC_G}" in checks["figures_without_land"].ids
    assert checks["schema_problems"].count == 0  # no point is not a schema problem


def test_without_the_option_nothing_is_created_and_a_refused_write_changes_nothing(
        tmp_path, small_store):
    _with_holders(tmp_path, small_store)
    plan = importer.plan_import(_tax_sheet(tmp_path), small_store, layer="enterprise_figures")
    assert plan.enterprises is None and plan.report.added == ["E1,2023"]
    assert len(plan.report.unmatched) == 5
    plan = importer.plan_import(_tax_sheet(tmp_path), small_store, layer="enterprise_figures",
                                create_enterprises=True)
    with store.transaction(small_store) as tx:  # someone writes meanwhile
        tx.execute("UPDATE parcels SET plot_ratio = 2.0 WHERE parcel_id = 'P1'")
        tx.touch(["parcels"])
    before = snapshot(small_store)
    with pytest.raises(importer.ImportRefusedError):
        importer.apply_import(plan, user="王工")
    assert same_snapshot(snapshot(small_store), before)


def test_the_command_line_creates_enterprises_and_health_lists_the_unlocated(
        tmp_path, small_store, capsys):
    _with_holders(tmp_path, small_store)
    assert cli.main(["import", str(_tax_sheet(tmp_path)), "--layer", "enterprise_figures",
                     "--store", str(small_store), "--create-enterprises", "--json",
                     "--user", "王工"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["created"]) == 4 and out["written"]
    assert [u["id"] for u in out["unlocated"]] == [f"E{USCC_G}"]
    assert "没有对应的宗地权利人" in out["unlocated"][0]["message"]
    assert cli.main(["health", "--store", str(small_store), "--json"]) == 0
    found = {c["key"]: c for c in json.loads(capsys.readouterr().out)}
    assert found["enterprises_unlocated"]["count"] == 2


# --------------------------------------------------------------------------- placing by hand

def _unlocated_store(tmp_path, location):
    _with_holders(tmp_path, location)
    importer.apply_import(importer.plan_import(
        _tax_sheet(tmp_path), location, layer="enterprise_figures", create_enterprises=True),
        user="王工")
    return f"E{USCC_G}"


def test_a_point_placed_by_hand_is_written_with_its_history(tmp_path, any_small_store):
    eid = _unlocated_store(tmp_path, any_small_store)
    s = store.Store(any_small_store)
    seen = edits.feature_version(s.audit, "enterprises", eid)
    point = shapely.Point(120.0805, 28.6585)
    rows = edits.place(any_small_store, "enterprises", {eid: point}, user="赵工",
                       expected_versions={eid: seen})
    assert list(rows["field"]) == ["geometry"] and rows["old_value"].iloc[0] is None
    ents = store.read_layer(any_small_store, "enterprises").set_index("enterprise_id")
    assert ents.loc[eid].geometry.equals_exact(point, 1e-9)
    audit = store.read_layer(any_small_store, "audit")
    row = audit[(audit["feature_id"] == eid) & (audit["field"] == "geometry")].iloc[-1]
    assert row["user"] == "赵工" and shapely.from_wkt(row["new_value"]).equals_exact(point, 1e-9)
    # moved again: the old point is kept as WKT; a planner who saw the old version is refused
    moved = shapely.Point(120.0810, 28.6590)
    edits.place(any_small_store, "enterprises", {eid: moved}, user="赵工")
    audit = store.read_layer(any_small_store, "audit")
    last = audit[audit["field"] == "geometry"].iloc[-1]
    assert shapely.from_wkt(last["old_value"]).equals_exact(point, 1e-9)
    before = snapshot(any_small_store)
    with pytest.raises(edits.StaleEditError) as stale:
        edits.place(any_small_store, "enterprises", {eid: point}, user="钱工",
                    expected_versions={eid: seen})
    assert "赵工" in stale.value.text("zh") and "经度 120.08100" in stale.value.text("zh")
    with pytest.raises(ValidationError, match="不在缙云县范围内"):
        edits.place(any_small_store, "enterprises", {eid: shapely.Point(116.4, 39.9)}, user="钱工")
    assert same_snapshot(snapshot(any_small_store), before)
    checks = {k.key: k for k in health.checks(store.Store(any_small_store))}
    assert eid not in checks["enterprises_unlocated"].ids


def test_a_confirmed_normalised_match_takes_its_parcel(tmp_path, small_store):
    _unlocated_store(tmp_path, small_store)
    s = store.Store(small_store)
    found = locate.locate(locate.unlocated_enterprises(s.enterprises), s.parcels)
    row = found.to_confirm.iloc[0]
    assert row["enterprise_id"] == f"E{USCC_F}" and row["parcel_id"] == "P5"
    rows = edits.place(small_store, "enterprises", {row["enterprise_id"]: row.geometry},
                       user="赵工", fill={row["enterprise_id"]: {
                           "parcel_id": row["parcel_id"], "town_code": row["town_code"],
                           "land_area_mu": row["land_area_mu"]}})
    assert set(rows["field"]) == {"geometry", "parcel_id", "town_code", "land_area_mu"}
    ent = store.read_layer(small_store, "enterprises").set_index("enterprise_id").loc[
        row["enterprise_id"]]
    assert ent["parcel_id"] == "P5" and ent["land_area_mu"] == pytest.approx(15.0, rel=1e-3)


def test_a_viewer_cannot_place_a_point(tmp_path, small_store):
    from geo import accounts

    eid = _unlocated_store(tmp_path, small_store)
    accounts.add_user(small_store, "admin", role="admin", password="pw-long-enough-1",
                      actor=accounts.local_user())
    accounts.add_user(small_store, "看客", role="viewer", password="pw-long-enough-2",
                      actor="admin")
    before = snapshot(small_store)
    with pytest.raises(accounts.AccessDenied):
        edits.place(small_store, "enterprises", {eid: shapely.Point(120.08, 28.66)}, user="看客")
    assert same_snapshot(snapshot(small_store), before)


def test_undoing_a_placement_takes_the_point_and_what_it_filled_back(tmp_path, any_small_store):
    _unlocated_store(tmp_path, any_small_store)
    s = store.Store(any_small_store)
    row = locate.locate(locate.unlocated_enterprises(s.enterprises), s.parcels).to_confirm.iloc[0]
    eid = row["enterprise_id"]
    rows = edits.place(any_small_store, "enterprises", {eid: row.geometry}, user="赵工",
                       fill={eid: {"parcel_id": row["parcel_id"],
                                   "land_area_mu": row["land_area_mu"]}})
    undone = edits.revert(any_small_store, rows["audit_id"], user="赵工")
    assert set(undone["field"]) == {"geometry", "parcel_id", "land_area_mu"}
    ent = store.read_layer(any_small_store, "enterprises").set_index("enterprise_id").loc[eid]
    assert ent.geometry is None and ent["parcel_id"] is None and pd.isna(ent["land_area_mu"])
    assert eid in {k.key: k for k in health.checks(store.Store(any_small_store))}[
        "enterprises_unlocated"].ids


def test_an_enterprise_sheet_without_coordinates_is_located_through_the_parcels(
        tmp_path, any_small_store):
    _with_holders(tmp_path, any_small_store)
    path = tmp_path / "企业名录.xlsx"
    pd.DataFrame({"企业编号": ["E1", "C", "G"], "统一社会信用代码": [
        uscc("91331122MA2A00001"), USCC_C, USCC_G], "企业名称": ["缙云县甲公司", "缙云县丙公司",
                                                               "缙云县己公司"],
        "规上企业": ["是", "否", "否"], "专精特新": ["否", "否", "否"]}).to_excel(path, index=False)
    plan = importer.plan_import(path, any_small_store, layer="enterprises")
    r = plan.report
    assert sorted(r.added) == ["C", "G"] and r.updated == ["E1"]
    assert [p.id for p in r.located] == ["C"] and [p.id for p in r.unlocated] == ["G"]
    assert [p.row for p in r.unlocated] == [4]  # the sheet's row (header is row 1)
    importer.apply_import(plan, user="王工")
    ents = store.read_layer(any_small_store, "enterprises").set_index("enterprise_id")
    p3 = gpd.GeoSeries([square(2)], crs="EPSG:4549").to_crs(ents.crs).iloc[0]
    assert p3.contains(ents.loc["C"].geometry) and ents.loc["C", "town_code"] == "331122001"
    assert ents.loc["G"].geometry is None and ents.loc["G", "town_code"] is None
    e1 = gpd.GeoSeries([square(0).centroid], crs="EPSG:4549").to_crs(ents.crs).iloc[0]
    assert ents.loc["E1"].geometry.distance(e1) < 1e-7  # a known enterprise keeps its point


def test_the_locate_command_lists_then_writes_the_sure_matches(tmp_path, small_store, capsys):
    _unlocated_store(tmp_path, small_store)  # 戊 to confirm, 己 unlocated
    c = f"E{USCC_C}"
    with store.transaction(small_store) as tx:  # 丙 loses its point: its code finds it again
        tx.set_geometry("enterprises", "enterprise_id", c, None)
        tx.touch(["enterprises"])
    assert cli.main(["locate", "--store", str(small_store), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["enterprise_id"] for r in out["matched"]] == [c] and out["written"] == 0
    assert [r["enterprise_id"] for r in out["to_confirm"]] == [f"E{USCC_F}"]
    assert [r["enterprise_id"] for r in out["unlocated"]] == [f"E{USCC_G}"]
    assert store.read_layer(small_store, "enterprises").set_index("enterprise_id").loc[
        c].geometry is None  # listing writes nothing
    assert cli.main(["locate", "--store", str(small_store), "--apply", "--user", "孙工"]) == 0
    assert "已写入 1 家企业的位置" in capsys.readouterr().out
    assert store.read_layer(small_store, "enterprises").set_index("enterprise_id").loc[
        c].geometry is not None
    audit = store.read_layer(small_store, "audit")
    assert set(audit.loc[(audit["feature_id"] == c) & (audit["field"] == "geometry"),
                         "user"]) == {"孙工"}

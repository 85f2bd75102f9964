"""AppTest of the import page: a file of the import folder (the non-upload path) -> check ->
report -> confirm -> written."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import store
from tests.geo.import_support import build_store, sha256, square

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/import_data.py"


@pytest.fixture
def small_store(tmp_path, monkeypatch) -> Path:
    path = build_store(tmp_path / "store.gpkg")
    monkeypatch.setenv("JINYUN_STORE", str(path))
    monkeypatch.setenv("JINYUN_IMPORT_DIR", str(tmp_path))  # the files the tests write
    return path


def _open(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()  # the default page first (the small store has too little for the overview's map: not checked here)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


@pytest.fixture
def app(small_store):
    return _open()


def _choose(app: AppTest, path: Path) -> None:
    """Pick ``path`` (written into the import folder by the test) from the folder's list."""
    app.run()  # the list is read on each run: this one sees the new file
    app.selectbox(key="import.server_file").set_value(path.name).run()


def _parcels_file(tmp_path: Path) -> Path:
    gdf = gpd.GeoDataFrame({"宗地编号": ["N1", "N2", "N3"], "土地用途": ["工业用地", "仓储用地", "商业"],
                            "供地状态": ["已批未供"] * 3, "批准年份": [2021] * 3},
                           geometry=[square(20), square(21), square(22)], crs="EPSG:4549")
    path = tmp_path / "宗地.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    return path


def test_check_then_confirm_writes_the_valid_rows(app, small_store, tmp_path):
    assert any("请上传文件" in i.value for i in app.info)
    path = _parcels_file(tmp_path)
    _choose(app, path)
    assert not app.exception
    assert app.selectbox(key="import.layer").value == "parcels"
    before = sha256(small_store)
    app.button(key="import.check").click().run()
    assert not app.exception
    shown = {m.label: m.value for m in app.metric}
    assert shown["读取"] == "3" and shown["新增"] == "2" and shown["拒绝"] == "1"
    assert sha256(small_store) == before  # checking writes nothing
    table = app.dataframe[-1].value
    assert table["行"].tolist() == [3] and "商业" in table["问题"].iloc[0]
    app.button(key="import.confirm").click().run()
    assert not app.exception
    assert any("已写入 2 条记录" in s.value for s in app.success)
    ids = sorted(store.read_layer(small_store, "parcels")["parcel_id"])
    assert ids == ["N1", "N2", "P1", "P2", "P3", "P4"]


def test_refused_file_then_missing_crs_offers_the_candidates(small_store, tmp_path):
    app = _open()
    bad = tmp_path / "坏.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    before = sha256(small_store)
    _choose(app, bad)
    assert not app.exception
    assert any("坏.zip" in e.value and "zip" in e.value for e in app.error)
    assert sha256(small_store) == before
    gdf = gpd.GeoDataFrame({"宗地编号": ["Z1"], "土地用途": ["工业"], "供地状态": ["批"], "批准年份": [2020]},
                           geometry=[square(30)], crs="EPSG:4549")
    csv = tmp_path / "no_crs.csv"
    gdf.assign(WKT=gdf.geometry.to_wkt()).drop(columns="geometry").to_csv(csv, index=False)
    _choose(app, csv)
    app.button(key="import.check").click().run()
    assert not app.exception
    assert any("没有坐标系" in e.value and "EPSG:4549" in e.value for e in app.error)
    crs = app.selectbox(key="import.crs")
    assert crs.options[1].startswith("EPSG:4549")  # the candidate comes first after "from the file"
    crs.set_value("EPSG:4549").run()
    app.button(key="import.check").click().run()
    assert not app.exception and not app.error
    assert {m.label: m.value for m in app.metric}["新增"] == "1"
    assert sha256(small_store) == before


def test_one_value_for_every_row_fills_a_missing_column(app, small_store, tmp_path):
    gdf = gpd.GeoDataFrame({"宗地编号": ["V1"], "土地用途": ["工业用地"], "批准年份": [2022]},
                           geometry=[square(60)], crs="EPSG:4549")
    path = tmp_path / "no_status.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    _choose(app, path)
    # the unmapped required field is named as a planner knows it, not by the schema's name
    unmapped = [c.value for c in app.caption if "供地状态" in c.value]
    assert unmapped and "lifecycle" not in unmapped[0]
    box = next(w for w in app.text_input if str(w.key).endswith(".parcels.lifecycle"))
    box.input("已达标").run()
    app.button(key="import.check").click().run()
    assert not app.exception and not app.error
    assert {m.label: m.value for m in app.metric}["新增"] == "1"
    app.button(key="import.confirm").click().run()
    assert store.read_layer(small_store, "parcels").set_index("parcel_id").loc["V1", "lifecycle"] == "meeting"


def test_no_server_file_can_be_typed(small_store, monkeypatch):
    monkeypatch.delenv("JINYUN_IMPORT_DIR")
    app = _open()
    assert not app.text_input  # no path field: only uploads, and the import folder when configured
    assert not [s for s in app.selectbox if s.key == "import.server_file"]


def test_an_import_is_in_the_history_and_the_as_of_views(app, small_store, tmp_path):
    from geo import asof

    gdf = gpd.GeoDataFrame({"宗地编号": ["P1"], "土地用途": ["工业用地"], "供地状态": ["已达标"],
                            "批准年份": [2020]}, geometry=[square(0)], crs="EPSG:4549")
    path = tmp_path / "更新.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    _choose(app, path)
    app.button(key="import.check").click().run()
    app.button(key="import.confirm").click().run()
    assert not app.exception
    audit = store.read_layer(small_store, "audit")
    row = audit[(audit["feature_id"] == "P1") & (audit["field"] == "lifecycle")].iloc[0]
    assert (row["old_value"], row["new_value"]) == ("approved", "meeting")
    assert row["batch"].startswith("更新.geojson")
    layers = store.read_all(small_store)
    then = asof.layers_as_of(layers, pd.Timestamp("2021-12-31"))["parcels"].set_index("parcel_id")
    assert then.loc["P1", "lifecycle"] == "approved"


def test_a_csv_of_degrees_is_asked_where_its_coordinates_came_from(app, small_store, tmp_path):
    csv = tmp_path / "高德标注.csv"
    csv.write_text("宗地编号,土地用途,供地状态,wkt\nG1,工业用地,已批,\"POLYGON((120.079 28.654,120.080 28.654,"
                   "120.080 28.655,120.079 28.654))\"\nG2,工业用地,已批,POINT(120.079 28.654)\n", encoding="utf-8")
    _choose(app, csv)
    assert not app.exception
    source = app.radio(key="import.coord_source")
    assert source.value is None and "高德或腾讯地图（GCJ-02）" in source.options
    before = sha256(small_store)
    app.button(key="import.check").click().run()
    assert any("坐标来自哪里" in e.value for e in app.error)  # asked, not assumed
    assert not app.metric
    source.set_value("survey").run()
    app.button(key="import.check").click().run()
    assert {m.label: m.value for m in app.metric}["新增"] == "1"
    source.set_value("gcj02").run()
    app.button(key="import.check").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert {m.label: m.value for m in app.metric}["新增"] == "1"
    assert any("GCJ-02" in str(el.value) for el in [*app.markdown, *app.caption, *app.info])
    assert sha256(small_store) == before


def test_a_tax_sheet_creates_its_unmatched_enterprises_when_asked(app, small_store, tmp_path):
    from tests.geo.import_support import uscc

    code = uscc("91331122MA2A00005")
    path = tmp_path / "税务.xlsx"
    pd.DataFrame([["缙云县新公司", code, 2023, 10, 20, 5, 4]],
                 columns=["企业名称", "统一社会信用代码", "年份", "税收", "工业增加值", "综合能耗",
                          "年平均职工人数"]).to_excel(path, index=False)
    _choose(app, path)
    app.selectbox(key="import.layer").set_value("enterprise_figures").run()
    app.button(key="import.check").click().run()
    assert any("未匹配" in e.value and "缙云县新公司" in e.value for e in app.error)
    before = sha256(small_store)
    app.checkbox(key="import.create_enterprises").check().run()
    app.button(key="import.check").click().run()
    assert not app.exception and not app.error
    assert any("新建企业：1 家" in m.value for m in app.markdown)
    assert any("需在地图上标注" in m.value for m in app.markdown)  # no parcel names it
    assert sha256(small_store) == before  # checking writes nothing
    app.button(key="import.confirm").click().run()
    assert not app.exception
    ents = store.read_layer(small_store, "enterprises").set_index("enterprise_id")
    assert ents.loc[f"E{code}", "name"] == "缙云县新公司" and ents.loc[f"E{code}"].geometry is None
    figures = store.read_layer(small_store, "enterprise_figures")
    assert (figures["enterprise_id"] == f"E{code}").sum() == 1

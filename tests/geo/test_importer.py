"""Import: formats, CRS candidates, GCJ-02, column mapping and units, the report, the all-or-nothing write."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import gcj02, importer, store, units
from tests.geo.conftest import same_snapshot, snapshot
from tests.geo.import_support import USCC_A, USCC_B, X0, Y0, refused, sha256, square


def _cn_parcels(ids, first=10, crs="EPSG:4549", **extra) -> gpd.GeoDataFrame:
    n = len(ids)
    data = {"宗地编号": list(ids), "土地用途": ["工业用地"] * n, "供地状态": ["已供未用"] * n, "批准年份": [2020] * n}
    data.update(extra)
    return gpd.GeoDataFrame(data, geometry=[square(first + i) for i in range(n)], crs="EPSG:4549").to_crs(crs)


# --------------------------------------------------------------------------- read_features

def test_read_features_formats_agree(tmp_path):
    gdf = _cn_parcels(["A1", "A2"])
    gdf.to_file(tmp_path / "a.gpkg", layer="sites")
    gdf.to_crs("EPSG:4490").to_file(tmp_path / "a.geojson")
    gdf.to_crs("EPSG:4326").to_file(tmp_path / "a.kml", driver="KML")
    with zipfile.ZipFile(tmp_path / "a.kmz", "w") as zf:
        zf.write(tmp_path / "a.kml", "doc.kml")
    gdf.to_file(tmp_path / "a.shp", encoding="GBK")  # 宗地编号 is 8 bytes in GBK, 12 in UTF-8 (limit 10)
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        for part in ("shp", "shx", "dbf", "prj", "cpg"):
            zf.write(tmp_path / f"a.{part}", f"a.{part}")
    expected = units.area_mu(gdf).to_numpy()
    for name in ("a.gpkg", "a.geojson", "a.kml", "a.kmz", "a.zip"):
        # a KML cannot say whether its degrees are Gaode's GCJ-02: the test says "survey"
        feats, report = importer.read_features(tmp_path / name, gcj02=False if "km" in name else None)
        assert report.coord_source == ("survey" if "km" in name else None), name
        assert feats.crs.to_epsg() == 4490, name
        assert len(feats) == 2 and report.rows_read == 2, name
        np.testing.assert_allclose(units.area_mu(feats).to_numpy(), expected, rtol=1e-6, err_msg=name)
    assert 14.9 < expected[0] < 15.1  # 100 m x 100 m = 15 mu


def test_zip_with_two_shapefiles_needs_a_choice(tmp_path):
    for name, ids in (("一期", ["A1"]), ("二期", ["B1", "B2"])):
        _cn_parcels(ids).to_file(tmp_path / f"{name}.shp", encoding="GBK")
    archive = tmp_path / "both.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for shp in tmp_path.glob("*.*"):
            if shp.suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                zf.write(shp, f"data/{shp.name}")
    assert importer.list_sources(archive) == ["一期", "二期"]
    with refused("several data sets"):
        importer.read_features(archive)
    feats, report = importer.read_features(archive, layer="二期")
    assert feats["宗地编号"].tolist() == ["B1", "B2"] and report.file == "both.zip/data/二期.shp"


def test_gpkg_with_several_layers_needs_a_choice(tmp_path):
    path = tmp_path / "two.gpkg"
    _cn_parcels(["A1"]).to_file(path, layer="first")
    _cn_parcels(["B1", "B2"]).to_file(path, layer="second")
    assert importer.list_sources(path) == ["first", "second"]
    with refused("several layers"):
        importer.read_features(path)
    feats, report = importer.read_features(path, layer="second")
    assert feats["宗地编号"].tolist() == ["B1", "B2"] and report.source_layer == "second"


@pytest.mark.parametrize(("crs", "expected"), [
    ("EPSG:4490", ["EPSG:4490"]), ("EPSG:4549", ["EPSG:4549"]), ("EPSG:4528", ["EPSG:4528"]),
    ("EPSG:4498", ["EPSG:4498"]), ("EPSG:4509", ["EPSG:4509"]),
])
def test_crs_candidates_from_coordinate_ranges(crs, expected):
    gdf = _cn_parcels(["A1"], crs=crs)
    assert importer.crs_candidates(tuple(gdf.total_bounds)) == expected


def test_crs_candidates_for_coordinates_far_away():
    assert importer.crs_candidates((2.30, 48.80, 2.40, 48.90)) == []


def test_csv_lonlat_degrees_assumed_cgcs2000_and_gcj02_converted(tmp_path):
    csv = tmp_path / "amap.csv"
    csv.write_text("名称,经度,纬度\n县中心,120.078965,28.654208\n", encoding="utf-8")
    with pytest.raises(importer.CoordSourceUnknownError) as asked:
        importer.read_features(csv)  # degrees from a CSV: Gaode's or a survey's? asked, not assumed
    assert "Where do the coordinates of amap.csv come from?" in asked.value.text("en")
    assert "GCJ-02" in asked.value.text("zh")
    plain, report = importer.read_features(csv, gcj02=False)
    assert report.crs_used == "EPSG:4490" and "taken as CGCS2000" in " ".join(report.note_texts("en"))
    assert report.coord_source == "survey" and "no GCJ-02 correction" in " ".join(report.note_texts("en"))
    fixed, report = importer.read_features(csv, gcj02=True)
    assert report.gcj02
    x, y = fixed.geometry.iloc[0].x, fixed.geometry.iloc[0].y
    ex, ey = gcj02.gcj02_to_wgs84(120.078965, 28.654208)
    assert abs(x - ex) < 1e-9 and abs(y - ey) < 1e-9
    assert plain.index.tolist() == [2]  # the sheet row number (header is row 1)


def test_xlsx_with_wkt_column_and_3d_and_invalid_geometry(tmp_path):
    bowtie = shapely.Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100)])
    box3d = shapely.force_3d(square(3), 55.0)
    sheet = pd.DataFrame({"宗地编号": ["W1", "W2"], "WKT": [bowtie.wkt, box3d.wkt]})
    path = tmp_path / "wkt.xlsx"
    sheet.to_excel(path, index=False, sheet_name="宗地")
    feats, report = importer.read_features(path, crs="EPSG:4549")
    assert [p.row for p in report.repaired] == [2]
    assert "the outline crosses itself near 120." in report.repaired[0].message.text("en")
    assert "边界在 120." in report.repaired[0].message.text("zh")  # GEOS's words, translated
    assert not shapely.has_z(feats.geometry.to_numpy()).any()
    assert feats.geometry.is_valid.all()
    assert any("Z values dropped from 1" in n for n in report.note_texts("en"))


# --------------------------------------------------------------------------- plan and write

def test_plan_maps_chinese_columns_and_reports_add_update_reject(tmp_path, small_store):
    gdf = _cn_parcels(["P1", "N1", "N2", "N2", "N3", "N4"], first=0)
    gdf.loc[4, "土地用途"] = "商业用地"
    gdf.loc[5, "批准年份"] = 1800
    gdf["容积率"] = [1.2, 0.8, 1.0, 1.0, 1.0, 25.0]
    path = tmp_path / "cadastre.gpkg"
    gdf.to_file(path)
    before = sha256(small_store)
    plan = importer.plan_import(path, small_store, layer="parcels")
    rep = plan.report
    assert sha256(small_store) == before  # planning writes nothing
    assert rep.rows_read == 6
    assert rep.updated == ["P1"] and rep.added == ["N1", "N2"]
    assert [p.row for p in rep.rejected] == [4, 5, 6]
    by_row = {p.row: p.message.text("en") for p in rep.rejected}
    assert "duplicate ID N2 (first in row 3)" in by_row[4]
    assert "land_use: value '商业用地' is not one of" in by_row[5]
    assert "approved_year: 1800 is out of range" in by_row[6] and "plot_ratio: 25 is out of range" in by_row[6]
    assert [p.id for p in rep.duplicates] == ["N2"]
    assert [p.id for p in rep.rejected] == ["N2", "N3", "N4"]  # each rejected row names its ID
    assert rep.mapping["parcel_id"] == "宗地编号" and rep.mapping["plot_ratio"] == "容积率"
    assert plan.frame["town_code"].tolist() == ["331122001"] * 3  # nearest town seat
    assert rep.area_mu["N1"] == pytest.approx(15.0, rel=1e-3)
    assert rep.outside == []
    text = "\n".join(rep.lines("zh"))
    assert "新增 2，更新 1，拒绝 3" in text and "第 5 行" in text


def test_apply_writes_all_rows_and_keeps_the_others(tmp_path, any_small_store):
    small_store = any_small_store
    path = tmp_path / "cadastre.geojson"
    gdf = _cn_parcels(["P2", "N1"], first=1, **{"建筑面积(亩)": [3.0, 1.5]})
    gdf.to_crs("EPSG:4490").to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    report = importer.apply_import(plan)
    assert report.written
    parcels = store.read_layer(small_store, "parcels").set_index("parcel_id")
    assert sorted(parcels.index) == ["N1", "P1", "P2", "P3", "P4"]
    assert parcels.loc["P2", "lifecycle"] == "supplied"  # updated from 已供未用
    assert parcels.loc["P1", "lifecycle"] == "approved"  # untouched
    assert parcels.loc["N1", "floor_area_m2"] == pytest.approx(1.5 * units.M2_PER_MU)  # 亩 -> m2
    store.check_store(small_store)


def test_failure_half_way_leaves_the_store_byte_identical(tmp_path, small_store, monkeypatch):
    path = tmp_path / "cadastre.geojson"
    _cn_parcels(["N1", "N2"]).to_crs("EPSG:4490").to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    before = sha256(small_store)
    real_write = store._write_layer

    def write_then_crash(target, name, df):
        real_write(target, name, df)  # the real write into the shadow copy happens ...
        raise OSError("disk full (injected after the layer was written)")  # ... then the process fails

    monkeypatch.setattr(store, "_write_layer", write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        importer.apply_import(plan)
    assert sha256(small_store) == before
    lock = store.lock_path(small_store).name  # the writers' lock file stays: it is not a temp
    assert sorted(p.name for p in small_store.parent.iterdir() if p.name != lock) == \
        ["cadastre.geojson", "store.gpkg"]  # no temp left


def test_apply_refuses_when_the_store_changed_since_the_check(tmp_path, any_small_store):
    small_store = any_small_store
    path = tmp_path / "cadastre.geojson"
    _cn_parcels(["N1"]).to_crs("EPSG:4490").to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    parcels = store.read_layer(small_store, "parcels")
    store.replace_layers(small_store, {"parcels": parcels.iloc[:3]})  # someone else's write
    before = snapshot(small_store)
    with refused("changed since the check"):
        importer.apply_import(plan)
    assert same_snapshot(snapshot(small_store), before)


def test_outside_the_county_near_listed_far_rejected_and_wrong_geometry_types(tmp_path, small_store):
    county = store.read_layer(small_store, "county").to_crs("EPSG:4549").union_all()
    east_x, east_y = max(shapely.get_coordinates(county), key=lambda c: c[0])  # the easternmost point
    near = shapely.box(east_x + 2_000, east_y, east_x + 2_100, east_y + 100)  # 2 km east of the county
    far = shapely.box(east_x + 60_000, east_y, east_x + 60_100, east_y + 100)  # 60 km: not Jinyun
    gdf = gpd.GeoDataFrame({"宗地编号": ["IN", "NEAR", "PT", "FAR"], "土地用途": ["工业"] * 4,
                            "供地状态": ["批"] * 4, "批准年份": [2019] * 4},
                           geometry=[square(5), near, square(6).centroid, far], crs="EPSG:4549")
    path = tmp_path / "mixed.gpkg"
    gdf.to_file(path, layer="mixed")
    before = sha256(small_store)
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert [p.id for p in plan.report.outside] == ["NEAR"]
    assert "outside the county boundary by about" in plan.report.outside[0].message.text("en")
    rejected = {p.row: p.message.text("en") for p in plan.report.rejected}
    assert sorted(rejected) == [3, 4]
    assert "geometry type Point does not fit layer parcels" in rejected[3]
    assert "km outside the county, farther than the 5 km" in rejected[4]
    assert sorted(plan.report.added) == ["IN", "NEAR"]
    assert sha256(small_store) == before


def test_csv_with_id_column_joins_existing_geometries(tmp_path, small_store):
    csv = tmp_path / "status.csv"
    csv.write_text("宗地编号,土地用途,供地状态,批准年份,乡镇代码\nP3,工业用地,已达标,2018,331122001\n"
                   "X9,工业用地,已达标,2018,331122001\n", encoding="gbk")
    p3_before = store.read_layer(small_store, "parcels").set_index("parcel_id").geometry["P3"]
    plan = importer.plan_import(csv, small_store, layer="parcels")
    assert plan.report.encoding == "GB18030"
    assert plan.report.updated == ["P3"]
    assert [(p.row, "no stored geometry with parcel_id X9" in p.message.text("en")) for p in plan.report.rejected] == [(3, True)]
    importer.apply_import(plan)
    parcels = store.read_layer(small_store, "parcels").set_index("parcel_id")
    assert parcels.loc["P3", "lifecycle"] == "meeting"
    assert parcels.geometry["P3"].equals(p3_before)


def test_enterprise_figures_joined_by_uscc_then_name(tmp_path, any_small_store):
    small_store = any_small_store
    bad_uscc = USCC_B[:-1] + ("0" if USCC_B[-1] != "0" else "1")
    sheet = pd.DataFrame({
        "统一社会信用代码": [USCC_A, bad_uscc, "", "913311220000000000"],
        "企业名称": ["随便", "缙云县乙公司", "缙云县甲公司", "不存在的公司"],
        "年份": [2023, 2023, 2022, 2023],
        "税收(元)": [1_200_000, 50_000, 80_000, 1],
        "增加值（万元）": [300, 20, 25, 1], "营业收入": [900, 60, 70, 1], "能耗": [120, 8, 9, 1],
        "从业人员": [80, 12, 12, 1], "研发投入": [40, 1, 1, 1],
    })
    path = tmp_path / "tax.xlsx"
    sheet.to_excel(path, index=False)
    plan = importer.plan_import(path, small_store, layer="enterprise_figures")
    rep = plan.report
    assert rep.added == ["E1,2023", "E2,2023", "E1,2022"]
    assert [p.row for p in rep.unmatched] == [5]
    assert "matches no enterprise" in rep.unmatched[0].message.text("en")
    wrong = {p.row: p for p in rep.uscc_errors}  # listed with their rows, while the import goes on
    assert 3 in wrong and wrong[3].id == bad_uscc and "check character" in wrong[3].message.text("en")
    assert "统一社会信用代码有误的行" in "\n".join(rep.lines("zh"))
    assert rep.to_dict("en")["uscc_errors"][0]["row"] == min(wrong)
    figures = plan.frame.set_index(["enterprise_id", "year"])
    assert figures.loc[("E1", 2023), "tax_10k"] == pytest.approx(120.0)  # 元 -> 万元
    assert figures.loc[("E1", 2023), "value_added_10k"] == pytest.approx(300.0)
    importer.apply_import(plan)
    stored = store.read_layer(small_store, "enterprise_figures")
    assert len(stored) == 3


def test_missing_required_column_is_refused_with_the_fields_named(tmp_path, small_store):
    gdf = _cn_parcels(["N1"]).drop(columns=["土地用途"])
    path = tmp_path / "nouse.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    with refused(r"lacks required fields of layer parcels: land_use"):
        importer.plan_import(path, small_store, layer="parcels")


def test_a_file_without_stages_or_years_marks_them_unverified_not_invented(tmp_path,
                                                                           small_store):
    from geo import asof, health

    gdf = _cn_parcels(["N1", "P2"], first=1).drop(columns=["供地状态", "批准年份"])
    path = tmp_path / "nolife.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert any("未核实" in n for n in plan.report.note_texts("zh"))
    importer.apply_import(plan, user="王工")
    parcels = store.read_layer(small_store, "parcels").set_index("parcel_id")
    assert parcels.loc["N1", "lifecycle"] == "unverified"
    assert parcels.loc["P2", "lifecycle"] == "approved"  # the stage the store knew stays
    assert parcels.loc["P2", "approved_year"] == 2018  # and so does its year
    assert pd.isna(parcels.loc["N1", "approved_year"])
    found = {c.key: c.ids for c in health.findings(store.Store(small_store))}
    assert found["parcels_unverified"] == ("N1",)
    assert "N1" in found["parcels_without_year"]
    then = asof.parcels_as_of(parcels.reset_index(), store.read_layer(small_store, "land_sales"),
                              "2025-12-31")
    assert "N1" not in set(then["parcel_id"])  # no year: cannot be placed in time


def test_preset_saved_loaded_and_applied(tmp_path, small_store):
    gdf = gpd.GeoDataFrame({"ZD_NO": ["N1", "N2"], "YT": ["工业", "仓储"], "JD": ["甲", "乙"], "NF": [2021, 2021]},
                           geometry=[square(8), square(9)], crs="EPSG:4549")
    path = tmp_path / "bureau.gpkg"
    gdf.to_file(path)
    with refused("lacks required fields"):
        importer.plan_import(path, small_store, layer="parcels")
    mapping = importer.ColumnMapping(layer="parcels",
                                     columns={"parcel_id": "ZD_NO", "land_use": "YT", "lifecycle": "JD",
                                              "approved_year": "NF"},
                                     values={"lifecycle": {"甲": "approved", "乙": "built"}})
    saved = importer.save_preset(mapping, "国土局宗地", directory=tmp_path / "mappings")
    assert json.loads(saved.read_text(encoding="utf-8"))["columns"]["parcel_id"] == "ZD_NO"
    assert importer.list_presets(tmp_path / "mappings") == ["国土局宗地"]
    loaded = importer.load_preset("国土局宗地", directory=tmp_path / "mappings")
    plan = importer.plan_import(path, small_store, layer="parcels", mapping=loaded)
    assert plan.frame["lifecycle"].tolist() == ["approved", "built"]
    assert plan.frame["land_use"].tolist() == ["industrial", "warehouse"]


def test_shipped_presets_load():
    names = importer.list_presets()
    assert names, "data/mappings/ ships presets"
    for name in names:
        preset = importer.load_preset(name)
        assert preset.layer in ("parcels", "enterprise_figures", "enterprises")
        assert set(preset.columns) <= set(importer.layer_fields(preset.layer))


def test_recorded_area_checked_against_the_map(tmp_path, small_store):
    gdf = _cn_parcels(["N1", "N2"], **{"宗地面积(公顷)": [1.0, 2.0]})  # squares are 1 ha
    path = tmp_path / "area.gpkg"
    gdf.to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert any("1 parcels: recorded parcel area" in n and "rows 2" in n for n in plan.report.note_texts("en"))


def test_auto_mapping_units_in_headers():
    m = importer.auto_mapping(["宗地编号", "建筑面积（平方米）", "税收(万元)", "用地面积(亩)"], "parcels")
    assert m.columns == {"parcel_id": "宗地编号", "floor_area_m2": "建筑面积（平方米）"}
    assert m.units == {"floor_area_m2": "平方米"}
    m = importer.auto_mapping(["企业名称", "统一社会信用代码", "用地面积(公顷)"], "enterprises")
    assert m.columns == {"uscc": "统一社会信用代码", "name": "企业名称", "land_area_mu": "用地面积(公顷)"}
    assert m.units == {"land_area_mu": "公顷"}


def test_an_import_records_history_as_an_edit_does(any_small_store, tmp_path):
    small_store = any_small_store
    import datetime as dt

    from geo import asof

    gdf = gpd.GeoDataFrame({"宗地编号": ["P1", "N9"], "土地用途": ["工业用地", "工业用地"],
                            "供地状态": ["已达标", "已批未供"], "批准年份": [2020, 2021]},
                           geometry=[square(0), square(40)], crs="EPSG:4549")
    path = tmp_path / "update.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert plan.report.updated == ["P1"] and plan.report.added == ["N9"]
    importer.apply_import(plan, user="李工", now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))
    audit = store.read_layer(small_store, "audit")
    changed = audit[audit["feature_id"] == "P1"].set_index("field")
    assert changed.loc["lifecycle", "old_value"] == "approved"
    assert changed.loc["lifecycle", "new_value"] == "meeting"
    assert set(audit["user"]) == {"李工"} and audit["batch"].str.startswith("update.geojson").all()
    assert audit[audit["feature_id"] == "N9"]["field"].tolist() == ["*"]
    # the as-of views of an earlier day keep the value from before the import
    layers = store.read_all(small_store)
    then = asof.layers_as_of(layers, pd.Timestamp("2025-12-31"))["parcels"].set_index("parcel_id")
    assert then.loc["P1", "lifecycle"] == "approved"
    assert layers["parcels"].set_index("parcel_id").loc["P1", "lifecycle"] == "meeting"


def test_a_gaode_kml_is_asked_where_its_coordinates_came_from_before_anything_is_written(tmp_path,
                                                                                          small_store):
    kml = tmp_path / "parks.kml"
    _cn_parcels(["K1"]).to_crs("EPSG:4326").to_file(kml, driver="KML")
    assert importer.inspect(kml).asks_source
    assert not importer.inspect(_write_geojson(tmp_path)).asks_source  # GeoJSON says its CRS
    before = sha256(small_store)
    with pytest.raises(importer.CoordSourceUnknownError):
        importer.plan_import(kml, small_store, layer="parcels")
    assert sha256(small_store) == before
    plain = importer.plan_import(kml, small_store, layer="parcels", gcj02=False)
    fixed = importer.plan_import(kml, small_store, layer="parcels", gcj02=True)
    assert (plain.report.coord_source, fixed.report.coord_source) == ("survey", "gcj02")
    shift = gpd.GeoSeries([plain.frame.geometry.iloc[0].centroid, fixed.frame.geometry.iloc[0].centroid],
                          crs="EPSG:4490").to_crs("EPSG:4549")
    assert 300 < shift.iloc[0].distance(shift.iloc[1]) < 800  # the GCJ-02 offset is applied or not


def _write_geojson(tmp_path):
    path = tmp_path / "parcels.geojson"
    _cn_parcels(["G1"]).to_crs("EPSG:4490").to_file(path)
    return path

"""The bad-input corpus: each file gets its message and the store stays byte-identical."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo import importer
from tests.geo.import_support import build_store, refused, sha256, square

_STORE_CACHE: dict[str, bytes] = {}


@pytest.fixture
def small_store(tmp_path_factory, tmp_path) -> Path:
    if "bytes" not in _STORE_CACHE:
        built = build_store(tmp_path_factory.mktemp("base") / "base.gpkg")
        _STORE_CACHE["bytes"] = built.read_bytes()
    path = tmp_path / "store.gpkg"
    path.write_bytes(_STORE_CACHE["bytes"])
    return path


def _refused(path, store_path, match, **kwargs):
    """Plan the import, expect a refusal whose English message matches, and check the store is unchanged."""
    before = sha256(store_path)
    with refused(match) as info:
        importer.plan_import(path, store_path, layer=kwargs.pop("layer", "parcels"), **kwargs)
    assert Path(path).name.split("/")[0] in info.value.text("en")  # the message names the file
    assert sha256(store_path) == before
    return info.value


def _parcels(n=3, crs="EPSG:4549") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"parcel_id": [f"N{i}" for i in range(n)], "land_use": ["工业用地"] * n, "lifecycle": ["已批未供"] * n,
         "approved_year": [2020] * n},
        geometry=[square(10 + i) for i in range(n)], crs="EPSG:4549").to_crs(crs)


def _zip_shapefile(folder: Path, gdf: gpd.GeoDataFrame, *, parts=(".shp", ".shx", ".dbf", ".prj", ".cpg"),
                   encoding="UTF-8", name="parcels") -> Path:
    shp = folder / f"{name}.shp"
    gdf.to_file(shp, encoding=encoding)
    archive = folder / f"{name}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in parts:
            if shp.with_suffix(part).exists():
                zf.write(shp.with_suffix(part), f"{name}{part}")
    return archive


def test_corrupt_zip(tmp_path, small_store):
    bad = tmp_path / "cadastre.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    _refused(bad, small_store, "not a valid zip archive")


def test_zip_with_parent_paths_is_never_extracted(tmp_path, small_store):
    evil = tmp_path / "evil.zip"
    marker = f"escaped-{tmp_path.name}.txt"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("ok.geojson", "{}")
        zf.writestr(f"../../{marker}", "owned")
    scratch = Path(tempfile.gettempdir()) / "jinyun-import"
    before = {p.name for p in scratch.iterdir()} if scratch.exists() else set()
    exc = _refused(evil, small_store, r"unsafe path \.\./\.\./" + marker)
    assert "nothing extracted" in exc.text("en")
    # nothing escaped next to the temp folder, under tmp_path, or in the system temp dir
    assert not list(tmp_path.parent.rglob(marker))
    assert not (Path(tempfile.gettempdir()) / marker).exists()
    assert {p.name for p in scratch.iterdir()} - before == set()  # the unpacking folder is gone


def test_zip_bomb_past_the_limit(tmp_path, small_store):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("parcels.geojson", b" " * (3 * 2**20))  # 3 MB of spaces, a few KB zipped
    assert bomb.stat().st_size < 50_000
    _refused(bomb, small_store, "expands past the limit of 1 MB", max_unzipped=2**20)


def test_zip_bomb_with_lying_sizes_is_stopped_while_extracting(tmp_path):
    bomb = tmp_path / "liar.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("parcels.geojson", b" " * (3 * 2**20))
    data = bytearray(bomb.read_bytes())
    # rewrite the declared uncompressed size (central directory) to 10 bytes
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with refused("liar.zip") as info:
        importer.read_features(bomb, max_unzipped=2**20)
    assert "expands past" in info.value.text("en") or "not a valid zip" in info.value.text("en")


def test_shapefile_without_shx(tmp_path, small_store):
    archive = _zip_shapefile(tmp_path, _parcels(), parts=(".shp", ".dbf", ".prj"))
    _refused(archive, small_store, r"has no \.shx file")


def test_shapefile_without_prj_proposes_crs_candidates(tmp_path, small_store):
    archive = _zip_shapefile(tmp_path, _parcels(), parts=(".shp", ".shx", ".dbf", ".cpg"))
    exc = _refused(archive, small_store, "has no coordinate reference system")
    assert isinstance(exc, importer.CRSUnknownError)
    assert exc.candidates == ["EPSG:4549"]
    # with the CRS confirmed, the same file imports
    plan = importer.plan_import(archive, small_store, layer="parcels", crs="EPSG:4549")
    assert plan.report.added == ["N0", "N1", "N2"]


def test_empty_file(tmp_path, small_store):
    empty = tmp_path / "parcels.geojson"
    empty.write_bytes(b"")
    _refused(empty, small_store, r"is empty \(0 bytes\)")
    with refused("空文件", lang="zh"):
        importer.read_features(empty)  # Chinese by default


def test_csv_that_is_not_geodata(tmp_path, small_store):
    csv = tmp_path / "members.csv"
    csv.write_text("姓名,电话\n张三,123\n李四,456\n", encoding="utf-8")
    exc = _refused(csv, small_store, "is not geodata")
    assert "姓名" in exc.text("en") and "电话" in exc.text("en")  # lists the columns it found


def test_gbk_dbf_without_cpg_is_read_correctly(tmp_path, small_store):
    gdf = _parcels()
    gdf["备注"] = ["五云街道东渡工业功能区", "壶镇镇", "新建镇"]
    archive = _zip_shapefile(tmp_path, gdf, parts=(".shp", ".shx", ".dbf", ".prj"), encoding="GBK")
    with zipfile.ZipFile(archive) as zf:
        assert "parcels.cpg" not in zf.namelist()
        raw = zf.read("parcels.dbf")
    assert "壶镇镇".encode("gbk") in raw
    before = sha256(small_store)
    plan = importer.plan_import(archive, small_store, layer="parcels")
    assert plan.report.encoding == "GB18030"
    assert "detected attribute encoding: GB18030" in " ".join(plan.report.note_texts("en"))
    assert plan.frame["land_use"].tolist() == ["industrial"] * 3  # 工业用地 decoded and mapped
    feats, _ = importer.read_features(archive)
    assert feats["备注"].tolist() == ["五云街道东渡工业功能区", "壶镇镇", "新建镇"]
    assert sha256(small_store) == before


def test_kml_with_no_placemarks(tmp_path, small_store):
    kml = tmp_path / "sites.kml"
    kml.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
                   "<Document><name>空</name></Document></kml>", encoding="utf-8")
    _refused(kml, small_store, "holds no placemarks")


def test_coordinates_in_wrong_order(tmp_path, small_store):
    csv = tmp_path / "sites.csv"
    csv.write_text("宗地编号,经度,纬度,土地用途,供地状态,批准年份\n"
                   "S1,28.657,120.074,工业用地,已批未供,2020\nS2,28.658,120.075,工业用地,已批未供,2020\n",
                   encoding="utf-8")
    exc = _refused(csv, small_store, "wrong order", layer="enterprises")
    assert "28.6570" in exc.text("en") and "120.0740" in exc.text("en")
    gj = tmp_path / "swapped.geojson"
    gj.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":1},'
                  '"geometry":{"type":"Point","coordinates":[28.657,120.074]}}]}', encoding="utf-8")
    with refused("latitude/longitude swapped"):
        importer.read_features(gj)


def test_file_larger_than_the_upload_limit(tmp_path, small_store):
    big = tmp_path / "big.geojson"
    _parcels(20).to_file(big)
    size = big.stat().st_size
    _refused(big, small_store, "larger than the upload limit", max_bytes=size - 1)


def test_unsupported_format_and_missing_file(tmp_path, small_store):
    doc = tmp_path / "plan.docx"
    doc.write_bytes(b"not really")
    _refused(doc, small_store, "format not supported")
    _refused(tmp_path / "nowhere.gpkg", small_store, "not found")


def test_zip_without_data_lists_what_it_holds(tmp_path, small_store):
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("site.jpg", b"\xff\xd8")
    _refused(archive, small_store, r"holds no file that can be imported \(it holds: site.jpg\)")


def test_geojson_that_is_not_json(tmp_path, small_store):
    bad = tmp_path / "parcels.geojson"
    bad.write_bytes(io.BytesIO(b"{ this is not json").read())
    _refused(bad, small_store, "Cannot read file parcels.geojson")


def test_a_library_error_names_the_file_never_the_server_folder(tmp_path, small_store):
    html = tmp_path / "deep" / "folder" / "parcels.geojson"
    html.parent.mkdir(parents=True)
    html.write_text("<html><body>not geojson</body></html>", encoding="utf-8")
    exc = _refused(html, small_store, "parcels.geojson")
    assert str(tmp_path) not in exc.text("en") and str(tmp_path) not in exc.text("zh")


# ----------------------------------------------------------------- the corpus of issue #16

def _geojson(path: Path, rings: dict[str, list]) -> Path:
    import json

    features = [{"type": "Feature", "properties": {"parcel_id": pid, "land_use": "工业用地"},
                 "geometry": {"type": "Polygon", "coordinates": [ring]}} for pid, ring in rings.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


_IN = [[120.074, 28.657], [120.075, 28.657], [120.075, 28.658], [120.074, 28.658], [120.074, 28.657]]


def test_a_ring_of_two_points_is_a_rejected_row_not_a_traceback(tmp_path, small_store):
    path = _geojson(tmp_path / "cadastre.geojson", {"OK": _IN, "BAD": [[120.1, 28.7], [120.101, 28.7]]})
    before = sha256(small_store)
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert plan.report.added == ["OK"]
    [problem] = plan.report.rejected
    assert problem.row == 2 and "fewer than four points" in problem.message.text("en")
    assert "少于 4 个点" in problem.message.text("zh")
    assert sha256(small_store) == before


def test_parcels_in_beijing_at_0_0_and_near_the_pole_are_rejected_rows(tmp_path, small_store):
    def ring(x, y):
        return [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y]]
    path = _geojson(tmp_path / "cadastre.geojson", {"OK": _IN, "BJ": ring(116.4, 39.9), "ZERO": ring(0, 0),
                                                    "SOUTH": ring(0, -89.9)})
    plan = importer.plan_import(path, small_store, layer="parcels")
    assert plan.report.added == ["OK"]
    rejected = {p.id: p for p in plan.report.rejected}
    assert sorted(rejected) == ["BJ", "SOUTH", "ZERO"]
    assert [rejected[k].row for k in ("BJ", "ZERO", "SOUTH")] == [2, 3, 4]
    assert "about 1265 km outside the county" in rejected["BJ"].message.text("en")
    assert not plan.report.outside  # rejected, not merely listed


def test_nan_and_infinite_coordinates_name_their_rows(tmp_path, small_store):
    path = tmp_path / "points.csv"
    path.write_text("宗地编号,土地用途,wkt\nA,工业用地,\"POLYGON((120.074 28.657,120.075 28.657,120.075 28.658,"
                    "120.074 28.657))\"\nB,工业用地,\"POLYGON((120.074 28.657,inf 28.657,120.075 28.658,"
                    "120.074 28.657))\"\nC,工业用地,\"POLYGON((nan 28.657,120.075 28.657,120.075 28.658,"
                    "nan 28.657))\"\n", encoding="utf-8")
    plan = importer.plan_import(path, small_store, layer="parcels", gcj02=False)
    assert plan.report.added == ["A"]  # not "no CRS, wrong CRS?" for the whole file
    rejected = {p.row: p.message.text("en") for p in plan.report.rejected}
    assert sorted(rejected) == [3, 4]
    assert "not a number (NaN or infinite)" in rejected[3]
    assert "does not end where it starts" in rejected[4]  # GEOS's words in the planner's


@pytest.mark.parametrize(("name", "content", "looks_like"), [
    ("parcels.gpkg", b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "a web page (HTML)"),
    ("parcels.geojson", bytes(range(256)) * 8, "binary data of another format"),
    ("parcels.gpkg", b"just some notes about the parcels\n", "plain text"),
])
def test_a_file_that_is_not_what_its_name_says_is_named_in_planner_words(tmp_path, small_store, name,
                                                                           content, looks_like):
    path = tmp_path / "uploads" / name
    path.parent.mkdir()
    path.write_bytes(content)
    exc = _refused(path, small_store, "it is not a .*file; its content looks like " + re.escape(looks_like))
    for lang in ("en", "zh"):
        assert "GDAL" not in exc.text(lang) and "DRIVER" not in exc.text(lang)
        assert str(tmp_path) not in exc.text(lang)


def test_a_sheet_with_a_title_row_above_its_header(tmp_path, small_store):
    path = tmp_path / "台账.xlsx"
    pd.DataFrame([["缙云县工业用地台账（2024 年）", None, None, None],
                  ["宗地编号", "土地用途", "供地状态", "wkt"],
                  ["T1", "工业用地", "已批", "POINT(120.074 28.657)"],
                  ["T2", "工业用地", "已批", "POLYGON((120.074 28.657,120.075 28.657,120.075 28.658,"
                                             "120.074 28.657))"]]).to_excel(path, header=False, index=False)
    plan = importer.plan_import(path, small_store, layer="parcels", gcj02=False)
    assert plan.report.added == ["T2"]
    assert [p.row for p in plan.report.rejected] == [3]  # the sheet's own row number
    notes = [n.text("en") for n in plan.report.notes]
    assert any("column names are on row 2" in n for n in notes), notes
    assert not any("Unnamed" in str(c) for c in plan.report.mapping.values())


@pytest.mark.parametrize("part", [".shp", ".dbf"])
def test_a_shapefile_cut_short_is_refused_as_incomplete(tmp_path, small_store, part):
    archive = _zip_shapefile(tmp_path, _parcels(10))
    cut = tmp_path / "cut"
    cut.mkdir()
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(cut)
    target = cut / f"parcels{part}"
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    truncated = tmp_path / "truncated.zip"
    with zipfile.ZipFile(truncated, "w") as zf:
        for f in cut.iterdir():
            zf.write(f, f.name)
    exc = _refused(truncated, small_store, rf"is incomplete: its \{part} file holds \d+ bytes of the \d+")
    assert "不完整" in exc.text("zh")


def test_a_sheet_past_the_row_limit_is_refused_before_it_is_parsed(tmp_path, small_store, monkeypatch):
    from geo import _import_read

    monkeypatch.setattr(_import_read, "MAX_TABLE_ROWS", 100)
    rows = pd.DataFrame({"宗地编号": [f"R{i}" for i in range(150)], "wkt": ["POINT(120.07 28.65)"] * 150})
    rows.to_csv(tmp_path / "big.csv", index=False)
    rows.to_excel(tmp_path / "big.xlsx", index=False)
    for name in ("big.csv", "big.xlsx"):
        _refused(tmp_path / name, small_store, "holds 15[01] rows, more than the 100 an import takes")


def test_the_zip_limit_suits_a_county_cadastre():
    assert importer.MAX_UNZIPPED_BYTES == 500 * 2**20


def test_leftovers_of_a_killed_import_are_removed_at_start(tmp_path):
    import subprocess
    import sys

    from geo import _import_read

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = _import_read._scratch_root() / f"{gone.stdout.strip()}-abc"
    (dead / "inner").mkdir(parents=True)
    (dead / "inner" / "cadastre.shp").write_bytes(b"x" * 1000)
    mine = _import_read._scratch_root() / f"{__import__('os').getpid()}-live"
    mine.mkdir()
    try:
        assert _import_read.clean_leftovers() >= 1
        assert not dead.exists()
        assert mine.exists()  # a folder of a running process is not touched
    finally:
        shutil_rmtree(mine)


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def test_a_file_with_no_valid_row_says_why_for_its_first_rows(tmp_path, small_store):
    path = _geojson(tmp_path / "beijing.geojson",
                    {"BJ": [[116.4, 39.9], [116.401, 39.9], [116.401, 39.901], [116.4, 39.9]]})
    exc = _refused(path, small_store, r"no row passed the checks \(1 rejected\).*row 1: about 1265 km outside")
    assert "第 1 行：位于县界外约 1265 公里" in exc.text("zh")

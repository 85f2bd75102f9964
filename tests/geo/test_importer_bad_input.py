"""The bad-input corpus: each file gets its message and the store stays byte-identical."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
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
    before = {p.name for p in Path(tempfile.gettempdir()).iterdir()}
    exc = _refused(evil, small_store, r"unsafe path \.\./\.\./" + marker)
    assert "nothing extracted" in exc.text("en")
    # nothing escaped next to the temp folder, under tmp_path, or in the system temp dir
    assert not list(tmp_path.parent.rglob(marker))
    assert not (Path(tempfile.gettempdir()) / marker).exists()
    leftovers = {p.name for p in Path(tempfile.gettempdir()).iterdir()} - before
    assert not [n for n in leftovers if n.startswith("jinyun-import-")]


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

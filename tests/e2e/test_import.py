"""Import in a real browser: upload a zipped Shapefile, check, read the report, confirm, see it written."""

from __future__ import annotations

import zipfile

import geopandas as gpd

from geo import store
from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tests.geo.import_support import sha256, square


def _zipped_shapefile(folder):
    gdf = gpd.GeoDataFrame({"宗地编号": ["U1", "U2", "U3"], "土地用途": ["工业用地", "仓储用地", "商业"],
                            "供地状态": ["已批未供", "已达标", "已批未供"], "批准年份": [2022, 2019, 2020]},
                           geometry=[square(40), square(41), square(42)], crs="EPSG:4549")
    gdf.to_file(folder / "宗地.shp", encoding="GBK")
    archive = folder / "国土局宗地.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in ("shp", "shx", "dbf", "prj"):  # no .cpg: the GBK encoding is detected
            zf.write(folder / f"宗地.{part}", f"宗地.{part}")
    return archive


def test_upload_check_confirm(page, app_server_factory, store_copy, tmp_path):
    target = store_copy  # a private copy of the demo store: this test writes
    url = app_server_factory(target)
    archive = _zipped_shapefile(tmp_path)
    page.goto(url + "/import_data")  # url_path = the file's stem, so a first request finds it too
    wait_for_app(page)
    page.locator("h1", has_text="导入数据").wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    page.locator("input[type='file']").set_input_files(str(archive))
    page.get_by_text("按坐标范围推荐", exact=False).first.wait_for(timeout=60000)
    wait_for_app(page)
    before = sha256(target)
    before_parcels = store.read_layer(target, "parcels")
    page.get_by_role("button", name="检查").click()
    page.get_by_text("拒绝的行（1）").wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    assert any("新增" in m and "2" in m for m in metrics), metrics
    assert any("未找到 .cpg，检测到属性编码：GB18030" in t for t in page.locator("[data-testid='stAlert']").all_inner_texts())
    assert sha256(target) == before  # nothing written before the confirmation
    page.get_by_text("拒绝的行（1）").scroll_into_view_if_needed()
    screenshot(page, "import")
    page.get_by_role("button", name="确认写入 2 条记录").click()
    page.get_by_text("已写入 2 条记录").wait_for(timeout=60000)
    assert_no_exception(page)
    parcels = store.read_layer(target, "parcels").set_index("parcel_id")
    assert {"U1", "U2"} <= set(parcels.index) and "U3" not in parcels.index
    assert len(parcels) == len(before_parcels) + 2
    assert parcels.loc["U2", "lifecycle"] == "meeting" and parcels.loc["U2", "land_use"] == "warehouse"
    assert page.errors == [], page.errors

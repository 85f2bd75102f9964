"""The one-page assessment report of a candidate, on the demo store and its DEM."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime

import geopandas as gpd
import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import box

from geo import assess, plan, settings, store
from geo.export import assessment, sheet
from geo.export.errors import ExportError
from tests.geo.said import raises_said


@pytest.fixture(scope="module")
def layers(demo_store):
    return store.read_all(demo_store)


@pytest.fixture(scope="module")
def rep(layers, demo_store):
    park = layers["parks"].to_crs(settings.METRIC_CRS).geometry.iloc[3].centroid
    cands = gpd.GeoDataFrame(
        {"candidate_id": ["C1", "C2"], "name": ["东侧扩容地块", "西侧地块"]},
        geometry=[box(park.x + 300, park.y - 200, park.x + 900, park.y + 300),
                  box(park.x - 1500, park.y, park.x - 1000, park.y + 400)],
        crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    config = assess.load_config(plan.load_plan())
    result = assess.assess(cands, assess.build_context(layers),
                           str(settings.dem_path(demo_store)), config=config)
    return assess.report(result, "C1", config)


def _ctx() -> sheet.SheetContext:
    return sheet.SheetContext(demo=True, as_of=date(2021, 12, 31), source="演示库",
                              exported_at=datetime(2022, 1, 5, 9, 0, tzinfo=UTC))


def test_report_pdf_is_one_a4_portrait_page_with_the_figures(rep, layers, tmp_path):
    body = assessment.render_report(rep, layers, _ctx())
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    w, h = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(w), round(h)) == (595, 842)
    path = tmp_path / "report.pdf"
    path.write_bytes(body)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                              text=True, check=True).stdout)
    assert "候选地块评估：东侧扩容地块" in text
    assert f"适宜性评分{rep['score']:.1f}·第{rep['rank']}/2名" in text
    for label, value in rep["figures"]:
        assert re.sub(r"\s+", "", label) in text and re.sub(r"\s+", "", value) in text
    assert "涉及约束：" in text and "内部资料，不得公开" in text
    assert "演示数据（虚构）" in text and "导出时间：2022-01-0509:00UTC" in text
    assert body.count(b"/Subtype /Image") <= 3  # dense layers rasterized: a few images only


def test_report_png_and_map_frames_the_candidate(rep, layers):
    body = assessment.render_report(rep, layers, _ctx(), fmt="png")
    assert Image.open(io.BytesIO(body)).size == (1240, 1754)
    spec = assessment.candidate_spec(rep, layers, "zh")
    minx, miny, maxx, maxy = rep["geometry_metric"].bounds
    ex = spec.extent_m
    assert ex[0] < minx and ex[1] < miny and ex[2] > maxx and ex[3] > maxy
    assert ex[2] - ex[0] == pytest.approx(600 + 2 * 600)  # 600 m site, 600 m around it
    assert spec.layers[-1].key == "candidate"


def test_report_without_the_assessment_data_is_refused(layers):
    with raises_said(ExportError, "lacks"):
        assessment.render_report({"title": "x"}, layers, _ctx())

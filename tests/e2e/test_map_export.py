"""Exporting the map a page shows, from under that map, in a real browser."""

from __future__ import annotations

import re
import subprocess

from PIL import Image
from pypdf import PdfReader

from tests.e2e.conftest import assert_no_exception, map_frame, screenshot, wait_for_app


def _export_panel(pg):
    panel = pg.locator("[data-testid='stExpander']").filter(has_text="导出当前地图")
    panel.locator("summary").click()
    return panel


def _download(pg, panel, name: str, tmp_path):
    with pg.expect_download(timeout=60000) as dl:
        panel.get_by_role("button", name=name).click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    return path


def _scale(panel) -> int:
    text = panel.get_by_text(re.compile("比例尺 1:")).first.inner_text()
    return int(re.search(r"1:([\d,]+)", text).group(1).replace(",", ""))


def test_parks_map_exports_with_its_filter_and_current_view(page, app_url, tmp_path):
    page.goto(app_url + "/parks")
    wait_for_app(page, timeout_ms=90000)
    map_frame(page)
    # filter: operating parks only
    page.locator("[data-testid='stMultiSelect']").filter(has_text="状态").click()
    page.get_by_role("option", name="运营").click()
    page.keyboard.press("Escape")
    wait_for_app(page)

    panel = _export_panel(page)
    panel.locator("[data-testid='stRadio']").filter(has_text="格式").get_by_text("PDF").click()
    wait_for_app(page)
    panel.get_by_role("button", name="生成", exact=True).click()
    wait_for_app(page, timeout_ms=90000)
    opening_scale = _scale(panel)
    pdf = _download(page, panel, "下载 PDF", tmp_path)
    assert pdf.name == "jinyun_parks_A4_150dpi.pdf"
    assert len(PdfReader(pdf).pages) == 1
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "小微企业园" in text and "状态：运营" in text and "运营" in text
    assert "内部资料，不得公开" in text and "演示数据" in text

    # the current view: on, zoom in twice, the sheet's scale follows
    panel.get_by_text("按当前视图范围导出").click()
    wait_for_app(page, timeout_ms=90000)
    frame = map_frame(page)
    for _ in range(2):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(700)
    wait_for_app(page, timeout_ms=90000)
    panel = page.locator("[data-testid='stExpander']").filter(has_text="导出当前地图")
    assert panel.get_by_text("范围：当前视图").count() == 1
    panel.get_by_role("button", name="生成", exact=True).click()
    wait_for_app(page, timeout_ms=90000)
    zoomed_scale = _scale(panel)
    # two zoom steps show a quarter of the width; the opening sheet fits the parks' box, a
    # little smaller than the map's opening view, so the ratio is above 2 but below 4
    assert zoomed_scale < opening_scale / 1.8, (opening_scale, zoomed_scale)

    html = _download(page, panel, "下载 HTML", tmp_path)
    body = html.read_text(encoding="utf-8")
    assert "L.map(" in body and "https://cdn" not in body
    assert_no_exception(page)
    screenshot(page, "parks_export_panel")
    assert page.errors == [], page.errors


def test_ranking_map_exports_as_png_of_the_chosen_paper(page, app_url, tmp_path):
    page.goto(app_url + "/ranking")
    wait_for_app(page, timeout_ms=90000)
    map_frame(page)
    panel = _export_panel(page)
    panel.locator("[data-testid='stRadio']").filter(has_text="纸张").get_by_text("A3").click()
    wait_for_app(page)
    panel.locator("[data-testid='stRadio']").filter(has_text="方向").get_by_text("纵向").click()
    wait_for_app(page)
    panel.get_by_role("button", name="生成", exact=True).click()
    wait_for_app(page, timeout_ms=90000)
    png = _download(page, panel, "下载 PNG", tmp_path)
    img = Image.open(png)
    img.load()
    assert img.size == (1754, 2480)  # A3 portrait at 150 dpi
    assert_no_exception(page)
    assert page.errors == [], page.errors

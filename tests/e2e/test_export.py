"""Exports in a real browser: downloads from the page open; the HTML map draws offline."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from geo import store
from layers.overview import overview_map
from layers.standalone import standalone_html
from tests.e2e.conftest import (
    LEAFLET_STATS_JS,
    assert_no_exception,
    screenshot,
    wait_for_app,
)


def test_download_png_snapshot_and_pdf_brief(page, app_url, tmp_path):
    page.goto(app_url + "/export")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("地图导出与会议简报").first.wait_for(timeout=90000)
    page.locator("[data-testid='stRadio']").filter(has_text="格式").get_by_text("PNG").click()
    wait_for_app(page)
    page.get_by_role("button", name="生成", exact=True).click()
    wait_for_app(page, timeout_ms=90000)
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="下载 PNG").click()
    png = tmp_path / dl.value.suggested_filename
    dl.value.save_as(png)
    assert png.suffix == ".png"
    img = Image.open(png)
    img.load()
    assert img.size == (1754, 1240)  # A4 landscape at 150 dpi

    page.get_by_role("button", name="生成简报").click()
    wait_for_app(page, timeout_ms=120000)
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="下载简报 PDF").click()
    pdf = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 6
    assert "简报" in reader.pages[0].extract_text().replace(" ", "")
    assert_no_exception(page)
    screenshot(page, "export")
    assert page.errors == [], page.errors


def test_standalone_html_draws_offline_from_a_file(browser, demo_store, tmp_path):
    layers = store.read_all(demo_store)
    path = tmp_path / "map.html"
    path.write_text(standalone_html(overview_map(layers), title="总览"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    requested: list[str] = []
    context.route(lambda url: not url.startswith(("file:", "data:")),
                  lambda route: (requested.append(route.request.url), route.abort()))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(path.as_uri())
        pg.wait_for_function("() => window.L && document.querySelector('.leaflet-container')",
                             timeout=30000)
        stats = pg.evaluate(LEAFLET_STATS_JS)
        legend = pg.locator(".planner-legend").inner_text()
        pg.screenshot(path=str(tmp_path / "standalone.png"))
        screenshot(pg, "export_standalone_html")
    finally:
        context.close()
    assert requested == [] and errors == []
    expected = len(layers["parks"]) + len(layers["parcels"]) + len(layers["towns"])
    assert stats["features"] >= expected
    assert stats["overlays"]["小微企业园"] is True
    assert "运营" in legend and "已达标" in legend
    assert Image.open(io.BytesIO((tmp_path / "standalone.png").read_bytes())).size == (1200, 900)

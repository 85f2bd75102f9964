"""The assessment page in a real browser: draw a candidate with Leaflet.draw, get its score card."""

from __future__ import annotations

from pypdf import PdfReader

from geo import store
from tests.e2e.conftest import assert_no_exception, map_frame, screenshot, wait_for_app

CENTER_JS = """([lat, lng]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
    m.setView([lat, lng], 15, {animate: false}); return m.getZoom(); }"""
PIXEL_JS = """([lat, lng]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
    const p = m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }"""


def test_drawing_a_polygon_returns_its_score_card(page, app_url, demo_store, tmp_path):
    page.goto(app_url + "/assess")
    wait_for_app(page)
    frame = map_frame(page)
    assert_no_exception(page)
    # a corner inside the first functional zone (developed land: no hard constraint there)
    c = store.read_layer(demo_store, "zones").to_crs("EPSG:4326").geometry.iloc[0].representative_point()
    frame.evaluate(CENTER_JS, [c.y, c.x])
    page.wait_for_timeout(300)
    # the polygon tool of Leaflet.draw (served from /app/static/vendor/leaflet-draw)
    tool = frame.locator(".leaflet-draw-draw-polygon")
    assert tool.get_attribute("title") == "绘制多边形"  # Leaflet.draw speaks the page's language
    tool.click()
    box = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    d = 0.004  # about 400 m
    corners = [(c.y, c.x), (c.y, c.x + d), (c.y + d, c.x + d), (c.y + d, c.x)]
    frame.evaluate(CENTER_JS, [c.y + d / 2, c.x + d / 2])
    page.wait_for_timeout(300)
    pixels = [frame.evaluate(PIXEL_JS, [lat, lng]) for lat, lng in corners]
    for x, y in [*pixels, pixels[0]]:  # clicking the first vertex again closes the polygon
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_timeout(150)
    page.get_by_text("评分卡：绘制1").first.wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    metrics = page.locator("[data-testid='stMetric']").all_inner_texts()
    score = next(m for m in metrics if "适宜性评分" in m)
    # drawn on developed land: the parcels already there are in use, not buildable, so the
    # score (the subtotal times the buildable share) is low
    assert 0 <= float(score.split()[-1]) < 50
    table = page.locator("[data-testid='stDataFrame']").first
    assert table.is_visible()
    # the assessed candidate is drawn back on the map
    frame = map_frame(page)
    frame.wait_for_function(
        "() => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];"
        " let n = 0; m.eachLayer(l => { if (l.feature && l.feature.properties"
        " && l.feature.properties.name === '绘制1') n += 1; }); return n > 0; }", timeout=30000)
    screenshot(page, "assess")
    page.get_by_text("评分卡：绘制1").first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "assess_scorecard")
    # the candidate's one-page report, printed by the export machinery
    with page.expect_download(timeout=60000) as dl:
        page.get_by_role("button", name="评估报告（PDF，一页）").first.click()
    pdf = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    assert "候选地块评估" in reader.pages[0].extract_text().replace(" ", "")
    # every asset of this page came from the app itself: nothing left the machine or failed.
    assert page.errors == [], page.errors


def test_suitability_surface_and_found_sites_on_the_map(page, app_url):
    page.goto(app_url + "/assess")
    wait_for_app(page)
    map_frame(page)
    page.get_by_text("显示县域适宜性评价图").click()
    wait_for_app(page)
    page.get_by_text("开始寻找").click()
    page.get_by_text("推荐地块1").first.wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    frame = map_frame(page)
    # the surface is one image overlay (a PNG data URL) with its legend
    frame.wait_for_function("() => [...document.querySelectorAll('img.leaflet-image-layer')]"
                            ".some(i => i.src.startsWith('data:image/png'))", timeout=30000)
    legend = frame.locator(".planner-legend").inner_text()
    assert "适宜性评分" in legend and "刚性排除" in legend
    n_sites = frame.evaluate(
        "() => { const m = Object.values(window).filter(v => v instanceof L.Map)[0]; const s = new Set();"
        " m.eachLayer(l => { const p = l.feature && l.feature.properties;"
        " if (p && String(p.name).startsWith('推荐地块')) s.add(p.name); }); return s.size; }")
    assert n_sites == 5
    screenshot(page, "assess_surface")


def _gaode_kml(path, polygons_wgs84, names):
    """A KML as Gaode/AMap users make them: GCJ-02 coordinates, some placemarks unnamed."""
    import numpy as np

    from geo import gcj02

    marks = []
    for poly, name in zip(polygons_wgs84, names, strict=True):
        lon, lat = gcj02.wgs84_to_gcj02(*map(np.array, zip(*poly.exterior.coords, strict=True)))
        coords = " ".join(f"{x:.8f},{y:.8f}" for x, y in zip(lon, lat, strict=True))
        label = f"<name>{name}</name>" if name else ""
        marks.append(f"<Placemark>{label}<Polygon><outerBoundaryIs><LinearRing><coordinates>"
                     f"{coords}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/'
                    f'kml/2.2"><Document>{"".join(marks)}</Document></kml>', encoding="utf-8")
    return path


def test_an_unnamed_gaode_kml_upload_gives_every_card_and_report(page, app_url, demo_store,
                                                                   tmp_path):
    from shapely import affinity

    zone = store.read_layer(demo_store, "zones").geometry.iloc[0].representative_point()
    base = zone.buffer(0.003, cap_style="square")
    sites = [base, affinity.translate(base, 0.01, 0), affinity.translate(base, 0, 0.01)]
    kml = _gaode_kml(tmp_path / "gaode_sites.kml", sites, ["东侧地块", None, None])
    page.goto(app_url + "/assess")
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
        str(kml))
    wait_for_app(page)
    page.get_by_text("GCJ-02 坐标（高德/腾讯地图）").click()
    wait_for_app(page)
    for name in ("东侧地块", "候选 2", "候选 3"):
        page.get_by_text(f"评分卡：{name}").first.wait_for(timeout=90000)
    assert_no_exception(page)
    assert page.get_by_role("button", name="评估报告（PDF，一页）").count() == 3
    assert page.get_by_text("权重敏感性").count() == 1  # three candidates: ranks under ±10
    page.get_by_text("评分卡：候选 3").first.scroll_into_view_if_needed()
    screenshot(page, "assess_kml_cards")
    assert _real_errors(page) == [], page.errors


def _real_errors(page) -> list[str]:
    """The page's errors, less requests the map's own redraw aborted (streamlit-folium draws the
    map again after each run): such an asset is still served, as a fetch of it shows."""
    import urllib.request

    def served(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                return resp.status == 200
        except OSError:
            return False

    return [e for e in page.errors
            if not (e.startswith("requestfailed: ") and served(e.split(" ")[1]))]

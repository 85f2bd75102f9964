"""The overview in a real browser: map draws offline, layers toggle, popups, language switch."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo import store
from tests.e2e.conftest import (
    assert_no_exception,
    leaflet_stats,
    map_frame,
    screenshot,
    wait_for_app,
)

PARK_LAYER_ZH = "小微企业园"


def _open(page, url):
    page.goto(url + "/")  # the default page lives at the root URL
    wait_for_app(page)
    return map_frame(page)


def test_overview_draws_all_layers_offline(page, app_url, demo_store):
    frame = _open(page, app_url)
    assert_no_exception(page)
    layers = store.read_all(demo_store)
    stats = leaflet_stats(frame)
    # every park, parcel, platform, zone, town, road is a Leaflet layer with its feature
    expected_min = len(layers["parks"]) + len(layers["parcels"]) + len(layers["towns"])
    assert stats["features"] >= expected_min
    assert stats["overlays"][PARK_LAYER_ZH] is True
    # every asset came from the app itself: no request left the machine or failed
    assert page.errors == [], page.errors
    legend = frame.locator(".planner-legend").inner_text()
    assert "运营" in legend and "已达标" in legend
    screenshot(page, "overview")


def test_toggling_a_layer_hides_it(page, app_url, demo_store):
    frame = _open(page, app_url)
    n_parks = len(store.read_layer(demo_store, "parks"))
    before = leaflet_stats(frame)["features"]
    frame.locator(".leaflet-control-layers-overlays label", has_text=PARK_LAYER_ZH).click()
    frame.wait_for_function(
        "(n) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];"
        " let c = 0; m.eachLayer(l => { if (l.feature) c += 1; }); return c <= n; }",
        arg=before - n_parks)
    after = leaflet_stats(frame)
    assert after["overlays"][PARK_LAYER_ZH] is False
    assert after["features"] == before - n_parks


def test_clicking_a_park_shows_its_popup(page, app_url, demo_store):
    frame = _open(page, app_url)
    parks = store.read_layer(demo_store, "parks")
    park = parks.sort_values("planned_area_mu", ascending=False).iloc[0]
    pt = gpd.GeoSeries([park.geometry], crs=parks.crs).to_crs("EPSG:4326").representative_point()[0]
    # zoom onto the park so it is large enough to hit, then click its inside
    xy = frame.evaluate(
        """([lat, lng]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
             m.setView([lat, lng], 16, {animate: false});
             const p = m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }""",
        [pt.y, pt.x])
    page.wait_for_timeout(500)
    # a click at that point of the map container (Playwright scrolls the map into view first)
    frame.locator(".leaflet-container").click(position={"x": xy[0], "y": xy[1]})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert park["name_zh"] in text
    assert f"{park['planned_area_mu']:g}" in text.replace(",", "")


def test_language_switch_changes_labels(page, app_url):
    _open(page, app_url)
    assert page.get_by_role("heading", name="缙云县生态工业三年行动计划").count() >= 1 or \
        "总览" in page.locator("h1").first.inner_text()
    page.get_by_text("English", exact=True).click()
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('overview')")
    assert "Micro parks started" in page.locator("[data-testid='stMetric']").first.inner_text()
    frame = map_frame(page)
    frame.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".some(l => l.innerText.includes('Micro-enterprise parks'))")


MEASURE_JS = """([lat, lng, d]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
  m.setView([lat, lng], 15, {animate: false});
  return [[lat, lng], [lat, lng + d], [lat + d, lng + d], [lat + d, lng]].map(
    c => { const p = m.latLngToContainerPoint(c); return [p.x, p.y, c[0], c[1]]; }); }"""


def test_the_measure_tool_gives_areas_in_mu(page, app_url):
    """Leaflet's measure tool, served by the app: a square measured on the map reads in 亩,
    as the geodesic area of its corners gives it (to 1 %)."""
    from pyproj import Geod

    frame = _open(page, app_url)
    # the control opens on hover; its "start" link is what a planner clicks then
    frame.evaluate("() => document.querySelector('.leaflet-control-measure .js-start').click()")
    corners = frame.evaluate(MEASURE_JS, [28.66, 120.08, 0.004])
    page.wait_for_timeout(300)
    box = frame.locator(".leaflet-container")
    for x, y, _, _ in corners:
        box.click(position={"x": x, "y": y})
        page.wait_for_timeout(200)
    frame.evaluate("() => document.querySelector('.leaflet-control-measure .js-finish').click()")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert "亩" in text and "平方米" in text, text
    # the polygon Leaflet holds as the measured area, against its geodesic area (GRS80)
    ring = frame.evaluate("""() => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
      let out = null; m.eachLayer(l => { if (l instanceof L.Polygon
        && l.options.className === "layer-measure-resultarea")
        out = l.getLatLngs()[0].map(c => [c.lat, c.lng]); }); return out; }""")
    assert ring and len(ring) == 4
    lats, lons = zip(*ring, strict=True)
    m2 = abs(Geod(ellps="GRS80").polygon_area_perimeter(lons, lats)[0])
    mu = float(text.split("亩")[0].split()[-1].replace(",", ""))
    shown_m2 = float(text.split("(")[1].split("平方米")[0].replace(",", ""))
    assert mu == pytest.approx(m2 / (10000 / 15), rel=0.01)
    assert shown_m2 == pytest.approx(m2, rel=0.01)
    assert page.errors == [], page.errors


def test_search_zooms_to_a_park_and_opens_its_popup(page, app_url, demo_store):
    parks = store.read_layer(demo_store, "parks").set_index("park_id")
    _open(page, app_url)
    box = page.get_by_label("在地图上查找")
    box.fill(parks.loc["P03", "name_zh"])
    box.press("Enter")
    wait_for_app(page)
    pick = page.locator(".st-key-overview-search-pick").get_by_role("combobox").input_value()
    assert f"{parks.loc['P03', 'name_zh']}（P03）" in pick  # the park found, an exact match first
    frame = map_frame(page)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30000)
    assert parks.loc["P03", "name_zh"] in popup.inner_text()
    zoom = frame.evaluate("() => Object.values(window).filter(v => v instanceof L.Map)[0]"
                          ".getZoom()")
    assert zoom >= 13  # zoomed onto the park, not the county
    screenshot(page, "overview_search")

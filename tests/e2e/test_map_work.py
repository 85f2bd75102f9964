"""Working on the parks map in a real browser, on a copy of the demo store: a click on a park
selects its table row and opens the edit form on it; a row ticked in the table zooms the map
to its park; the table can follow the map's view; an outline reshaped with Leaflet's own
editing tools lands with its new area and a history row keeping the old outline."""

from __future__ import annotations

import shutil

import pytest

from geo import outline, settings, store, units
from tests.e2e.conftest import assert_no_exception, choose, map_frame, screenshot, wait_for_app

# the container point (in the map's iframe) of a park's dot, found through Leaflet itself
PARK_POINT_JS = """
(fid) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let found = null;
  map.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (!found && p && p.park_id === fid && l.getLatLng) found = l.getLatLng();
  });
  if (!found) return null;
  const pt = map.latLngToContainerPoint(found);
  return {x: pt.x, y: pt.y};
}
"""
OPEN_POPUP_JS = """
() => Array.from(document.querySelectorAll('.leaflet-popup-content')).map(e => e.innerText)
"""


@pytest.fixture(scope="module")
def work_store(demo_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("mapwork") / "store.gpkg"
    shutil.copy2(demo_store, target)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(target))
    return target


@pytest.fixture(scope="module")
def work_url(app_server_factory, work_store):
    return app_server_factory(work_store)


def _parks_page(page, url):
    page.goto(url + "/parks")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("修改数据（留痕）").wait_for(timeout=90000)
    wait_for_app(page)


def _click_park(page, fid: str) -> None:
    frame = map_frame(page)
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").first
    iframe.scroll_into_view_if_needed()
    frame.wait_for_function(f"() => ({PARK_POINT_JS})('{fid}') !== null", timeout=30000)
    point = frame.evaluate(PARK_POINT_JS, fid)
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    wait_for_app(page)


def _selected_in_form(page) -> str:
    return page.locator(".st-key-parks-edit-feature input").input_value()


def test_a_click_on_a_park_selects_its_row_and_the_form(page, work_url, work_store):
    _parks_page(page, work_url)
    _click_park(page, "P05")
    page.wait_for_function("() => (document.querySelector('.st-key-parks-edit-feature input')"
                           " || {}).value?.startsWith('P05')", timeout=30000)
    # the map opens on it, its name in an open popup
    frame = map_frame(page)
    frame.wait_for_function(f"() => ({OPEN_POPUP_JS})().some(t => t.includes('P05'))",
                            timeout=30000)
    # the table lists it first, ticked
    grid = page.locator("[data-testid='stDataFrame']").first
    assert "P05" in grid.locator("[role='row']").nth(1).inner_text()
    assert _selected_in_form(page).startswith("P05 ")
    assert_no_exception(page)
    screenshot(page, "parks_selected")
    # edited from the selected row: its fields in one form beside the map
    page.locator(".st-key-parks-quick-P05-enterprises_in input").fill("77")
    page.get_by_role("button", name="保存这些修改").click()
    wait_for_app(page)
    page.get_by_text("已保存").first.wait_for(timeout=30000)
    parks = store.read_layer(work_store, "parks").set_index("park_id")
    assert parks.loc["P05", "enterprises_in"] == 77
    audit = store.read_layer(work_store, "audit")
    assert audit[(audit["feature_id"] == "P05")]["field"].tolist() == ["enterprises_in"]


def test_picking_in_the_form_moves_the_map_and_the_table_follows_the_view(page, work_url):
    _parks_page(page, work_url)
    choose(page, "parks.edit.feature", "P11")
    frame = map_frame(page)
    frame.wait_for_function(f"() => ({OPEN_POPUP_JS})().some(t => t.includes('P11'))",
                            timeout=30000)
    # zoomed to P11: with "only those in view" the table shrinks to the parks around it
    page.get_by_text("只列地图视野内的").click()
    wait_for_app(page)
    page.wait_for_timeout(1500)  # the map reports its view once it is drawn
    wait_for_app(page)
    caption = page.locator("[data-testid='stDataFrame']").first
    rows = caption.locator("[role='row']").count() - 1
    assert 1 <= rows < 17
    assert "P11" in caption.text_content()
    assert_no_exception(page)


def test_an_outline_reshaped_on_the_map_lands_with_area_and_history(page, work_url, work_store):
    before = store.read_layer(work_store, "parks")
    old_mu = float(units.area_mu(before[before["park_id"] == "P03"]).iloc[0])
    _parks_page(page, work_url)
    _click_park(page, "P03")
    page.get_by_text("在地图上修改轮廓").click()
    wait_for_app(page)
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-draw-edit-edit", timeout=30000)
    frame.locator(".leaflet-draw-edit-edit").click()
    handles = frame.locator(".leaflet-editing-icon")
    handles.first.wait_for(timeout=15000)
    # drag the vertex furthest from the outline's centre outwards: the park grows
    far = frame.evaluate("""() => {
      const icons = Array.from(document.querySelectorAll('.leaflet-editing-icon'));
      const boxes = icons.map(i => i.getBoundingClientRect());
      const cx = boxes.reduce((s, b) => s + b.x, 0) / boxes.length;
      const cy = boxes.reduce((s, b) => s + b.y, 0) / boxes.length;
      let best = 0, bestD = -1;
      boxes.forEach((b, i) => { const d = (b.x - cx) ** 2 + (b.y - cy) ** 2;
                                if (d > bestD) { bestD = d; best = i; } });
      const b = boxes[best];
      return {x: b.x + b.width / 2, y: b.y + b.height / 2,
              dx: Math.sign(b.x - cx) * 60, dy: Math.sign(b.y - cy) * 60};
    }""")
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    x, y = iframe["x"] + far["x"], iframe["y"] + far["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + far["dx"] / 2, y + far["dy"] / 2, steps=5)
    page.mouse.move(x + far["dx"], y + far["dy"], steps=5)
    page.mouse.up()
    frame.locator(".leaflet-draw-actions a").first.click()  # Leaflet.draw's "save"
    wait_for_app(page)
    page.get_by_text("尚未保存").wait_for(timeout=30000)
    page.get_by_role("button", name="保存新轮廓").click()
    wait_for_app(page)
    page.get_by_text("已保存 P03 的新轮廓").wait_for(timeout=30000)
    assert_no_exception(page)

    after = store.read_layer(work_store, "parks")
    new_mu = float(units.area_mu(after[after["park_id"] == "P03"]).iloc[0])
    assert new_mu > old_mu + 0.5
    audit = store.read_layer(work_store, "audit")
    row = audit[(audit["feature_id"] == "P03") & (audit["field"] == "geometry")].iloc[-1]
    assert row["user"] == "本机用户"
    assert outline.area_of_wkt(row["old_value"]) == pytest.approx(old_mu, abs=0.01)
    assert outline.area_of_wkt(row["new_value"]) == pytest.approx(new_mu, abs=0.01)
    # the history under the form names the outline change by its areas
    history = page.locator("[data-testid='stTable']").last
    assert f"{new_mu:,.2f} 亩" in history.inner_text()
    screenshot(page, "parks_outline_saved")

"""Tracking pages in a real browser, on a copy of the demo store: changing a park's status
through the parks page shows the new status on the map and in the park's history."""

from __future__ import annotations

import shutil

import pytest

from geo import settings, store
from tests.e2e.conftest import (
    SCREENSHOTS,
    assert_no_exception,
    choose,
    map_frame,
    screenshot,
    wait_for_app,
)

PARK_STATUS_JS = """
() => {
  const out = {};
  for (const v of Object.values(window)) {
    if (v instanceof L.GeoJSON) {
      v.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.park_id) out[p.park_id] = p.status;
      });
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def tracking_store(demo_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("tracking") / "store.gpkg"
    shutil.copy2(demo_store, target)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(target))
    return target


@pytest.fixture(scope="module")
def tracking_url(app_server_factory, tracking_store):
    return app_server_factory(tracking_store)


# streamlit-folium runs a map's script again in the same iframe when the component is
# re-rendered (a rerun of the page while the map loads, or the changed map after an edit),
# which makes Leaflet/folium complain about names and containers that already exist. The map
# that ends up drawn is the new one (checked through Leaflet itself); these are not app errors.
_REDRAW = ("Map container is already initialized", "has already been declared", "is not defined")


def _app_errors(page) -> list[str]:
    return [e for e in page.errors if not (e.startswith("pageerror:") and e.endswith(_REDRAW)
                                           or any(r in e for r in _REDRAW[:2]))]


def _map_shot(page, name: str) -> None:
    """A picture of the map itself (the page screenshot stops at the first screen)."""
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").first
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    iframe.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


_choose = choose  # (its old name, which other tests import)


def test_status_change_shows_on_map_and_in_history(page, tracking_url, tracking_store):
    page.goto(tracking_url + "/parks")
    wait_for_app(page)
    assert_no_exception(page)
    frame = map_frame(page)
    assert frame.evaluate(PARK_STATUS_JS)["P01"] == "规划"
    assert _app_errors(page) == []  # drawn offline: no failed request, no HTTP error
    screenshot(page, "parks")
    _map_shot(page, "parks_map")

    # on a cold server the page may still be drawing below the map: wait for the form
    page.get_by_text("修改数据（留痕）").wait_for(timeout=90000)
    wait_for_app(page)
    page.get_by_text("修改数据（留痕）").click()
    wait_for_app(page)
    _choose(page, "parks.edit.feature", "P01")
    _choose(page, "parks.edit.field", "状态")
    _choose(page, "parks.edit.value.P01.status", "在建")
    page.get_by_role("button", name="保存修改").click()
    wait_for_app(page)
    page.get_by_text("已保存").wait_for(timeout=30000)
    assert_no_exception(page)

    # the store has it, with its audit row
    parks = store.read_layer(tracking_store, "parks").set_index("park_id")
    assert parks.loc["P01", "status"] == "under_construction"
    audit = store.read_layer(tracking_store, "audit")
    assert audit[["user", "feature_id", "field", "new_value"]].iloc[0].tolist() == \
        ["本机用户", "P01", "status", "under_construction"]  # the demo: no sign-in

    # the map shows the new status at once
    frame = map_frame(page)
    frame.wait_for_function(f"() => ({PARK_STATUS_JS})()['P01'] === '在建'", timeout=30000)
    # and the park's history lists the change
    if not page.get_by_text("修改记录").is_visible():
        page.get_by_text("修改数据（留痕）").click()
    history = page.locator("[data-testid='stTable']").last
    history.wait_for(timeout=30000)
    text = history.inner_text()
    assert "本机用户" in text and "规划" in text and "在建" in text
    assert _app_errors(page) == []
    screenshot(page, "parks_after_edit")


def test_land_page_draws_offline(page, tracking_url):
    page.goto(tracking_url + "/land")
    wait_for_app(page)
    assert_no_exception(page)
    frame = map_frame(page)
    drawn = frame.evaluate(
        "() => { let n = 0; for (const v of Object.values(window)) { if (v instanceof L.GeoJSON)"
        " v.eachLayer(l => { if (l.feature && l.feature.properties.sale_id) n += 1; }); } return n; }")
    assert drawn > 100  # every sold parcel, coloured by year of sale
    legend = frame.locator(".planner-legend").inner_text()
    assert "2019" in legend and "2021" in legend
    assert _app_errors(page) == []
    screenshot(page, "land")
    _map_shot(page, "land_map")

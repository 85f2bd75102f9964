"""Placing an enterprise by a click on the map, in a real browser: on the data health page,
an enterprise no parcel names gets the point clicked on the Leaflet map, with a history row."""

from __future__ import annotations

import shutil

import pytest
import shapely

from geo import settings, store
from tests.e2e.conftest import assert_no_exception, map_frame, screenshot, wait_for_app

CENTER_JS = """([lat, lng]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
    m.setView([lat, lng], 15, {animate: false}); return m.getZoom(); }"""
PIXEL_JS = """([lat, lng]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
    const p = m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }"""
LATLNG_JS = """([x, y]) => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];
    const p = m.containerPointToLatLng([x, y]); return [p.lat, p.lng]; }"""


@pytest.fixture(scope="module")
def locate_store(demo_store, tmp_path_factory):
    """The demo with one enterprise unlocated and its parcel naming no holder."""
    target = tmp_path_factory.mktemp("locate") / "store.gpkg"
    shutil.copy2(demo_store, target)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(target))
    ents = store.read_layer(target, "enterprises")
    eid, pid = ents["enterprise_id"].iloc[0], ents["parcel_id"].iloc[0]
    with store.transaction(target) as tx:
        tx.set_geometry("enterprises", "enterprise_id", eid, None)
        tx.execute("UPDATE parcels SET holder = NULL, holder_uscc = NULL "
                   "WHERE parcel_id = :p", {"p": pid})
        tx.touch(["enterprises", "parcels"])
    return target


@pytest.fixture(scope="module")
def locate_url(app_server_factory, locate_store):
    return app_server_factory(locate_store)


def test_a_click_on_the_map_places_the_enterprise(page, locate_url, locate_store):
    ents = store.read_layer(locate_store, "enterprises")
    eid = ents["enterprise_id"].iloc[0]
    assert ents.geometry.iloc[0] is None
    page.goto(locate_url + "/health")
    wait_for_app(page)
    page.get_by_text("为企业定位").first.wait_for(timeout=60000)
    assert_no_exception(page)
    frame = map_frame(page)
    target = (28.66, 120.08)  # near 五云街道, inside the county
    frame.evaluate(CENTER_JS, list(target))
    page.wait_for_timeout(300)
    iframe = page.locator("iframe[title='streamlit_folium.st_folium']").first
    iframe.scroll_into_view_if_needed()  # the map sits below the health list: a click must see it
    page.wait_for_timeout(300)
    box = iframe.bounding_box()
    x, y = frame.evaluate(PIXEL_JS, list(target))
    clicked = frame.evaluate(LATLNG_JS, [x, y])  # what Leaflet reports for that pixel
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_text("所选位置：").first.wait_for(timeout=60000)
    wait_for_app(page)
    screenshot(page, "locate_clicked")
    page.get_by_role("button", name="写入位置").click()
    page.get_by_text("已写入 1 家企业的位置").first.wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "locate_placed")

    ent = store.read_layer(locate_store, "enterprises").set_index("enterprise_id").loc[eid]
    assert ent.geometry is not None
    assert ent.geometry.distance(shapely.Point(clicked[1], clicked[0])) < 1e-4  # ~10 m
    audit = store.read_layer(locate_store, "audit")
    row = audit[(audit["feature_id"] == eid) & (audit["field"] == "geometry")]
    assert len(row) == 1 and row["old_value"].iloc[0] is None
    assert row["user"].iloc[0] == "本机用户"
    assert shapely.from_wkt(row["new_value"].iloc[0]).equals_exact(ent.geometry, 1e-9)

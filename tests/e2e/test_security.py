"""Stored script injection and the basemap key, tried in Chromium.

Names a user or a file could give (a park called ``<img src=x onerror=alert(1)>``,
a platform called ``${alert(2)}``) are written into a copy of the demo store.
Every map page is opened and every tooltip and popup of a feature that carries
such a name is opened (Leaflet's own mouseover and click events), and so is the
offline HTML from ``file://``: no dialog may open, and the text must show as typed.
The 天地图 key is set on the server and must never reach the browser while the
basemap is not chosen.
"""

from __future__ import annotations

import shutil

import pytest

from geo import settings, store
from geo.maps.overview import overview
from layers.overview import overview_map
from layers.render import folium_map
from layers.standalone import TiledMapError, standalone_html
from tests.e2e.conftest import assert_no_exception, map_frame, wait_for_app

IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "${alert(2)}`\\u{41}"
SVG = "<svg onload=alert(3)>"
KEY = "SECRET-TDT-KEY-7731"
MAP_PAGES = ["", "parks", "land", "inefficient", "evaluation", "ranking", "assess"]

OPEN_ALL_JS = """
() => {
  const map = Object.values(window).filter(v => v instanceof L.Map)[0];
  const texts = [];
  let opened = 0;
  const hostile = v => typeof v === 'string' && v.includes('alert(');
  map.eachLayer(l => {
    const props = l.feature && l.feature.properties;
    const marker = l instanceof L.Marker;
    if (!marker && !(props && Object.values(props).some(hostile))) return;
    const where = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
    // Leaflet opens tooltips and popups on these events (bound on the layer or its group)
    l.fire('mouseover', {latlng: where, originalEvent: {}}, true);
    l.fire('click', {latlng: where, originalEvent: {}}, true);
    opened += 1;
    document.querySelectorAll('.leaflet-tooltip, .leaflet-popup-content').forEach(
      el => texts.push(el.innerText));
    l.fire('mouseout', {latlng: where, originalEvent: {}}, true);
    map.closePopup();
  });
  const injected = document.querySelectorAll(
    '.leaflet-tooltip img, .leaflet-popup img, .leaflet-tooltip svg, .leaflet-popup svg').length;
  return {opened, texts, injected};
}
"""


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory, demo_store):
    path = tmp_path_factory.mktemp("hostile") / "hostile.gpkg"
    shutil.copy2(demo_store, path)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(path))
    with store.transaction(path) as con:
        con.execute("UPDATE parks SET name_zh = :img || name_zh WHERE fid <= 5", {"img": IMG})
        con.execute("UPDATE platforms SET name_zh = :a || name_zh, name_en = :b || name_en",
                    {"a": TEMPLATE + IMG, "b": TEMPLATE})
        con.execute("UPDATE zones SET name_zh = :svg || name_zh", {"svg": SVG})
        con.execute("UPDATE towns SET name_zh = :svg || name_zh", {"svg": SVG})
        con.execute("UPDATE enterprises SET name = :img || name WHERE fid <= 50", {"img": IMG})
        con.execute("UPDATE constraints SET name_zh = :img || name_zh", {"img": IMG})
        con.execute("UPDATE roads SET name_zh = :t || name_zh", {"t": TEMPLATE})
    return path


@pytest.fixture(scope="module")
def hostile_url(app_server_factory, hostile_store):
    return app_server_factory(hostile_store, env={"TIANDITU_KEY": KEY})


def _watch(pg, dialogs: list, received: list) -> None:
    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    def on_response(r):
        try:
            received.append(r.body())
        except Exception:  # noqa: BLE001 (redirects and aborted requests have no body)
            received.append(b"")

    pg.on("dialog", on_dialog)
    pg.on("response", on_response)
    pg.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(
        f if isinstance(f, bytes) else f.encode())))


@pytest.mark.parametrize("url_path", MAP_PAGES, ids=[p or "overview" for p in MAP_PAGES])
def test_hostile_names_show_as_text_and_run_nothing(page, hostile_url, url_path):
    dialogs, received = [], []
    _watch(page, dialogs, received)
    page.goto(f"{hostile_url}/{url_path}")
    wait_for_app(page)
    assert_no_exception(page)
    frame = map_frame(page)
    result = frame.evaluate(OPEN_ALL_JS)
    page.wait_for_timeout(800)  # an onerror handler runs once the broken image fails
    assert dialogs == []
    assert result["injected"] == 0
    assert result["opened"] > 0
    shown = "\n".join(result["texts"])
    assert "onerror=alert(1)" in shown or "${alert(2)}" in shown or "onload=alert(3)" in shown
    assert not any(KEY.encode() in body for body in received)


def test_offline_html_runs_no_stored_script(page, hostile_store, tmp_path):
    dialogs: list = []
    _watch(page, dialogs, [])
    layers = store.read_all(hostile_store)
    with pytest.raises(TiledMapError):  # exports never carry the basemap, nor its key
        standalone_html(overview_map(layers, basemap="tianditu", api_key=KEY))
    html = standalone_html(folium_map(overview(layers)), title=IMG)  # as the pages export it
    assert KEY not in html and "tianditu.gov.cn" not in html
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-container')")
    result = page.evaluate(OPEN_ALL_JS)
    page.wait_for_timeout(800)
    assert dialogs == [] and result["injected"] == 0 and result["opened"] > 0
    assert page.title() == IMG

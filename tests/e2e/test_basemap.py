"""The offline basemaps in Chromium: the hillshade by default, a supplied MBTiles by choice,
every tile from the app's own host, loaded, and no request failed."""

from __future__ import annotations

import pytest

from geo import tilesources
from tests.e2e.conftest import assert_no_exception, choose, map_frame, screenshot, wait_for_app
from tests.tile_fixtures import tiles_over, write_mbtiles

TILES_LOADED_JS = """
() => {
  const tiles = [...document.querySelectorAll('img.leaflet-tile')];
  return tiles.length > 0 && tiles.every(t => t.complete && t.naturalWidth > 0);
}
"""
TILES_JS = """
() => [...document.querySelectorAll('img.leaflet-tile')].map(t => {
  const c = document.createElement('canvas');
  c.width = c.height = 1;
  const g = c.getContext('2d');
  g.drawImage(t, 128, 128, 1, 1, 0, 0, 1, 1);  // same host: the canvas can be read
  return {src: t.src, width: t.naturalWidth, pixel: [...g.getImageData(0, 0, 1, 1).data]};
})
"""


def _watch_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    return urls


def _tiles(frame) -> list[dict]:
    frame.wait_for_function(TILES_LOADED_JS, timeout=60000)
    return frame.evaluate(TILES_JS)


def _basemap_shown(page) -> str:
    """The sidebar's basemap box as the planner sees it (its label and the chosen option)."""
    return page.locator(".st-key-basemap").evaluate(
        "e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")


def _choose_basemap(page, label: str) -> None:
    choose(page, "basemap", label)


def test_the_overview_draws_the_hillshade_from_its_own_host(page, app_url):
    requests = _watch_requests(page)
    page.goto(app_url + "/")
    wait_for_app(page, timeout_ms=180000)  # a first build of the tiles may run in this visit
    assert_no_exception(page)
    assert "地形晕渲" in _basemap_shown(page)  # the default
    tiles = _tiles(map_frame(page))
    assert len(tiles) >= 4
    for t in tiles:
        assert t["src"].startswith(f"{app_url}/app/static/basemap/hillshade-"), t["src"]
        assert t["width"] == 256
    assert any(t["pixel"][3] == 255 for t in tiles)  # shaded ground, not only empty margins
    assert all(u.startswith((app_url, "data:", "blob:", "about:")) for u in requests), \
        [u for u in requests if not u.startswith(app_url)]
    assert page.errors == [], page.errors
    screenshot(page, "basemap_hillshade")


@pytest.fixture(scope="module")
def supplied(tmp_path_factory, app_server_factory, demo_store):
    folder = tmp_path_factory.mktemp("basemaps")
    name = "县测绘院 & <2024>.mbtiles"
    write_mbtiles(folder / name, tiles_over(zooms=range(8, 13), rgb=(200, 60, 40)),
                  attribution="© 县测绘院 <script>window.owned=1</script>")
    url = app_server_factory(demo_store, env={"JINYUN_BASEMAPS": str(folder)})
    return url, name, tilesources.source_id(name)


def test_a_supplied_mbtiles_is_offered_by_its_name_and_drawn(page, supplied):
    url, name, sid = supplied
    requests = _watch_requests(page)
    page.goto(url + "/")
    wait_for_app(page, timeout_ms=180000)
    _choose_basemap(page, f"本地底图：{name}")
    assert name in _basemap_shown(page)
    frame = map_frame(page)
    frame.wait_for_function(f"() => document.querySelector(\"img.leaflet-tile[src*='/basemap/{sid}/']\")",
                            timeout=60000)
    tiles = _tiles(frame)
    assert tiles and all(t["src"].startswith(f"{url}/basemap/{sid}/") for t in tiles), tiles
    assert all(t["pixel"][:3] == [200, 60, 40] for t in tiles)  # the file's own tiles
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "<script>window.owned=1</script>" in attribution  # shown as text, never run
    assert frame.evaluate("() => window.owned") is None
    assert all(u.startswith((url, "data:", "blob:", "about:")) for u in requests)
    assert page.errors == [], page.errors
    screenshot(page, "basemap_supplied")

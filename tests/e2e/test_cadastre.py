"""A cadastre above the tile threshold in a real browser: aggregates, vector tiles, popup.

The store (4,000 generated parcels) is written to tmp at test time; the threshold is
lowered to 2,000 through ``JINYUN_TILE_THRESHOLD`` so the large-cadastre technique is
exercised in seconds rather than with the 100,000 parcels of ``bench/``.
"""

from __future__ import annotations

import pytest

from bench import gen_cadastre
from geo import cadastre, i18n, store
from geo.units import area_mu
from tests.e2e.conftest import assert_no_exception, map_frame, screenshot, wait_for_app

N = 4_000

TILES_STATE_JS = """
() => {
  const t = Object.values(window).find(v => window.L && L.VectorGrid && v instanceof L.VectorGrid);
  if (!t) return null;
  let features = 0;
  Object.values(t._vectorTiles || {}).forEach(v => { features += Object.keys(v._features || {}).length; });
  return {onMap: !!t._map, loading: t._map ? t.isLoading() : false, features: features};
}
"""


@pytest.fixture(scope="module")
def cadastre_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cadastre") / "cadastre.gpkg"
    return gen_cadastre.build_store(N, path, seed=3)


@pytest.fixture(scope="module")
def cadastre_url(app_server_factory, cadastre_store):
    return app_server_factory(cadastre_store, env={"JINYUN_TILE_THRESHOLD": "2000"})


def test_large_cadastre_aggregates_then_tiles_and_popup(page, cadastre_url, cadastre_store):
    page.goto(cadastre_url + "/")  # the overview is the default page, at the root URL
    wait_for_app(page, timeout_ms=120000)
    assert_no_exception(page)
    frame = map_frame(page)
    hint = i18n.t("cadastre.zoom_hint", "zh", n=f"{N:,}", zoom=cadastre.TILE_MIN_ZOOM)
    assert page.get_by_text(hint).count() == 1
    # county view: the aggregate grid is drawn, the tiles are not asked for
    county = frame.evaluate("""() => {
        const m = Object.values(window).find(v => v instanceof L.Map);
        let cells = 0; m.eachLayer(l => { if (l.feature && 'count' in l.feature.properties) cells += 1; });
        return {zoom: m.getZoom(), cells: cells}; }""")
    assert county["zoom"] < cadastre.TILE_MIN_ZOOM
    assert county["cells"] > 10
    assert frame.evaluate(TILES_STATE_JS)["onMap"] is False

    parcels = store.read_layer(cadastre_store, "parcels")
    big = parcels.loc[area_mu(parcels).idxmax()]
    pt = parcels.loc[[big.name]].to_crs("EPSG:4326").representative_point().iloc[0]
    xy = frame.evaluate(
        """([lat, lng]) => { const m = Object.values(window).find(v => v instanceof L.Map);
             m.setView([lat, lng], 17, {animate: false});
             const p = m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }""",
        [pt.y, pt.x])
    frame.wait_for_function(
        "() => { const s = (" + TILES_STATE_JS + ")(); return s && s.onMap && !s.loading && s.features > 0; }",
        timeout=30000)
    after = frame.evaluate("""() => {
        const m = Object.values(window).find(v => v instanceof L.Map);
        let cells = 0; m.eachLayer(l => { if (l.feature && 'count' in l.feature.properties) cells += 1; });
        return cells; }""")
    assert after == 0  # aggregates give way to the parcels themselves

    # a click at that point of the map container (Playwright scrolls it into view first)
    frame.locator(".leaflet-container").click(position={"x": xy[0], "y": xy[1]})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert big["parcel_id"] in text
    assert i18n.enum_label("lifecycle", big["lifecycle"], "zh") in text
    assert f"{area_mu(parcels.loc[[big.name]]).iloc[0]:.2f}" in text
    assert page.errors == [], page.errors  # no missing tile, no console error
    screenshot(page, "cadastre")


def test_server_warms_its_caches_before_the_first_visit(app_server_factory, tmp_path_factory):
    import time

    from geo import settings
    from tests.e2e.conftest import SERVER_LOGS
    from ui import warmup

    # a store of its own, so its tiles cannot have been built by another test
    path = gen_cadastre.build_store(2_500, tmp_path_factory.mktemp("warm") / "warm.gpkg", seed=11)
    key = cadastre.content_key(store.read_layer(path, "parcels"))
    tiles = settings.TILES_DIR / key / "metadata.json"
    assert not tiles.exists()
    url = app_server_factory(path, env={"JINYUN_TILE_THRESHOLD": "2000"})
    log = SERVER_LOGS[url]
    deadline = time.monotonic() + 180
    while warmup.DONE_LINE not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.5)
    assert tiles.exists()  # built by the warm-up run, before any browser asked

"""Names on the overview map in Chromium: towns named at the county's zoom, parks once zoomed
in, and no two names shown on top of each other at either zoom."""

from __future__ import annotations

from geo import store
from tests.e2e.conftest import assert_no_exception, map_frame, wait_for_app

# The names shown (not hidden by the declutter pass, not below their zoom) with their boxes,
# measured as the planner sees them.
VISIBLE_JS = """
() => {
  const out = [];
  const view = document.querySelector('.leaflet-container').getBoundingClientRect();
  document.querySelectorAll('.planner-label').forEach(el => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility !== 'visible') return;
    const r = el.firstChild.getBoundingClientRect();
    if (r.right < view.left || r.left > view.right || r.bottom < view.top || r.top > view.bottom)
      return;
    out.push({text: el.innerText.trim(), left: r.left, top: r.top, right: r.right,
              bottom: r.bottom});
  });
  return out;
}
"""

ZOOM_JS = """([lat, lng, z]) => {
  const m = Object.values(window).filter(v => v instanceof L.Map)[0];
  m.setView([lat, lng], z, {animate: false});
  return m.getZoom();
}"""


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["left"] < b["right"] and b["left"] < a["right"] and \
                    a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                out.append((a["text"], b["text"]))
    return out


def _settled(frame, zoom: int) -> list[dict]:
    frame.wait_for_function(
        "(z) => Object.values(window).filter(v => v instanceof L.Map)[0].getZoom() === z", arg=zoom)
    frame.wait_for_timeout(600)  # the pass runs on the next animation frame after moveend
    return frame.evaluate(VISIBLE_JS)


def test_names_readable_and_apart_at_county_and_park_zoom(page, app_url, demo_store):
    page.goto(app_url + "/")
    wait_for_app(page)
    assert_no_exception(page)
    frame = map_frame(page)
    layers = store.read_all(demo_store)
    towns = set(layers["towns"]["name_zh"])
    parks = layers["parks"]

    zoom = frame.evaluate("() => Object.values(window).filter(v => v instanceof L.Map)[0].getZoom()")
    assert zoom <= 10  # the map opens on the whole county
    county = _settled(frame, zoom)
    shown = {b["text"] for b in county}
    assert len(shown & towns) >= 8, shown
    assert "壶镇镇" in shown  # a key industrial town wins over its neighbours
    assert not shown & set(parks["name_zh"])  # parks are named only once zoomed in
    assert _overlapping(county) == []
    # some town was hidden rather than written over another (壶镇镇 and 胡源乡 are 1 km apart)
    assert len(shown & towns) < len(towns)

    # zoomed in on 壶镇, where five parks lie close together
    hu = parks[parks["town_code"] == "331122101"].to_crs("EPSG:4326")
    c = hu.geometry.union_all().centroid
    assert frame.evaluate(ZOOM_JS, [c.y, c.x, 13]) == 13
    close = _settled(frame, 13)
    named = {b["text"] for b in close}
    assert len(named & set(hu["name_zh"])) >= 3, named
    assert _overlapping(close) == []

    # back out: the park names go again
    assert frame.evaluate(ZOOM_JS, [c.y, c.x, 10]) == 10
    again = _settled(frame, 10)
    assert not {b["text"] for b in again} & set(parks["name_zh"])
    assert _overlapping(again) == []
    assert page.errors == [], page.errors

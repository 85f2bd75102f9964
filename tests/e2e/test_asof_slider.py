"""The date slider on the parks page in Chromium, moved with the keyboard on its thumb: the
figure cards, the map and the as-of selectbox all follow it."""

from __future__ import annotations

import time

from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import assert_no_exception, map_frame, screenshot, wait_for_app

# Each park's status on the map shown now (streamlit-folium may keep an earlier map's objects
# in the iframe after a redraw: only the map whose container is on the page counts).
MAP_STATUS_JS = """
() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map && v._container &&
                                                 v._container.isConnected);
  if (!maps.length) return null;
  const out = {};
  maps[maps.length - 1].eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.park_id) out[p.park_id] = p.status;
  });
  return out;
}
"""
BUILT = ("建成", "运营")
CARD = "已建成小微园（个）"


def _thumb(page):
    return page.locator(".st-key-parks-asof_slider input[type='range']")


def _card(page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def _picker(page) -> str:
    """What the as-of selectbox shows."""
    return page.locator(".st-key-parks-asof").get_by_role("combobox").input_value()


def _wait(read, value: str, timeout_s: float = 30) -> str:
    """``read()`` once it gives ``value`` (or what it gives after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while (shown := read()) != value and time.monotonic() < deadline:
        time.sleep(0.3)
    return shown


def _step(page, key: str, until: str, limit: int = 80) -> None:
    """Press ``key`` on the slider's thumb until it reads ``until``."""
    thumb = _thumb(page)
    thumb.focus()
    for _ in range(limit):
        if (thumb.get_attribute("aria-valuetext") or "") == until:
            break
        page.keyboard.press(key)
    assert thumb.get_attribute("aria-valuetext") == until
    wait_for_app(page)


def _built_on_map(page, expected: int, timeout_s: float = 60) -> dict:
    """The map's park statuses once ``expected`` parks are drawn as built. The page's rerun
    may replace the map's iframe while it is read: the new one is read then."""
    check = (f"(n) => {{ const s = ({MAP_STATUS_JS})(); return s && Object.keys(s).length === 17"
             f" && Object.values(s).filter(v => {list(BUILT)}.includes(v)).length === n; }}")
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            frame = map_frame(page)
            left_ms = max(1000, (deadline - time.monotonic()) * 1000)
            frame.wait_for_function(check, arg=expected, timeout=left_ms)
            return frame.evaluate(MAP_STATUS_JS)
        except PlaywrightError as e:
            if "detached" not in str(e) or time.monotonic() > deadline:
                raise


def test_keyboard_on_the_slider_moves_cards_map_and_picker(page, app_url):
    page.goto(app_url + "/parks")
    wait_for_app(page)
    assert_no_exception(page)
    now = _built_on_map(page, 11)
    assert _card(page, CARD) == "11"
    assert _thumb(page).get_attribute("aria-valuetext") == "当前数据"

    # back to the end of 2019: one park finished then
    _step(page, "ArrowLeft", "2019年末")
    assert_no_exception(page)
    assert _wait(lambda: _picker(page), "2019年末") == "2019年末"
    assert _wait(lambda: _card(page, CARD), "1") == "1"
    then = _built_on_map(page, 1)
    assert then["P03"] == "建成" and now["P08"] == "运营" != then["P08"]
    screenshot(page, "parks_slider_2019")

    # four quarters on: the end of 2020, three finished
    _step(page, "ArrowRight", "2020年第4季度末")
    assert _wait(lambda: _picker(page), "2020年第4季度末") == "2020年第4季度末"
    assert _wait(lambda: _card(page, CARD), "3") == "3"
    assert _built_on_map(page, 3)["P17"] == "运营"
    assert_no_exception(page)

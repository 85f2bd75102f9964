"""The assessment page as a planner sees it: the suitability surface and "find sites", first
and second request, timed in headless Chromium from the click until the page has finished
its run and the map is drawn again.

The second request of the same settings comes from the server's cache (per store version,
DEM and weights: ``ui.assess``); the goal is under 1 s, and the first one close to the
computation's own time (``bench/assess_bench.py``).

Run::

    .venv/bin/python bench/assess_browser_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.cadastre_browser_bench import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from geo import settings  # noqa: E402


def _settled(page, timeout_s: float = 300) -> None:
    """Until the script run is over (no running indicator for half a second)."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(200)
    while time.monotonic() < deadline:
        if not page.locator("[data-testid='stStatusWidget']").count():
            page.wait_for_timeout(300)
            if not page.locator("[data-testid='stStatusWidget']").count():
                return
        page.wait_for_timeout(50)
    raise TimeoutError("the page is still running")


SURFACE_JS = """() => { const f = document.querySelector("iframe[title='streamlit_folium.st_folium']");
  return !!(f && f.contentDocument && f.contentDocument.querySelector('img.leaflet-image-layer')); }"""


def _shown(page, what: str) -> bool:
    if what == "surface":
        return page.evaluate(SURFACE_JS)
    return page.get_by_text("找到").count() > 0  # the list of found sites


def _timed_click(page, text: str, what: str, *, on: bool) -> float:
    """Seconds from the click until the result is on the page (or gone, for ``on=False``)."""
    t0 = time.perf_counter()
    page.get_by_text(text, exact=True).click()
    deadline = time.monotonic() + 300
    while _shown(page, what) != on and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    took = time.perf_counter() - t0
    _settled(page)
    return took


def main() -> int:
    from playwright.sync_api import sync_playwright

    with serve(settings.DEFAULT_STORE) as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url + "/assess")
        page.get_by_text("显示县域适宜性评价图").wait_for(timeout=120000)
        _settled(page)
        for what, label in (("surface", "显示县域适宜性评价图"), ("find sites", "开始寻找")):
            first = _timed_click(page, label, what, on=True)
            _timed_click(page, label, what, on=False)
            second = _timed_click(page, label, what, on=True)  # the same settings again
            _timed_click(page, label, what, on=False)
            print(f"{what}: first request {first:.2f} s, second {second:.2f} s (in the browser)")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""End-to-end harness: the app served by Streamlit on a free port, driven in Debian's Chromium.

Fixtures
--------
app_server_factory
    ``start(store_path, env=None) -> url``: a Streamlit server on that store (stopped at the end).
app_url
    The app on the demo store (one server for the session).
browser
    One headless Chromium (``/usr/bin/chromium``) for the session, through Playwright.
page
    A fresh page (1400x1000) whose console errors and failed requests are collected in
    ``page.errors``; a test can assert ``page.errors == []``.

Helpers: :func:`wait_for_app` (no spinner, no exception), :func:`map_frame` (the Leaflet iframe),
:func:`leaflet_stats` (features drawn per layer group, read from Leaflet itself).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        with contextlib.suppress(OSError), \
                urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
            if resp.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout_s} s")


SERVER_LOGS: dict[str, Path] = {}  # url -> the server's log


@pytest.fixture(scope="session")
def app_server_factory(tmp_path_factory):
    procs: list[subprocess.Popen] = []

    def start(store: Path, env: dict | None = None, port: int | None = None) -> str:
        port = port or _free_port()
        log = tmp_path_factory.mktemp("streamlit") / "server.log"
        full_env = {**os.environ, "JINYUN_STORE": str(store), **(env or {})}
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=full_env, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        SERVER_LOGS[url] = log
        _wait_http(url, proc)
        return url

    yield start
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(app_server_factory, demo_store) -> str:
    return app_server_factory(demo_store)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make sysdeps` (Debian's chromium package)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


# Chromium's own notices about iframe feature policies are not app errors.
_IGNORED = ("Unrecognized feature", "allow-scripts and allow-same-origin")


def _streamlit_probe(url: str) -> bool:
    # Opened at /<page>, Streamlit's frontend first probes /<page>/_stcore/* to find its base
    # path; those 404s are its own start-up, not a missing asset of the app.
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    return "/_stcore/" in "/" + path and not path.startswith("_stcore/")


def _on_console(pg, m) -> None:
    if m.type != "error" or any(s in m.text for s in _IGNORED):
        return
    if "Failed to load resource" in m.text and _streamlit_probe(m.location.get("url", "")):
        return
    pg.errors.append(f"console: {m.text} ({m.location.get('url', '')})")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: _on_console(pg, m))
    pg.on("pageerror", lambda e: pg.errors.append(f"pageerror: {e}"))
    pg.on("requestfailed", lambda r: pg.errors.append(f"requestfailed: {r.url}"))
    pg.on("response", lambda r: r.status >= 400 and not _streamlit_probe(r.url)
          and pg.errors.append(f"HTTP {r.status}: {r.url}"))
    yield pg
    context.close()


def wait_for_app(pg, timeout_ms: int = 60000) -> None:
    """Wait until the script run is over: app rendered, no 'running' indicator."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    pg.wait_for_selector("[data-testid='stMain']", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        running = pg.locator("[data-testid='stStatusWidget']").count()
        if not running:
            time.sleep(0.5)
            if not pg.locator("[data-testid='stStatusWidget']").count():
                return
        time.sleep(0.3)
    raise TimeoutError("app still running")


def assert_no_exception(pg) -> None:
    exc = pg.locator("[data-testid='stException']")
    assert exc.count() == 0, exc.first.inner_text()


# streamlit-folium's component, or a cached map served as a static page (ui.maps.show(static=True))
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium'], iframe[src*='/app/static/maps/']"


def map_frame(pg, index: int = 0, timeout_ms: int = 60000):
    """The streamlit-folium iframe's Frame, once Leaflet has drawn in it."""
    pg.wait_for_selector(MAP_IFRAME, timeout=timeout_ms)
    handle = pg.locator(MAP_IFRAME).nth(index).element_handle()
    frame = handle.content_frame()
    frame.wait_for_function("() => window.L && document.querySelector('.leaflet-container')",
                            timeout=timeout_ms)
    return frame


LEAFLET_STATS_JS = """
() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map);
  if (!maps.length) return null;
  const map = maps[0];
  const groups = {};
  let total = 0;
  const ctl = document.querySelectorAll('.leaflet-control-layers-overlays label');
  map.eachLayer(l => { if (l.feature) total += 1; });
  ctl.forEach(label => {
    const name = label.innerText.trim();
    const box = label.querySelector('input');
    groups[name] = box ? box.checked : null;
  });
  return {features: total, overlays: groups, zoom: map.getZoom()};
}
"""


def leaflet_stats(frame) -> dict:
    """Features drawn (Leaflet layers with a GeoJSON feature) and overlay checkboxes."""
    return frame.evaluate(LEAFLET_STATS_JS)


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def choose(page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox whose Streamlit key is ``key`` (a react-aria combobox)."""
    box = page.locator(f".st-key-{key.replace('.', '-')}")
    wanted = page.get_by_role("option").filter(has_text=option).first
    for attempt in range(3):
        # a rerun still drawing the page (a cold server, a busy CI machine) can swallow the
        # click that opens the list: open it again rather than wait on a list never shown
        box.get_by_role("combobox").click()
        try:
            wanted.wait_for(timeout=10000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
    wanted.click()
    wait_for_app(page)

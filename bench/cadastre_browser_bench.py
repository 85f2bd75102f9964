"""The county cadastre in a real browser: first view, zoom redraw, bytes shipped, server memory.

Starts ``streamlit run app.py`` on a generated cadastre store (``bench/gen_cadastre.py``)
on a free port and drives the overview page in headless Debian Chromium (Playwright):

* first view: from navigation until the county map has drawn its parcels
  (embedded GeoJSON, or the aggregate grid above the tile threshold) on the canvas;
* zoom redraw: ``setView`` on a town seat at zoom 14 (``--zoom``) until the parcel
  layer (vector tiles, or the GeoJSON redraw) has finished and a frame has painted;
* bytes per view: HTTP response bodies as received (``encodedDataLength``) plus
  WebSocket frame payloads (Streamlit sends the map as component arguments), via CDP,
  counted on a second load of the same view (recording payloads slows the page, so the
  timed load records none);
* server memory: VmRSS and VmHWM of the Streamlit process.

Run::

    .venv/bin/python bench/cadastre_browser_bench.py --n 10000
    .venv/bin/python bench/cadastre_browser_bench.py --n 100000
    .venv/bin/python bench/cadastre_browser_bench.py --store data/jinyun_demo.gpkg   # baseline

Tiles are built once per parcel content before the server starts (timed and reported
as the one-off build); ``--cold-tiles`` leaves that to the first page load instead.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.gen_cadastre import OUT_DIR, build_store  # noqa: E402
from geo import cadastre, settings, store  # noqa: E402
from ui import warmup  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# the overview serves its cached map as a static page (ui.maps.show(static=True))
SETTLE_MS = 3000
FRAME = "iframe[title='streamlit_folium.st_folium'], iframe[src*='/app/static/maps/']"

# Cheap, polled: the map exists, its canvas renderer holds layers and has no redraw pending.
READY_JS = """
() => {
  if (!window.L) return false;
  const map = Object.values(window).find(v => v instanceof L.Map);
  const r = map && map._renderer;
  return !!(r && r._ctx && Object.keys(r._layers).length > 0 && !r._redrawRequest);
}
"""

# Once, after READY_JS: how many sampled pixels of the overlay canvas are painted.
PAINTED_JS = """
() => {
  let painted = 0;
  document.querySelectorAll('.leaflet-overlay-pane canvas').forEach(c => {
    if (!c.width || !c.height) return;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 64) { if (d[i] > 0) painted += 1; }
  });
  return painted;
}
"""

# Zoom to (lat, lon, z); resolve with ms until the parcel layer has loaded and a frame painted.
ZOOM_JS = """
async ([lat, lon, z]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const tiles = L.VectorGrid ? Object.values(window).find(v => v instanceof L.VectorGrid) : null;
  const t0 = performance.now();
  const loaded = tiles ? new Promise(res => tiles.once('load', res)) : Promise.resolve();
  map.setView([lat, lon], z, {animate: false});
  await loaded;
  await new Promise(res => requestAnimationFrame(() => requestAnimationFrame(res)));
  const ms = performance.now() - t0;
  let features = 0, tilesN = 0;
  if (tiles) {
    Object.values(tiles._vectorTiles || {}).forEach(t => {
      tilesN += 1; features += Object.keys(t._features || {}).length;
    });
  } else {
    const b = map.getBounds();
    map.eachLayer(l => { if (l.feature && l.getBounds && b.intersects(l.getBounds())) features += 1; });
  }
  return {ms: ms, tiles: tilesN, features: features, zoom: map.getZoom()};
}
"""


def _kind(url: str) -> str:
    path = "/" + url.split("://", 1)[-1].split("/", 1)[-1]
    for prefix, kind in (("/app/static/tiles/", "tiles"), ("/app/static/", "map assets"),
                         ("/component/", "map component"), ("/static/", "streamlit frontend")):
        if path.startswith(prefix):
            return kind
    return "other"


class Traffic:
    """Bytes received by the page (HTTP bodies as sent, WebSocket payloads) through CDP."""

    def __init__(self, cdp, *, network: bool = True):
        self.cdp = cdp
        self.urls: dict[str, str] = {}
        cdp.send("Performance.enable")
        self.reset()
        if not network:
            return
        # Recording every WebSocket payload costs the page about 1-2 s of main thread
        # on a 1 MB map, so timed loads run without it (network=False) and bytes are
        # counted on a load of their own.
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _response(self, ev):
        self.urls[ev["requestId"]] = ev["response"]["url"]

    def _finished(self, ev):
        n = int(ev.get("encodedDataLength", 0))
        self.http += n
        self.requests += 1
        kind = _kind(self.urls.get(ev["requestId"], ""))
        self.by_kind[kind] = self.by_kind.get(kind, 0) + n

    def _frame(self, ev):
        resp = ev["response"]
        data = resp.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if resp.get("opcode") == 2 else len(data.encode())

    def reset(self) -> None:
        self.http = self.ws = self.requests = 0
        self.by_kind: dict[str, int] = {}
        self.busy0 = self.busy()

    def busy(self) -> float:
        """Seconds the page's renderer main thread has been busy (CDP TaskDuration)."""
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def busy_since_reset(self) -> float:
        return self.busy() - self.busy0

    def breakdown(self) -> str:
        parts = sorted(self.by_kind.items(), key=lambda kv: -kv[1])
        return ", ".join(f"{k} {mb(v)}" for k, v in parts if v > 0)


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of ``pid`` in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (independent of how busy the machine is)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(store_path: Path, env: dict | None = None, *, warm: bool = True):
    """The app as ``make run`` serves it (``ui.serve``); with ``warm``, returns once the
    server's own warm-up run has finished (printed to its log)."""
    port = free_port()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log = OUT_DIR / f"streamlit_{port}.log"
    t_start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, env={**os.environ, "JINYUN_STORE": str(store_path),
                          warmup.ENV: "1" if warm else "0", **(env or {})},
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                msg = f"streamlit did not start (see {log})"
                raise RuntimeError(msg)
            with contextlib.suppress(OSError), urllib.request.urlopen(url + "/_stcore/health",
                                                                      timeout=2):
                break
            time.sleep(0.3)
        if warm:
            deadline = time.monotonic() + 600
            while warmup.DONE_LINE not in log.read_text(errors="replace"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"the server's warm-up did not finish (see {log})"
                    raise RuntimeError(msg)
                time.sleep(0.3)
            print(f"server warm-up finished {time.monotonic() - t_start:.1f} s after start")
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def first_view(page, url: str, traffic: Traffic, timeout_s: float = 180) -> dict:
    traffic.reset()
    t0 = time.perf_counter()
    page.goto(url + "/")  # the overview is the default page
    page.wait_for_selector(FRAME, timeout=timeout_s * 1000)
    frame = page.locator(FRAME).first.element_handle().content_frame()
    t_frame = time.perf_counter() - t0  # the server's script run has sent the map
    frame.wait_for_function(READY_JS, timeout=timeout_s * 1000, polling=50)
    seconds = time.perf_counter() - t0
    busy = traffic.busy_since_reset()
    painted = frame.evaluate(PAINTED_JS)
    if painted < 300:
        msg = f"map reported drawn but only {painted} sampled pixels are painted"
        raise RuntimeError(msg)
    time.sleep(1.0)  # let late requests land in the byte count
    return {"s": seconds, "t_frame": t_frame, "http": traffic.http, "ws": traffic.ws,
            "requests": traffic.requests, "frame": frame, "kinds": traffic.breakdown(), "busy": busy}


def zoom_view(frame, traffic: Traffic, lat: float, lon: float, zoom: int) -> dict:
    traffic.reset()
    result = frame.evaluate(ZOOM_JS, [lat, lon, zoom])
    busy = traffic.busy_since_reset()
    time.sleep(0.5)
    return {**result, "http": traffic.http, "ws": traffic.ws, "requests": traffic.requests,
            "busy": busy}


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def run(n: int, *, town: str, zoom: int, cold_tiles: bool, runs: int, warm: bool = True,
        store_path: Path | None = None) -> None:
    from playwright.sync_api import sync_playwright

    path = store_path or OUT_DIR / f"cadastre_{n}.gpkg"
    team = isinstance(path, str)  # a PostGIS team store (postgresql:// URL)
    if not team and not path.exists():
        t = time.perf_counter()
        build_store(n, path)
        print(f"generated {n} parcels -> {path} in {time.perf_counter() - t:.1f} s")
    layers = store.read_all(path)
    parcels = layers["parcels"]
    tiled = len(parcels) > settings.parcel_tile_threshold()
    print(f"store {store.shown(path)}: {len(parcels):,} parcels; technique: "
          f"{'grid aggregates + vector tiles' if tiled else 'embedded GeoJSON'}")
    if tiled and not cold_tiles:
        key = cadastre.content_key(parcels)
        target = settings.TILES_DIR / key
        t = time.perf_counter()
        existed = (target / "metadata.json").exists()
        if team:
            cadastre.build_tiles_postgis(path, parcels, target)
        else:
            cadastre.build_tiles(parcels, target)
        files = list(target.rglob("*.pbf"))
        size = sum(f.stat().st_size for f in files)
        print(f"tiles: {'already built' if existed else 'built'} in {time.perf_counter() - t:.1f} s"
              f" ({len(files)} tiles, {mb(size)}, largest {mb(max(f.stat().st_size for f in files))})")
    print(f"load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    seat = layers["towns"].to_crs("EPSG:4326").set_index("name_zh").geometry[town]
    with serve(path, warm=warm) as (url, proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = None
        for i in range(runs):
            # run 1: empty browser cache; later runs: a new page in the same browser profile,
            # so the Streamlit frontend and Leaflet come from the cache as for a returning user
            fresh = context is None
            if fresh:
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
            # the timed load, with no network recording
            page = context.new_page()
            # A new tab loads Chromium's own UI (the omnibox popup) in another renderer,
            # about 2 s of CPU on this 2-core machine; a planner's tab has done that before
            # the address is typed, so the clock starts once the tab has settled.
            page.wait_for_timeout(SETTLE_MS)
            traffic = Traffic(context.new_cdp_session(page), network=False)
            label = (f"first view ({'warmed' if warm else 'cold'} server, empty cache)" if i == 0
                     else f"first view (session {i + 1}, browser cache)")
            cpu0 = cpu_seconds(proc.pid)
            fv = first_view(page, url, traffic)
            fv["cpu"] = cpu_seconds(proc.pid) - cpu0
            zv = zoom_view(fv["frame"], traffic, seat.y, seat.x, zoom)
            if i == 0:
                OUT_DIR.mkdir(parents=True, exist_ok=True)
                stem = f"postgis_{len(parcels)}" if team else path.stem
                shot = OUT_DIR / f"{stem}_zoom.png"
                page.screenshot(path=str(shot))
            page.close()
            # the same views again, counting bytes (an empty cache for the first session)
            bytes_ctx = (browser.new_context(viewport={"width": 1600, "height": 1000}) if fresh
                         else context)
            bpage = bytes_ctx.new_page()
            btraffic = Traffic(bytes_ctx.new_cdp_session(bpage))
            fb = first_view(bpage, url, btraffic)
            zb = zoom_view(fb["frame"], btraffic, seat.y, seat.x, zoom)
            bpage.close()
            if bytes_ctx is not context:
                bytes_ctx.close()
            print(f"{label}: {fv['s']:.2f} s (map sent at {fv['t_frame']:.2f} s; server CPU "
                  f"{fv['cpu']:.2f} s, browser main thread busy {fv['busy']:.2f} s), shipped "
                  f"{mb(fb['http'] + fb['ws'])}: WebSocket {mb(fb['ws'])}, HTTP {mb(fb['http'])} "
                  f"in {fb['requests']} responses ({fb['kinds']})")
            print(f"zoom to {town} z{zv['zoom']}: {zv['ms'] / 1000:.2f} s (browser main thread busy "
                  f"{zv['busy']:.2f} s), {zv['features']:,} parcels "
                  f"in {zv['tiles']} tiles, shipped {mb(zb['http'] + zb['ws'])} "
                  f"({zb['requests']} responses)")
            if i == 0:
                print(f"screenshot {shot}")
        context.close()
        mem = memory(proc.pid)
        print(f"server memory: RSS {mem['VmRSS']:.0f} MB, peak (VmHWM) {mem['VmHWM']:.0f} MB")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="parcels in the store (100000)")
    parser.add_argument("--store", type=settings.store_location, default=None,
                        help="bench this store instead (e.g. data/jinyun_demo.gpkg as a baseline, "
                             "or a postgresql:// team store)")
    parser.add_argument("--town", default="壶镇镇", help="town seat to zoom into (壶镇镇)")
    parser.add_argument("--zoom", type=int, default=cadastre.TILE_MIN_ZOOM)
    parser.add_argument("--runs", type=int, default=2, help="browser sessions (2)")
    parser.add_argument("--no-warmup", action="store_true",
                        help="start the server without its warm-up run (the first visitor waits)")
    parser.add_argument("--cold-tiles", action="store_true",
                        help="do not pre-build the tiles: the first page load builds them")
    args = parser.parse_args(argv)
    run(args.n, town=args.town, zoom=args.zoom, cold_tiles=args.cold_tiles, runs=args.runs,
        warm=not args.no_warmup,
        store_path=args.store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

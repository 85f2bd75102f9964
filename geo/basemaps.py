"""Basemap tile providers and a reachability probe.

The app's default basemap is the *hillshade* (地形晕渲), drawn from the store's own
DEM and served by the app itself (:mod:`geo.hillshade`); without a DEM it is
*none*. Basemaps the county supplies (:mod:`geo.tilesources`) are served by the
app too. OpenStreetMap and 天地图 are offered by choice; when chosen, one probe
request checks that the tile server answers, and the map falls back to none
with a note when it does not.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Basemap:
    """A tile provider: URL templates (a base and an optional label layer) and attribution."""

    key: str
    tiles: tuple[str, ...]
    attribution: str
    needs_key: bool = False
    # a basemap served by the app itself: no probe, and Leaflet asks only inside its
    # bounds (degrees) and zooms, so no tile request can fail
    local: bool = False
    min_native_zoom: int | None = None
    max_native_zoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    folder: str | None = None  # the tiles on disk, ``{z}/{x}/{y}.png`` under it (for print)

    def urls(self, api_key: str | None = None) -> list[str]:
        return [u.replace("{tk}", api_key or "") for u in self.tiles]

    def probe_url(self, api_key: str | None = None) -> str:
        """One tile over Jinyun at zoom 10."""
        return self.urls(api_key)[0].replace("{s}", "a").replace("{z}", "10").replace(
            "{x}", "853").replace("{y}", "422")


_TDT = ("https://t0.tianditu.gov.cn/{L}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER={L}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk={tk}")

DEFAULT = "hillshade"
HILLSHADE = "hillshade"
USER_PREFIX = "user:"  # a supplied basemap's choice is this plus its source id

BASEMAPS: dict[str, Basemap | None] = {
    "none": None,
    "osm": Basemap("osm", ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
                   "© OpenStreetMap contributors"),
    # vec: vector base; cva: its Chinese labels. Tianditu is CGCS2000: no GCJ-02 offset.
    "tianditu": Basemap("tianditu", (_TDT.replace("{L}", "vec"), _TDT.replace("{L}", "cva")),
                        "© 天地图 Tianditu", needs_key=True),
}


CHOICES = (HILLSHADE, "none", *(k for k in BASEMAPS if k != "none"))


def reachable(url: str, *, timeout_s: float = 2.0) -> bool:
    """True when ``url`` answers with HTTP 2xx within ``timeout_s``."""
    req = urllib.request.Request(url, headers={"User-Agent": "jinyun-planner/0.1 (tile probe)"})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 (fixed https URLs)
            return 200 <= resp.status < 300
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        return False

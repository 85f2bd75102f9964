"""Basemap tiles for a printed map: fetched once per export, warped into EPSG:4549.

Only used when the provider's probe tile answers (:func:`geo.basemaps.reachable`), or,
for a basemap the app built itself (the hillshade, with a ``folder``), read from disk.
At most :data:`MAX_TILES` tiles are fetched per layer (the OSM tile policy forbids
bulk downloads), with a real User-Agent.
"""

from __future__ import annotations

import io
import math
import urllib.request
from pathlib import Path

import numpy as np
from PIL import Image
from pyproj import Transformer
from rasterio.transform import from_bounds
from rasterio.warp import Resampling, reproject

from geo.basemaps import Basemap
from geo.settings import METRIC_CRS

MAX_TILES = 36
TILE_PX = 256
_WEB_MERCATOR_HALF = 20037508.342789244
_UA = {"User-Agent": "jinyun-planner/0.1 (print export)"}


def _tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 2 ** z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def choose_zoom(bounds_deg: tuple[float, float, float, float], width_px: int) -> int:
    """The zoom whose tiles are about as fine as the printed map, within :data:`MAX_TILES`."""
    minx, miny, maxx, maxy = bounds_deg
    for z in range(18, 0, -1):
        x0, y0 = _tile_xy(minx, maxy, z)
        x1, y1 = _tile_xy(maxx, miny, z)
        n_tiles = (int(x1) - int(x0) + 1) * (int(y1) - int(y0) + 1)
        if (x1 - x0) * TILE_PX <= 1.5 * width_px and n_tiles <= MAX_TILES:
            return z
    return 1


def _fetch(url: str, timeout_s: float) -> Image.Image:
    req = urllib.request.Request(url, headers=_UA)
    with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 (provider URLs)
        return Image.open(io.BytesIO(resp.read())).convert("RGBA")


def _read_local(path: str, timeout_s: float) -> Image.Image:
    if not Path(path).exists():  # outside the tiles built: nothing to draw there
        return Image.new("RGBA", (TILE_PX, TILE_PX), (0, 0, 0, 0))
    return Image.open(path).convert("RGBA")


def _mosaic(template: str, z: int, xs: range, ys: range, timeout_s: float,
            fetch=_fetch) -> Image.Image:
    img = Image.new("RGBA", (len(xs) * TILE_PX, len(ys) * TILE_PX), (0, 0, 0, 0))
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            url = (template.replace("{s}", "abc"[(x + y) % 3]).replace("{z}", str(z))
                   .replace("{x}", str(x)).replace("{y}", str(y)))
            tile = fetch(url, timeout_s).resize((TILE_PX, TILE_PX))
            img.alpha_composite(tile, (i * TILE_PX, j * TILE_PX))
    return img


def basemap_image(provider: Basemap, extent_m: tuple[float, float, float, float],
                  size_px: tuple[int, int], *, api_key: str | None = None,
                  timeout_s: float = 5.0) -> np.ndarray:
    """An RGBA image (rows top-down) of the basemap covering ``extent_m`` in EPSG:4549.

    Raises ``OSError`` (from urllib or Pillow) when a tile cannot be fetched.
    """
    width, height = size_px
    to_deg = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    xs_m = np.linspace(extent_m[0], extent_m[2], 9)
    ys_m = np.linspace(extent_m[1], extent_m[3], 9)
    gx, gy = np.meshgrid(xs_m, ys_m)
    lon, lat = to_deg.transform(gx.ravel(), gy.ravel())
    bounds = (min(lon), min(lat), max(lon), max(lat))
    z = choose_zoom(bounds, width)
    if provider.max_native_zoom is not None:
        z = min(z, provider.max_native_zoom)
    if provider.min_native_zoom is not None:
        z = max(z, provider.min_native_zoom)
    tx0, ty0 = (int(v) for v in _tile_xy(bounds[0], bounds[3], z))
    tx1, ty1 = (int(v) for v in _tile_xy(bounds[2], bounds[1], z))
    xs, ys = range(tx0, tx1 + 1), range(ty0, ty1 + 1)
    if provider.folder:
        layers = [_mosaic(str(Path(provider.folder) / "{z}" / "{x}" / "{y}.png"), z, xs, ys,
                          timeout_s, fetch=_read_local)]
    else:
        layers = [_mosaic(t, z, xs, ys, timeout_s) for t in provider.urls(api_key)]
    mosaic = layers[0]
    for extra in layers[1:]:
        mosaic.alpha_composite(extra)
    src = np.moveaxis(np.asarray(mosaic), -1, 0)
    span = 2 * _WEB_MERCATOR_HALF / 2 ** z
    src_transform = from_bounds(-_WEB_MERCATOR_HALF + tx0 * span,
                                _WEB_MERCATOR_HALF - (ty1 + 1) * span,
                                -_WEB_MERCATOR_HALF + (tx1 + 1) * span,
                                _WEB_MERCATOR_HALF - ty0 * span, src.shape[2], src.shape[1])
    dst = np.zeros((4, height, width), dtype=np.uint8)
    reproject(src, dst, src_transform=src_transform, src_crs="EPSG:3857",
              dst_transform=from_bounds(*extent_m, width, height), dst_crs=METRIC_CRS,
              resampling=Resampling.bilinear)
    return np.moveaxis(dst, 0, -1)

"""An offline basemap: the store's DEM as hillshaded PNG tiles, with roads and water on top.

The tiles are XYZ (web mercator, 256 px), built once per content (DEM file, roads,
water; :func:`content_key`) into a folder the app serves as static files, the same
way as the parcel vector tiles (:mod:`geo.cadastre`). Each zoom is warped in strips
of one tile row (one :func:`rasterio.warp.reproject` per strip, ``average`` where a
tile pixel is coarser than the DEM, ``bilinear`` where finer), shaded with numpy on
the ground resolution of the strip, tinted by elevation and cut into tiles; pixels
outside the DEM are transparent.

The store has no river line: the river is drawn as its flood zone (the
``constraints`` of kind ``flood_zone``), the only layer that follows it.
``bench/hillshade_bench.py`` measures the build.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from PIL import Image
from rasterio import features, warp
from rasterio.transform import Affine

from geo import cadastre

logger = logging.getLogger(__name__)

HILLSHADE_VERSION = "1"   # bump when the look or the tiling changes
MIN_ZOOM = 8
MAX_NATIVE_ZOOM = 14      # a 30 m DEM has nothing finer to show; Leaflet over-zooms beyond
TILE_PX = 256
# about a minute of build on 2 cores: a DEM much larger than a county gets fewer zooms
MAX_TILES = 5_000
KEEP_BUILT = 4  # tile folders of other contents kept beside the current one
_HALF = 20037508.342789244

# soft colours: pale valley green to pale tan to near-white ridges (elevation quantiles)
_TINT_STOPS = np.array([0.0, 0.35, 0.7, 1.0])
_TINT_RGB = np.array([[226, 234, 214], [236, 232, 214], [236, 226, 210], [246, 244, 240]],
                     dtype=np.float32)
WATER_RGB = (170, 205, 230)
# (width in px at the deepest zoom, casing colour, fill colour), drawn in this order
ROAD_LOOK = {
    "county": (1.4, (175, 168, 156), (255, 255, 255)),
    "provincial": (2.0, (185, 150, 95), (252, 226, 160)),
    "national": (2.6, (185, 120, 70), (247, 200, 120)),
    "expressway": (3.2, (170, 95, 55), (240, 160, 90)),
}


@dataclass(frozen=True)
class BuildInfo:
    """What :func:`build_tiles` wrote."""

    folder: Path
    tiles: int
    seconds: float
    bytes: int
    built: bool  # False when the folder was already there


def content_key(dem_path: str | os.PathLike, *, roads: gpd.GeoDataFrame | None = None,
                water: gpd.GeoDataFrame | None = None) -> str:
    """A digest of what the tiles show: the DEM file's bytes, the roads and the water."""
    h = hashlib.sha256(f"hillshade-{HILLSHADE_VERSION}-{MIN_ZOOM}-{MAX_NATIVE_ZOOM}".encode())
    with open(dem_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    for frame in (roads, water):
        if frame is None or frame.empty:
            h.update(b"-")
            continue
        h.update(str(frame.crs).encode())
        if "road_class" in frame:
            h.update("|".join(frame["road_class"].astype(str)).encode())
        for wkb in shapely.to_wkb(frame.geometry.to_numpy()):
            h.update(wkb)
    return h.hexdigest()[:16]


def water_of(constraints: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The river as the store knows it: the flood zones among ``constraints``."""
    if constraints is None or constraints.empty or "kind" not in constraints:
        return None
    return constraints[constraints["kind"] == "flood_zone"]


def hillshade(elev: np.ndarray, res_m: float, *, azimuth_deg: float = 315.0,
              altitude_deg: float = 45.0, z_factor: float = 1.0) -> np.ndarray:
    """Lambertian hillshade in 0..1 of a north-up grid with square cells of ``res_m`` metres.

    ``NaN`` cells give ``NaN``; the light comes from ``azimuth_deg`` (clockwise
    from north) at ``altitude_deg`` above the horizon.
    """
    dy, dx = np.gradient(elev * z_factor, res_m)  # rows go south: dy is -d/dnorth
    slope = np.arctan(np.hypot(dx, dy))
    aspect = np.arctan2(-dx, dy)  # downhill direction, clockwise from north
    az, alt = np.radians(azimuth_deg), np.radians(altitude_deg)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(shade, 0.0, 1.0)


_LUT = np.stack([np.interp(np.linspace(0, 1, 256), _TINT_STOPS, _TINT_RGB[:, i])
                 for i in range(3)], axis=-1).astype(np.float32)  # 256 tints, low to high


def _colour(elev: np.ndarray, shade: np.ndarray, lo: float, hi: float) -> np.ndarray:
    idx = np.nan_to_num((elev - lo) * (255.0 / max(hi - lo, 1.0)), nan=0.0)
    idx = np.clip(idx, 0, 255).astype(np.uint8)
    flat = np.float32(np.sin(np.radians(45.0)))
    light = np.clip(1.0 + 0.95 * (np.nan_to_num(shade, nan=flat) - flat), 0.5, 1.08)
    rgba = np.empty((*elev.shape, 4), dtype=np.uint8)
    rgba[..., :3] = np.clip(_LUT[idx] * light[..., None].astype(np.float32), 0, 255)
    rgba[..., 3] = np.where(np.isnan(elev), 0, 255)
    return rgba


def _burn(rgba: np.ndarray, geoms, transform: Affine, rgb, *, alpha: float = 1.0) -> None:
    if len(geoms) == 0:
        return
    mask = features.rasterize(((g, 1) for g in geoms), out_shape=rgba.shape[:2],
                              transform=transform, dtype="uint8").astype(bool)
    if not mask.any():
        return
    px = rgba[mask].astype(np.float32)
    px[:, :3] = px[:, :3] * (1 - alpha) + np.asarray(rgb, dtype=np.float32) * alpha
    px[:, 3] = 255
    rgba[mask] = px.astype(np.uint8)


@dataclass(frozen=True)
class _Overlay:
    water: list
    roads: list  # (class, geometries in EPSG:3857)


def _overlay(roads: gpd.GeoDataFrame | None, water: gpd.GeoDataFrame | None) -> _Overlay:
    w = [] if water is None or water.empty else list(water.to_crs(3857).geometry)
    r = []
    if roads is not None and not roads.empty:
        merc = roads.to_crs(3857)
        for cls in ROAD_LOOK:
            r.append((cls, list(merc.geometry[merc["road_class"].astype(str) == cls])))
    return _Overlay(w, r)


def _draw_overlay(rgba: np.ndarray, transform: Affine, overlay: _Overlay, z: int) -> None:
    res = transform.a
    _burn(rgba, overlay.water, transform, WATER_RGB, alpha=0.9)
    scale = 1.0 if z >= MAX_NATIVE_ZOOM - 2 else 0.6 if z >= 10 else 0.4
    for casing in (True, False):
        for cls, geoms in overlay.roads:
            width_px, casing_rgb, fill_rgb = ROAD_LOOK[cls]
            half_m = (width_px * scale / 2 + (0.7 if casing else 0.0)) * res
            if z < 10 and cls == "county":
                continue  # the small roads wait for a closer look
            _burn(rgba, [g.buffer(half_m, cap_style="flat") for g in geoms], transform,
                  casing_rgb if casing else fill_rgb)


def _png(rgba: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def _strip(src_values, src_transform, src_crs, z: int, x0: int, x1: int, y: int):
    """DEM warped to tiles ``x0..x1`` of row ``y`` at zoom ``z``, one pixel of margin around."""
    span = 2 * _HALF / 2**z
    res = span / TILE_PX
    width, height = (x1 - x0 + 1) * TILE_PX + 2, TILE_PX + 2
    transform = Affine(res, 0, -_HALF + x0 * span - res, 0, -res, _HALF - y * span + res)
    out = np.full((height, width), np.nan, dtype=np.float32)
    lat = np.degrees(np.arctan(np.sinh((_HALF - (y + 0.5) * span) / _HALF * np.pi)))
    ground = res * np.cos(np.radians(lat))
    coarse = ground > abs(src_transform.a)
    warp.reproject(src_values, out, src_transform=src_transform, src_crs=src_crs,
                   src_nodata=np.nan, dst_transform=transform, dst_crs="EPSG:3857",
                   dst_nodata=np.nan,
                   resampling=warp.Resampling.average if coarse else warp.Resampling.bilinear)
    return out, transform, ground


def _render_zoom(folder: Path, dem, z: int, bounds_3857, overlay: _Overlay, lohi) -> int:
    values, src_transform, src_crs = dem
    x0, y0, x1, y1 = cadastre.tile_range(bounds_3857, z)
    count = 0
    for y in range(y0, y1 + 1):
        elev, transform, ground = _strip(values, src_transform, src_crs, z, x0, x1, y)
        # relief fades as tiles coarsen: exaggerate it gently at low zooms
        z_factor = float(np.clip(ground / abs(src_transform.a), 1.0, 16.0) ** 0.4)
        shade = hillshade(elev, ground, z_factor=z_factor)
        rgba = _colour(elev, shade, *lohi)
        _draw_overlay(rgba, transform, overlay, z)
        rgba = rgba[1:-1, 1:-1]
        for x in range(x0, x1 + 1):
            col = folder / str(z) / str(x)
            col.mkdir(parents=True, exist_ok=True)
            i = (x - x0) * TILE_PX
            (col / f"{y}.png").write_bytes(_png(np.ascontiguousarray(rgba[:, i:i + TILE_PX])))
            count += 1
    return count


def dem_bounds_lonlat(dem_path: str | os.PathLike) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the DEM in degrees."""
    with rasterio.open(dem_path) as src:
        return tuple(float(v) for v in warp.transform_bounds(src.crs, "EPSG:4326", *src.bounds))


def tile_count(bounds_lonlat, *, min_zoom: int = MIN_ZOOM, max_zoom: int = MAX_NATIVE_ZOOM) -> int:
    """How many tiles :func:`build_tiles` writes over ``bounds_lonlat``."""
    merc = cadastre.mercator_bounds(bounds_lonlat)
    total = 0
    for z in range(min_zoom, max_zoom + 1):
        x0, y0, x1, y1 = cadastre.tile_range(merc, z)
        total += (x1 - x0 + 1) * (y1 - y0 + 1)
    return total


def deepest_zoom(bounds_lonlat, *, min_zoom: int = MIN_ZOOM, max_zoom: int = MAX_NATIVE_ZOOM,
                 max_tiles: int = MAX_TILES) -> int:
    """The deepest zoom up to ``max_zoom`` whose tiles from ``min_zoom`` on stay within
    ``max_tiles`` (never below ``min_zoom``)."""
    for z in range(max_zoom, min_zoom, -1):
        if tile_count(bounds_lonlat, min_zoom=min_zoom, max_zoom=z) <= max_tiles:
            return z
    return min_zoom


def prune(parent: str | os.PathLike, current: str | os.PathLike, *,
          keep: int = KEEP_BUILT) -> list[Path]:
    """Remove the oldest ``hillshade-*`` folders of ``parent`` beyond ``keep`` (never
    ``current``); returns those removed."""
    current = Path(current).resolve()
    built = [p for p in Path(parent).glob("hillshade-*") if p.is_dir() and p.resolve() != current]
    built.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in built[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return built[keep:]


def _read(dem_path) -> tuple[np.ndarray, Affine, object]:
    with rasterio.open(dem_path) as src:
        if src.crs is None:
            msg = f"DEM {dem_path}: no CRS; cannot place it on the map."
            raise ValueError(msg)
        values = src.read(1).astype(np.float32)
        if src.nodata is not None and not np.isnan(src.nodata):
            values[values == np.float32(src.nodata)] = np.nan
        values[~np.isfinite(values)] = np.nan
        return values, src.transform, src.crs


def build_tiles(dem_path: str | os.PathLike, out_dir: str | os.PathLike, *,
                roads: gpd.GeoDataFrame | None = None, water: gpd.GeoDataFrame | None = None,
                min_zoom: int = MIN_ZOOM, max_zoom: int = MAX_NATIVE_ZOOM,
                max_tiles: int = MAX_TILES) -> BuildInfo:
    """Write the hillshade tiles ``out_dir/{z}/{x}/{y}.png`` and ``metadata.json``, all or
    nothing; a folder already built is kept as it is. A DEM so large that the zooms asked
    would exceed ``max_tiles`` tiles gets fewer zooms (:func:`deepest_zoom`).

    Raises
    ------
    ValueError
        The DEM has no CRS or no valid cell.
    """
    out = Path(out_dir)
    if (out / "metadata.json").exists():
        return BuildInfo(out, 0, 0.0, 0, built=False)
    t0 = time.perf_counter()
    values, transform, crs = _read(dem_path)
    if not np.isfinite(values).any():
        msg = f"DEM {dem_path}: no valid elevation."
        raise ValueError(msg)
    lohi = tuple(float(v) for v in np.nanpercentile(values, [2, 98]))
    bounds = dem_bounds_lonlat(dem_path)
    max_zoom = deepest_zoom(bounds, min_zoom=min_zoom, max_zoom=max_zoom, max_tiles=max_tiles)
    merc = cadastre.mercator_bounds(bounds)
    overlay = _overlay(roads, water)
    with cadastre.tile_folder(out) as target:
        count = sum(_render_zoom(target, (values, transform, crs), z, merc, overlay, lohi)
                    for z in range(min_zoom, max_zoom + 1))
        size = sum(p.stat().st_size for p in target.rglob("*.png"))
        (target / "metadata.json").write_text(json.dumps({
            "name": "hillshade", "format": "png", "minzoom": min_zoom, "maxzoom": max_zoom,
            "bounds": list(bounds), "tiles": count, "bytes": size,
            "version": HILLSHADE_VERSION}, indent=1), encoding="utf-8")
    seconds = time.perf_counter() - t0
    logger.info("built %d hillshade tiles z%d-%d (%.1f MB) in %.1f s in %s", count, min_zoom,
                max_zoom, size / 1e6, seconds, out)
    return BuildInfo(out, count, seconds, size, built=True)


def metadata(folder: str | os.PathLike) -> dict:
    """The ``metadata.json`` of a built folder."""
    return json.loads((Path(folder) / "metadata.json").read_text(encoding="utf-8"))

"""Terrain from a DEM: reading (reprojected to EPSG:4549), slope, zonal statistics.

A :class:`Dem` is a float array in EPSG:4549 with ``NaN`` wherever the source
has no data. A DEM in another CRS is reprojected with :func:`rasterio.warp.reproject`
(bilinear) onto a grid of about the same cell size, so every slope and area
below is computed in metres.

Zonal statistics are vectorised: the geometries are rasterised once into a
label array (GDAL pixel-centre rule, the same as ``rasterstats.zonal_stats``
with ``all_touched=False``) and every statistic is reduced with
:func:`numpy.bincount` and a pandas groupby, never with a Python loop per
geometry (``bench/zonal_bench.py`` measures it against rasterstats and
exactextract).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio import features, warp, windows
from rasterio.crs import CRS
from rasterio.transform import Affine, array_bounds

from geo.errors import CRSError, PlannerError
from geo.i18n import Message
from geo.settings import METRIC_CRS

logger = logging.getLogger(__name__)


class DemError(PlannerError):
    """A DEM that cannot be read, has no CRS, or does not cover what is asked."""


class DemCoverageError(DemError):
    """The DEM does not reach the area asked for."""


@dataclass(frozen=True)
class Dem:
    """Elevation in metres on a north-up grid in EPSG:4549; ``NaN`` = no data.

    Attributes
    ----------
    values
        2-D float32 array of elevations.
    transform
        Affine transform of the grid (EPSG:4549 metres).
    source
        The file it came from, for messages.
    reprojected_from
        The source CRS when the file was not in EPSG:4549, else ``None``.
    """

    values: np.ndarray
    transform: Affine
    source: str = ""
    reprojected_from: str | None = None

    @property
    def res(self) -> float:
        """Cell size in metres (square cells)."""
        return float(self.transform.a)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in EPSG:4549."""
        west, south, east, north = array_bounds(*self.values.shape, self.transform)
        return west, south, east, north

    @property
    def crs(self) -> str:
        return METRIC_CRS

    def crop(self, bounds: tuple[float, float, float, float], *, margin_px: int = 2) -> Dem:
        """The part of the grid covering ``bounds`` plus ``margin_px`` cells (same cells, no resampling)."""
        inv = ~self.transform
        c0, r0 = inv @ (bounds[0], bounds[3])
        c1, r1 = inv @ (bounds[2], bounds[1])
        r0 = max(int(np.floor(r0)) - margin_px, 0)
        c0 = max(int(np.floor(c0)) - margin_px, 0)
        r1 = min(int(np.ceil(r1)) + margin_px, self.shape[0])
        c1 = min(int(np.ceil(c1)) + margin_px, self.shape[1])
        if r0 >= r1 or c0 >= c1:
            raise DemCoverageError(_dem_message("no_cover", self.source, bounds=_fmt_bounds(bounds)))
        return Dem(self.values[r0:r1, c0:c1], self.transform @ Affine.translation(c0, r0),
                   self.source, self.reprojected_from)


def _metric_crs() -> CRS:
    return CRS.from_user_input(METRIC_CRS)


def read_dem(path: str | os.PathLike, *, bounds: tuple[float, float, float, float] | None = None,
             margin_px: int = 2) -> Dem:
    """Read a DEM GeoTIFF as a :class:`Dem` in EPSG:4549.

    Parameters
    ----------
    path
        Any single-band raster rasterio reads.
    bounds
        Only read this box (EPSG:4549 metres) plus ``margin_px`` cells around
        it; ``None`` reads the whole raster.
    margin_px
        Extra cells around ``bounds`` so slopes at the box edge are right.

    Raises
    ------
    DemError
        The file is missing, unreadable, has no CRS, or does not overlap ``bounds``.
    """
    path = Path(path)
    if not path.exists():
        raise DemError(_dem_message("not_found", path))
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        # GDAL's own words are for the log; the planner is told what to upload instead
        logger.info("DEM %s unreadable: %s", path, exc)
        raise DemError(_dem_message("unreadable", path)) from exc
    with src:
        if src.crs is None:
            raise DemError(_dem_message("no_crs", path))
        if src.crs == _metric_crs():
            return _read_native(src, path, bounds, margin_px)
        return _read_reprojected(src, path, bounds, margin_px)


def _as_float(band: np.ndarray, nodata) -> np.ndarray:
    values = band.astype(np.float32, copy=False)
    invalid = ~np.isfinite(values)
    if nodata is not None and not np.isnan(nodata):
        invalid |= values == np.float32(nodata)
    if invalid.any():
        values = values.copy() if values is band else values
        values[invalid] = np.nan
    return values


def _read_native(src, path: Path, bounds, margin_px: int) -> Dem:
    if bounds is None:
        return Dem(_as_float(src.read(1), src.nodata), src.transform, str(path))
    win = windows.from_bounds(*bounds, transform=src.transform)
    col0, row0 = int(np.floor(win.col_off)) - margin_px, int(np.floor(win.row_off)) - margin_px
    col1 = int(np.ceil(win.col_off + win.width)) + margin_px
    row1 = int(np.ceil(win.row_off + win.height)) + margin_px
    win = windows.Window(col0, row0, col1 - col0, row1 - row0)
    full = windows.Window(0, 0, src.width, src.height)
    try:
        win = win.intersection(full)
    except rasterio.errors.WindowError:
        raise DemCoverageError(_dem_message("no_cover", path, bounds=_fmt_bounds(bounds))) from None
    values = src.read(1, window=win)
    return Dem(_as_float(values, src.nodata), src.window_transform(win), str(path))


def _read_reprojected(src, path: Path, bounds, margin_px: int) -> Dem:
    dst_crs = _metric_crs()
    transform, width, height = warp.calculate_default_transform(
        src.crs, dst_crs, src.width, src.height, *src.bounds)
    res = float(abs(transform.a))
    if bounds is not None:
        west, south, east, north = (bounds[0] - margin_px * res, bounds[1] - margin_px * res,
                                    bounds[2] + margin_px * res, bounds[3] + margin_px * res)
        full = array_bounds(height, width, transform)
        west, south = max(west, full[0]), max(south, full[1])
        east, north = min(east, full[2]), min(north, full[3])
        if west >= east or south >= north:
            raise DemCoverageError(_dem_message("no_cover", path, bounds=_fmt_bounds(bounds)))
        transform = Affine(res, 0, west, 0, -res, north)
        width, height = int(np.ceil((east - west) / res)), int(np.ceil((north - south) / res))
    out = np.full((height, width), np.nan, dtype=np.float32)
    warp.reproject(rasterio.band(src, 1), out, src_nodata=src.nodata, dst_nodata=np.nan,
                   dst_transform=transform, dst_crs=dst_crs, resampling=warp.Resampling.bilinear)
    logger.info("DEM %s reprojected from %s to %s at %.1f m", path, src.crs, METRIC_CRS, res)
    return Dem(out, transform, str(path), reprojected_from=src.crs.to_string())


def _dem_message(problem: str, path, **args: object) -> Message:
    """A DEM problem in the planner's words, naming the file (not the server's folders)."""
    return Message.of(f"terrain.{problem}", file=Path(str(path)).name, **args)


def _fmt_bounds(bounds) -> str:
    return ", ".join(f"{v:.0f}" for v in bounds) + f" in {METRIC_CRS}"


def slope_deg(dem: Dem) -> np.ndarray:
    """Slope in degrees from central differences (:func:`numpy.gradient`) on the metric grid.

    .. math:: \\theta = \\arctan\\sqrt{(\\partial z/\\partial x)^2 + (\\partial z/\\partial y)^2}

    Cells next to no-data (or the raster edge, where one-sided differences are
    used) follow numpy's rules; a cell whose neighbours are ``NaN`` is ``NaN``.
    """
    z = dem.values.astype(np.float64)
    if min(z.shape) < 2:
        return np.full(z.shape, np.nan, dtype=np.float32)
    dz_dy, dz_dx = np.gradient(z, abs(dem.transform.e), dem.transform.a)
    return np.degrees(np.arctan(np.hypot(dz_dx, dz_dy))).astype(np.float32)


# --- zonal statistics ---------------------------------------------------------------------------

def _window_of(geoms: np.ndarray, transform: Affine, shape: tuple[int, int]):
    """The raster window (row/col slices) covering all geometries, clipped to the raster."""
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    inv = ~transform
    c0, r0 = inv @ (minx, maxy)
    c1, r1 = inv @ (maxx, miny)
    r0, c0 = max(int(np.floor(r0)), 0), max(int(np.floor(c0)), 0)
    r1, c1 = min(int(np.ceil(r1)) + 1, shape[0]), min(int(np.ceil(c1)) + 1, shape[1])
    return slice(r0, max(r0, r1)), slice(c0, max(c0, c1))


def _overlap_groups(geoms: np.ndarray) -> np.ndarray:
    """Group index per geometry so that no two geometries of a group share interior."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size:
        inner = shapely.relate_pattern(geoms[left], geoms[right], "T********")
        left, right = left[inner], right[inner]
    group = np.zeros(len(geoms), dtype=np.int64)
    if not left.size:
        return group
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        neighbours.setdefault(b, []).append(a)
    # greedy colouring over the (few) overlapping pairs only
    for i in sorted(neighbours):
        taken = {group[j] for j in neighbours[i]}
        g = 0
        while g in taken:
            g += 1
        group[i] = g
    return group


def rasterize_ids(geoms, transform: Affine, shape: tuple[int, int], *,
                  all_touched: bool = False) -> np.ndarray:
    """Label array: cell = 1 + index of the geometry whose interior holds the cell centre, 0 = none.

    Later geometries win where geometries overlap (see ``overlapping`` in
    :func:`zonal_stats`).
    """
    geoms = np.asarray(geoms, dtype=object)
    dtype = "int32" if len(geoms) < 2**31 - 1 else "int64"
    pairs = ((g, i + 1) for i, g in enumerate(geoms) if g is not None and not g.is_empty)
    return features.rasterize(pairs, out_shape=shape, transform=transform, fill=0,
                              all_touched=all_touched, dtype=dtype)


def _reduce(labels: np.ndarray, rasters: dict[str, np.ndarray], n: int,
            thresholds: dict[str, tuple[float, ...]]) -> pd.DataFrame:
    flat = labels.ravel()
    inside = flat > 0
    lab = flat[inside]
    out = {"pixels": np.bincount(lab, minlength=n + 1)[1:]}
    for name, raster in rasters.items():
        vals = raster.ravel()[inside]
        ok = np.isfinite(vals)
        lv, vv = lab[ok], vals[ok].astype(np.float64)
        count = np.bincount(lv, minlength=n + 1)[1:]
        total = np.bincount(lv, weights=vv, minlength=n + 1)[1:]
        out[f"{name}_count"] = count
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{name}_mean"] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
        mm = pd.DataFrame({"l": lv, "v": vv}).groupby("l", sort=False)["v"].agg(["min", "max"])
        for stat in ("min", "max"):
            col = np.full(n, np.nan)
            col[mm.index.to_numpy() - 1] = mm[stat].to_numpy()
            out[f"{name}_{stat}"] = col
        for thr in thresholds.get(name, ()):
            above = np.bincount(lv[vv > thr], minlength=n + 1)[1:]
            with np.errstate(invalid="ignore", divide="ignore"):
                out[f"{name}_share_gt_{thr:g}"] = np.where(count > 0, above / np.maximum(count, 1),
                                                           np.nan)
    return pd.DataFrame(out)


def zonal_stats(geoms, rasters: dict[str, np.ndarray], transform: Affine, *,
                thresholds: dict[str, tuple[float, ...]] | None = None,
                overlapping: bool = False, all_touched: bool = False) -> pd.DataFrame:
    """Per-geometry statistics of one or more co-registered rasters, vectorised.

    Parameters
    ----------
    geoms
        Shapely geometries (array, list or GeoSeries) in the rasters' CRS.
    rasters
        Name -> 2-D float array on the grid of ``transform``; ``NaN`` = no data.
    transform
        Affine transform of every raster.
    thresholds
        Name -> values ``t``: adds the share of valid cells with value > ``t``
        (column ``<name>_share_gt_<t>``).
    overlapping
        ``False`` (a cadastre): geometries do not share interior, one
        rasterisation. ``True``: geometries that overlap are put in separate
        groups, one rasterisation per group, so each gets all its cells.
    all_touched
        Count every cell the geometry touches, not only those whose centre is
        inside (for sites smaller than a cell).

    Returns
    -------
    stats
        One row per geometry, in order: ``pixels`` (cells whose centre is
        inside), and per raster ``<name>_count`` (valid cells), ``_min``,
        ``_mean``, ``_max`` (``NaN`` when no valid cell) and any shares.
    """
    geoms = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    n = len(geoms)
    thresholds = thresholds or {}
    if n == 0:
        return _reduce(np.zeros((0, 0), dtype=np.int32), {k: np.zeros((0, 0)) for k in rasters}, 0,
                       thresholds)
    shape = next(iter(rasters.values())).shape
    rows, cols = _window_of(geoms, transform, shape)
    win_shape = (rows.stop - rows.start, cols.stop - cols.start)
    win_transform = transform @ Affine.translation(cols.start, rows.start)
    sub = {k: v[rows, cols] for k, v in rasters.items()}
    groups = _overlap_groups(geoms) if overlapping else np.zeros(n, dtype=np.int64)
    parts = []
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        if 0 in win_shape:
            labels = np.zeros(win_shape, dtype=np.int32)
        else:
            labels = rasterize_ids(geoms[idx], win_transform, win_shape, all_touched=all_touched)
        part = _reduce(labels, sub, len(idx), thresholds)
        part.index = idx
        parts.append(part)
    return pd.concat(parts).sort_index().reset_index(drop=True)


def terrain_stats(geoms: gpd.GeoSeries, dem: Dem, *, thresholds_deg: tuple[float, ...] = (15, 25),
                  overlapping: bool = True) -> pd.DataFrame:
    """Elevation min/mean/max, mean slope and shares steeper than ``thresholds_deg`` per geometry.

    ``geoms`` may be in any CRS (reprojected to EPSG:4549). Columns:
    ``pixels``, ``elev_count``, ``elev_min``, ``elev_mean``, ``elev_max``,
    ``slope_mean``, ``slope_share_gt_<t>``; ``NaN`` where the DEM has no data.
    """
    if geoms.crs is None:
        raise CRSError(Message.of("err.crs.dem"))
    metric = geoms.to_crs(METRIC_CRS)
    slope = slope_deg(dem)
    stats = zonal_stats(metric.values, {"elev": dem.values, "slope": slope}, dem.transform,
                        thresholds={"slope": tuple(thresholds_deg)}, overlapping=overlapping)
    stats.index = geoms.index
    return stats.drop(columns=["slope_count", "slope_min", "slope_max"])

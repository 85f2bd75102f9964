"""County-wide suitability surface on the DEM grid, and "find sites".

The surface scores every DEM cell with the same criteria and weights as
:func:`geo.assess.assess` (see that module for the formula): for a cell,
``flat`` is 1 when its slope is at most the moderate threshold, the access
criteria use the Euclidean distance from the cell centre
(:func:`scipy.ndimage.distance_transform_edt`), ``constraints`` is 0 under
any soft constraint, and the cell is excluded (score 0) under a hard
constraint, outside the county, or steeper than the buildable limit. Cells
outside the county or without DEM data are ``NaN``.

:func:`find_sites` smooths the surface with a moving average, then lowers a
threshold from the best score down to ``site_min_score``; at each step the
connected components (:func:`scipy.ndimage.label`) of non-excluded cells
above the threshold that reach the minimum size become sites, best mean
score first, until ``top`` sites are found. Each site is polygonised
(:func:`rasterio.features.shapes`) and assessed like any drawn candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio import features, warp
from rasterio.transform import Affine, array_bounds
from scipy import ndimage

from geo import i18n
from geo.assess import CRITERIA, AssessConfig, Context, assess
from geo.settings import METRIC_CRS, WEB_CRS
from geo.terrain import Dem, slope_deg
from geo.units import M2_PER_MU

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Surface:
    """Suitability on a grid in EPSG:4549.

    Attributes
    ----------
    score
        0-100 per cell (float32); ``NaN`` outside the county or without DEM data.
    excluded
        True where a hard constraint, the county edge or a steep slope excludes the cell.
    criteria
        Criterion -> 0..1 array (before exclusion).
    transform
        Affine transform of the grid.
    """

    score: np.ndarray
    excluded: np.ndarray
    criteria: dict[str, np.ndarray]
    transform: Affine

    @property
    def res(self) -> float:
        return float(self.transform.a)

    @property
    def cell_mu(self) -> float:
        return self.res * self.res / M2_PER_MU


def _coarsen(dem: Dem, res_m: float | None) -> Dem:
    """The DEM averaged to ``res_m`` cells (no-op when ``res_m`` is None or not coarser)."""
    if res_m is None or res_m <= dem.res * 1.0001:
        return dem
    west, south, east, north = dem.bounds
    width, height = int(np.ceil((east - west) / res_m)), int(np.ceil((north - south) / res_m))
    transform = Affine(res_m, 0, west, 0, -res_m, north)
    out = np.full((height, width), np.nan, dtype=np.float32)
    warp.reproject(dem.values, out, src_transform=dem.transform, src_crs=METRIC_CRS,
                   dst_transform=transform, dst_crs=METRIC_CRS, src_nodata=np.nan, dst_nodata=np.nan,
                   resampling=warp.Resampling.average)
    return Dem(out, transform, dem.source, dem.reprojected_from)


def _burn(geoms, shape, transform, *, all_touched: bool = False) -> np.ndarray:
    geoms = [g for g in np.atleast_1d(np.asarray(geoms, dtype=object)) if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(shape, dtype=bool)
    return features.rasterize(((g, 1) for g in geoms), out_shape=shape, transform=transform,
                              fill=0, all_touched=all_touched, dtype="uint8").astype(bool)


def _distance(mask: np.ndarray, res: float) -> np.ndarray:
    """Metres from each cell centre to the nearest cell of ``mask`` (inf when the mask is empty)."""
    if not mask.any():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    return (ndimage.distance_transform_edt(~mask) * res).astype(np.float32)


def surface(ctx: Context, dem: Dem, *, config: AssessConfig | None = None,
            res_m: float | None = None) -> Surface:
    """The county-wide suitability surface (same criteria and weights as :func:`geo.assess.assess`).

    Parameters
    ----------
    ctx
        :func:`geo.assess.build_context` of the store.
    dem
        The DEM in EPSG:4549 (:func:`geo.terrain.read_dem`).
    config
        Weights, thresholds and hard constraints.
    res_m
        Cell size; default the DEM's own. A coarser size averages the DEM first.
    """
    config = config or AssessConfig()
    dem = _coarsen(dem, res_m)
    shape, tr, res = dem.shape, dem.transform, dem.res
    slope = slope_deg(dem)
    county = _burn(ctx.county, shape, tr)
    valid = county & np.isfinite(dem.values) & np.isfinite(slope)
    roads = _burn(np.concatenate(list(ctx.roads.values())), shape, tr, all_touched=True)
    industrial = _burn(ctx.parcels.geometry.values, shape, tr, all_touched=True)
    platforms = _burn(ctx.platforms.geometry.values, shape, tr, all_touched=True)
    soft = np.zeros(shape, dtype=bool)
    for k in config.soft_constraints:
        soft |= _burn(ctx.constraints[k], shape, tr)
    hard = np.zeros(shape, dtype=bool)
    for k in config.hard_constraints:
        hard |= _burn(ctx.constraints[k], shape, tr)
    with np.errstate(invalid="ignore"):
        crit = {
            "flat": (slope <= config.slope_moderate_deg).astype(np.float32),
            "road": np.clip(1 - _distance(roads, res) / config.road_reach_m, 0, 1),
            "industry": np.clip(1 - _distance(industrial, res) / config.industry_reach_m, 0, 1),
            "platform": np.clip(1 - _distance(platforms, res) / config.platform_reach_m, 0, 1),
            "constraints": (~soft).astype(np.float32),
        }
        steep = slope > config.buildable_max_slope_deg
    shares = config.weight_shares()
    weighted = sum(np.float32(shares[c]) * crit[c] for c in CRITERIA)
    excluded = hard | steep | ~county
    score = np.where(excluded, 0, 100 * weighted).astype(np.float32)
    score[~valid] = np.nan
    return Surface(score=score, excluded=excluded | ~valid, criteria=crit, transform=tr)


def _min_cells(min_mu: float, s: Surface) -> int:
    return max(1, int(np.ceil(min_mu / s.cell_mu)))


def _carve(comp: np.ndarray, smooth: np.ndarray, min_cells: int) -> np.ndarray:
    """The compact part of a component around its best cell: the nearest cells to it, connected."""
    rows, cols = np.nonzero(comp)
    if rows.size <= min_cells * 1.3:
        return comp
    best = np.argmax(smooth[rows, cols])
    d2 = (rows - rows[best]) ** 2 + (cols - cols[best]) ** 2
    take = min_cells
    while True:
        order = np.argpartition(d2, min(take, rows.size) - 1)[:take]
        part = np.zeros_like(comp)
        part[rows[order], cols[order]] = True
        lab, _ = ndimage.label(part)
        part = lab == lab[rows[best], cols[best]]
        if part.sum() >= min_cells or take >= rows.size:
            return part
        take = min(rows.size, int(take * 1.2) + 1)


def site_labels(s: Surface, *, min_mu: float, top: int, config: AssessConfig | None = None,
                avoid: np.ndarray | None = None, step: float = 2.0) -> np.ndarray:
    """Label array of the best ``top`` contiguous sites of about ``min_mu`` or more (0 = none).

    A component much larger than ``min_mu`` is carved down to the cells
    nearest its best cell, so each site is about the size asked for; the
    rest of the component stays available for the next sites. ``avoid``
    marks cells no site may take (existing industrial land).
    """
    config = config or AssessConfig()
    score = np.nan_to_num(s.score, nan=0.0)
    k = max(1, int(config.smoothing_px))
    smooth = ndimage.uniform_filter(score, size=k, mode="constant") if k > 1 else score
    usable = ~s.excluded if avoid is None else ~s.excluded & ~avoid
    min_cells = _min_cells(min_mu, s)
    taken = np.zeros(score.shape, dtype=bool)
    labels = np.zeros(score.shape, dtype=np.int32)
    found = 0
    top_score = float(smooth[usable].max()) if usable.any() else 0.0
    threshold = np.floor(top_score / step) * step
    while found < top and threshold >= config.site_min_score:
        comp, n = ndimage.label(usable & (smooth >= threshold) & ~taken)
        sizes = np.bincount(comp.ravel(), minlength=n + 1)
        big = np.flatnonzero(sizes >= min_cells)
        big = big[big > 0]
        if big.size == 0:
            threshold -= step
            continue
        sums = np.bincount(comp.ravel(), weights=score.ravel(), minlength=n + 1)
        lab = big[np.argmax(sums[big] / sizes[big])]
        sl = ndimage.find_objects((comp == lab).astype(np.int8))[0]
        cells = np.zeros(score.shape, dtype=bool)
        cells[sl] = _carve(comp[sl] == lab, smooth[sl], min_cells)
        found += 1
        labels[cells] = found
        grow = tuple(slice(max(a.start - 3, 0), a.stop + 3) for a in sl)
        taken[grow] |= ndimage.binary_dilation(cells[grow], iterations=2)
    return labels


def _polygons(labels: np.ndarray, transform: Affine) -> gpd.GeoSeries:
    n = int(labels.max())
    if n == 0:
        return gpd.GeoSeries([], crs=METRIC_CRS)
    shapes = features.shapes(labels, mask=labels > 0, transform=transform, connectivity=4)
    parts: dict[int, list] = {}
    for geom, value in shapes:
        parts.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    return gpd.GeoSeries([shapely.union_all(parts[i]) for i in range(1, n + 1)], crs=METRIC_CRS)


def find_sites(ctx: Context, dem: Dem, *, min_mu: float | None = None, top: int = 5,
               config: AssessConfig | None = None, surf: Surface | None = None,
               lang: str = i18n.DEFAULT_LANG) -> gpd.GeoDataFrame:
    """The best ``top`` contiguous sites of at least ``min_mu`` mu, as assessed polygons.

    Returns the result of :func:`geo.assess.assess` on the site polygons
    (``candidate_id`` ``S1``, ``S2``, … in the order found, ranked by score),
    plus ``surface_mean`` (the surface's mean score over the site's cells).
    Empty when no site qualifies.
    """
    config = config or AssessConfig()
    min_mu = config.site_min_mu if min_mu is None else min_mu
    surf = surf or surface(ctx, dem, config=config)
    avoid = _burn(ctx.parcels.geometry.values, surf.score.shape, surf.transform)
    labels = site_labels(surf, min_mu=min_mu, top=top, config=config, avoid=avoid)
    polys = _polygons(labels, surf.transform)
    if polys.empty:
        return gpd.GeoDataFrame({"candidate_id": [], "name": []}, geometry=[], crs="EPSG:4490")
    n = len(polys)
    means = ndimage.mean(np.nan_to_num(surf.score), labels, index=np.arange(1, n + 1))
    cands = gpd.GeoDataFrame({"candidate_id": [f"S{i + 1}" for i in range(n)],
                              "name": [i18n.t("assess.site_name", lang, n=i + 1) for i in range(n)]},
                             geometry=polys.values, crs=METRIC_CRS)
    result = assess(cands, ctx, dem, config=config)
    result["surface_mean"] = result["candidate_id"].map(
        dict(zip(cands["candidate_id"], means, strict=True)))
    result["county_percentile"] = result["score"].map(lambda v: county_percentile(surf, v))
    return result


def county_percentile(s: Surface, value: float) -> float:
    """Where ``value`` stands among the county's buildable cells: the percentage of them that
    score lower. Near roads and platforms many cells score in the 90s, so two sites of 96
    and 98 can be far apart in the county's order; this rank-based figure says how far."""
    cells = s.score[np.isfinite(s.score) & ~s.excluded]
    if cells.size == 0 or not np.isfinite(value):
        return float("nan")
    return float(100.0 * np.count_nonzero(cells < value) / cells.size)


def to_web(s: Surface, *, max_px: int = 1600) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The score (and exclusions as -1) reprojected to Web Mercator for a map overlay.

    Returns the array (``NaN`` = transparent, -1 = excluded) and its
    (south, west, north, east) bounds in degrees.
    """
    data = np.where(s.excluded & np.isfinite(s.score), -1.0, s.score).astype(np.float32)
    data[~np.isfinite(s.score)] = np.nan
    west, south, east, north = array_bounds(*data.shape, s.transform)
    dst_tr, width, height = warp.calculate_default_transform(
        METRIC_CRS, "EPSG:3857", data.shape[1], data.shape[0], west, south, east, north)
    scale = max(1.0, max(width, height) / max_px)
    width, height = int(width / scale), int(height / scale)
    dst_tr = dst_tr @ Affine.scale(scale)
    out = np.full((height, width), np.nan, dtype=np.float32)
    warp.reproject(data, out, src_transform=s.transform, src_crs=METRIC_CRS, dst_transform=dst_tr,
                   dst_crs="EPSG:3857", src_nodata=np.nan, dst_nodata=np.nan,
                   resampling=warp.Resampling.nearest)
    w, s_, e, n = array_bounds(height, width, dst_tr)
    lon, lat = warp.transform("EPSG:3857", WEB_CRS, [w, e], [s_, n])
    return out, (lat[0], lon[0], lat[1], lon[1])


def summary(result: pd.DataFrame) -> list[Mapping]:
    """Short lines for a list of found sites: id, area, buildable, score."""
    return [{"candidate_id": r.candidate_id, "area_mu": r.area_mu, "buildable_mu": r.buildable_mu,
             "score": r.score} for r in result.itertuples()]

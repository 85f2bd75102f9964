"""Assess candidate expansion sites: size, shape, terrain, constraints, access, buildable area, score.

One function, :func:`assess`, computes every figure for any number of
candidates at once; the page, the command line (``python -m geo assess``),
the county-wide search (:mod:`geo.suitability`) and the one-page report
(:func:`report`) all go through it.

Criteria of the suitability score (each a value in 0..1, weights editable):

``flat``
    Share of the site no steeper than the moderate threshold (15° by default).
``road``
    :math:`\\max(0, 1 - d_{road} / R_{road})`, nearest road of any class.
``industry``
    :math:`\\max(0, 1 - d_{ind} / R_{ind})`, nearest existing industrial land.
``platform``
    :math:`\\max(0, 1 - d_{plat} / R_{plat})`, 0 m when it touches a platform.
``constraints``
    :math:`1 - \\min(1, \\sum s_k)`, :math:`s_k` the share under each soft constraint.

.. math:: score = 100 \\cdot \\frac{\\sum_i w_i c_i}{\\sum_i w_i} \\cdot (1 - e)

where :math:`e` is the excluded share: under a hard constraint, outside the
county, or steeper than the buildable limit (25°), so ``score`` falls to 0 on a
site that cannot be built on at all. Each criterion's contribution
:math:`100\\,w_i c_i (1-e) / \\sum w` is reported, and the points lost to
exclusions, so the parts add up to the score.

Defaults live in :class:`AssessConfig`; the plan file's ``[assessment]`` table
overrides them (:func:`load_config`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import i18n, schema
from geo.errors import CRSError, PlanFileError, PlannerError
from geo.settings import METRIC_CRS, STORAGE_CRS, WEB_CRS
from geo.terrain import Dem, DemCoverageError, read_dem, slope_deg, zonal_stats
from geo.units import M2_PER_MU

logger = logging.getLogger(__name__)

CONSTRAINT_KEYS = ("eco_redline", "basic_farmland", "water_source", "flood_zone",
                   "outside_urban_boundary")
ROAD_CLASSES = schema.ENUMS["road_class"]
CRITERIA = ("flat", "road", "industry", "platform", "constraints")


class CandidateError(PlannerError):
    """A candidate site that cannot be assessed (zero area, outside the county, no CRS)."""


def _default_weights() -> dict[str, float]:
    return {"flat": 0.30, "road": 0.20, "industry": 0.20, "platform": 0.15, "constraints": 0.15}


@dataclass(frozen=True)
class AssessConfig:
    """Thresholds, weights and which constraints exclude. Units in the names.

    Attributes
    ----------
    slope_moderate_deg, slope_steep_deg
        The two slope shares reported (15° and 25°).
    buildable_max_slope_deg
        Steeper land is not buildable (excluded).
    hard_constraints
        Constraint keys (of :data:`CONSTRAINT_KEYS`) that exclude land; the
        others only lower the ``constraints`` criterion.
    weights
        Criterion -> weight (any positive scale; normalised by their sum).
    road_reach_m, industry_reach_m, platform_reach_m
        Distance at which the access criterion falls to 0.
    touch_tolerance_m
        A site within this distance of industrial land "touches" it (a road gap).
    inside_platform_share
        Share of the site that must lie in a platform to count as inside.
    site_min_mu, parcel_min_mu
        Default minimum size for "find sites": zone expansion / single parcel.
    site_min_score
        Lowest (smoothed) score a found site may stand on.
    smoothing_px
        Size of the moving-average window applied before thresholding.
    """

    slope_moderate_deg: float = 15.0
    slope_steep_deg: float = 25.0
    buildable_max_slope_deg: float = 25.0
    hard_constraints: tuple[str, ...] = ("eco_redline", "basic_farmland", "water_source")
    weights: Mapping[str, float] = field(default_factory=_default_weights)
    road_reach_m: float = 3000.0
    industry_reach_m: float = 3000.0
    platform_reach_m: float = 5000.0
    touch_tolerance_m: float = 10.0
    inside_platform_share: float = 0.95
    site_min_mu: float = 1000.0
    parcel_min_mu: float = 50.0
    site_min_score: float = 50.0
    smoothing_px: int = 3
    road_width_m: float = 12.0  # the land a road line stands for (not buildable), metres

    def __post_init__(self) -> None:
        bad = [k for k in self.hard_constraints if k not in CONSTRAINT_KEYS]
        if bad:
            raise PlanFileError(i18n.Message.of("err.assess.unknown_constraints", names=bad,
                                                known=list(CONSTRAINT_KEYS)))
        unknown = [k for k in self.weights if k not in CRITERIA]
        if unknown:
            raise PlanFileError(i18n.Message.of("err.assess.unknown_criteria", names=unknown,
                                                known=list(CRITERIA)))
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise PlanFileError(i18n.Message.of("err.assess.bad_weights",
                                                weights=[f"{k} = {v}" for k, v in self.weights.items()]))

    @property
    def soft_constraints(self) -> tuple[str, ...]:
        return tuple(k for k in CONSTRAINT_KEYS if k not in self.hard_constraints)

    def weight_shares(self) -> dict[str, float]:
        """Weights normalised to sum 1 (criteria without a weight get 0)."""
        total = sum(self.weights.values())
        return {c: self.weights.get(c, 0.0) / total for c in CRITERIA}

    def with_weights(self, weights: Mapping[str, float]) -> AssessConfig:
        return replace(self, weights=dict(weights))


def load_config(plan: Any = None) -> AssessConfig:
    """Defaults overridden by the plan file's ``[assessment]`` table (if any).

    ``plan`` is a :class:`geo.plan.Plan` or a plain dict of the table.
    """
    raw = plan if isinstance(plan, Mapping) else (getattr(plan, "raw", {}) or {}).get("assessment", {})
    known = set(AssessConfig.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanFileError(i18n.Message.of("err.assess.unknown_keys", keys=unknown, known=sorted(known)))
    kwargs = dict(raw)
    if "hard_constraints" in kwargs:
        kwargs["hard_constraints"] = tuple(kwargs["hard_constraints"])
    if "weights" in kwargs:
        kwargs["weights"] = {**_default_weights(), **kwargs["weights"]}
    return AssessConfig(**kwargs)


# --- context: the store's layers, prepared once in EPSG:4549 ---------------------------------------

@dataclass
class Context:
    """The layers an assessment needs, in EPSG:4549, with spatial indexes."""

    county: shapely.Geometry
    constraints: dict[str, shapely.Geometry]
    roads: dict[str, np.ndarray]
    platforms: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    parcels: gpd.GeoDataFrame
    _trees: dict[str, shapely.STRtree] = field(default_factory=dict, repr=False)

    def tree(self, name: str, geoms: np.ndarray) -> shapely.STRtree:
        if name not in self._trees:
            self._trees[name] = shapely.STRtree(geoms)
        return self._trees[name]

    def hard_union(self, config: AssessConfig) -> shapely.Geometry:
        parts = [self.constraints[k] for k in config.hard_constraints]
        return shapely.union_all(parts) if parts else shapely.Polygon()


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        gdf = gdf.set_crs(STORAGE_CRS)
    return gdf.to_crs(METRIC_CRS)


def build_context(layers: Mapping[str, pd.DataFrame]) -> Context:
    """Prepare the store's county, constraints, roads, platforms, parks and parcels."""
    county = shapely.union_all(_metric(layers["county"]).geometry.values)
    cons = _metric(layers["constraints"])
    unions = {k: shapely.union_all(cons.geometry[cons["kind"] == k].values)
              for k in ("eco_redline", "basic_farmland", "water_source", "flood_zone")}
    urban = cons.geometry[cons["kind"] == "urban_boundary"]
    unions["outside_urban_boundary"] = (shapely.difference(county, shapely.union_all(urban.values))
                                        if len(urban) else county)
    roads = _metric(layers["roads"])
    road_geoms = {c: roads.geometry[roads["road_class"] == c].values for c in ROAD_CLASSES}
    return Context(county=county, constraints=unions, roads=road_geoms,
                   platforms=_metric(layers["platforms"]).reset_index(drop=True),
                   parks=_metric(layers["parks"]).reset_index(drop=True),
                   parcels=_metric(layers["parcels"]).reset_index(drop=True))


# --- candidates in ---------------------------------------------------------------------------------

Note = i18n.Message  # a message about one candidate, put into a language where it is shown


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def prepare_candidates(candidates: gpd.GeoDataFrame, ctx: Context, *, on_error: str = "raise",
                       lang: str | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Check and repair candidates; return them in EPSG:4549 plus the problems of refused ones.

    Self-intersecting or otherwise invalid polygons are repaired with
    :func:`shapely.make_valid` (a note says so). A candidate of zero area or
    entirely outside the county is refused: with ``on_error="raise"`` a
    :class:`CandidateError` naming it, with ``"skip"`` it is left out and its
    message returned. Messages are in ``lang``, or in English and Chinese
    when ``lang`` is None.
    """
    if candidates.crs is None:
        raise CRSError(i18n.Message.of("err.assess.no_crs"))
    gdf = candidates.to_crs(METRIC_CRS).copy()
    if "candidate_id" not in gdf.columns:
        gdf["candidate_id"] = [f"C{i + 1}" for i in range(len(gdf))]
    gdf["candidate_id"] = gdf["candidate_id"].astype(str)
    if "name" not in gdf.columns:
        gdf["name"] = gdf["candidate_id"]
    gdf["name"] = gdf["name"].fillna(gdf["candidate_id"]).astype(str)
    geoms = gdf.geometry.values
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    was_repaired = gdf["repaired"].fillna(False).to_numpy(bool) if "repaired" in gdf.columns else False
    repaired = np.array([_polygonal(g) for g in shapely.make_valid(geoms)], dtype=object)
    fixed = np.where(invalid, repaired, geoms)
    fixed = np.array([g if g is None or g.geom_type in ("Polygon", "MultiPolygon") else _polygonal(g)
                      for g in fixed], dtype=object)
    gdf = gdf.set_geometry(gpd.GeoSeries(fixed, index=gdf.index, crs=METRIC_CRS))
    notes: list[list[Note]] = [[Note("assess.note.repaired")] if bad else []
                               for bad in invalid | was_repaired]
    area = shapely.area(fixed)
    inside = shapely.area(shapely.intersection(fixed, ctx.county))
    problems, keep = [], []
    labels = [cid if cid == name else f"{cid} ({name})"
              for cid, name in zip(gdf["candidate_id"], gdf["name"], strict=True)]
    for i, (cid, a, a_in) in enumerate(zip(labels, area, inside, strict=True)):
        if not a > 0:
            problems.append(("assess.error.zero_area", cid))
        elif not a_in > 0:
            problems.append(("assess.error.outside_county", cid))
        else:
            keep.append(i)
            if a_in < a * (1 - 1e-9):
                notes[i].append(Note("assess.note.partly_outside",
                                     (("share", f"{1 - a_in / a:.0%}"),)))
    messages = [i18n.t(key, lang, id=cid) if lang else i18n.t(key, "en", id=cid) + " / " + i18n.t(key, "zh", id=cid)
                for key, cid in problems]
    if problems and on_error == "raise":
        raise CandidateError(i18n.Joined(tuple(i18n.Message.of(key, id=cid) for key, cid in problems)))
    gdf["notes"] = notes
    out = gdf.iloc[keep].reset_index(drop=True)
    out.attrs["assess_prepared"] = True
    return out, messages


# --- figures ---------------------------------------------------------------------------------------

def _nearest(geoms: np.ndarray, targets: np.ndarray, tree: shapely.STRtree) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) to the nearest target and that target's index (-1 when there are none)."""
    dist = np.full(len(geoms), np.nan)
    idx = np.full(len(geoms), -1)
    if len(targets) == 0 or len(geoms) == 0:
        return dist, idx
    (src, tgt), d = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    dist[src], idx[src] = d, tgt
    return dist, idx


def _in_use(geoms: np.ndarray, ctx: Context, config: AssessConfig,
            own: Sequence[str | None]) -> np.ndarray:
    """The part of each candidate already taken: existing parcels, parks and roads (each road
    line as a strip ``road_width_m`` wide). That land is not buildable for a new site; a
    parcel picked as the candidate itself (``own``: its parcel id) does not count."""
    roads = np.concatenate([g for g in ctx.roads.values() if len(g)] or [np.array([], dtype=object)])
    taken = np.concatenate([ctx.parcels.geometry.values, ctx.parks.geometry.values,
                            shapely.buffer(roads, config.road_width_m / 2) if len(roads)
                            else np.array([], dtype=object)])
    labels = np.concatenate([ctx.parcels["parcel_id"].astype(str).to_numpy(),
                             np.full(len(taken) - len(ctx.parcels), None, dtype=object)])
    out = np.array([shapely.Polygon()] * len(geoms), dtype=object)
    if not len(taken):
        return out
    tree = shapely.STRtree(taken)
    src, tgt = tree.query(geoms, predicate="intersects")
    for i in np.unique(src):
        hits = tgt[src == i]
        hits = hits[labels[hits] != own[i]] if own[i] is not None else hits
        if len(hits):
            out[i] = _polygonal(shapely.intersection(geoms[i], shapely.union_all(taken[hits])))
    return out


def _industrial_distance(geoms: np.ndarray, ctx: Context, reach_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Distance to existing parcels, not counting parcels the candidate itself mostly covers.

    Also returns the area (m2) of existing parcels inside each candidate.
    """
    parcels = ctx.parcels.geometry.values
    tree = ctx.tree("parcels", parcels)
    dist = np.full(len(geoms), np.inf)
    overlap = np.zeros(len(geoms))
    if len(parcels) == 0:
        return np.full(len(geoms), np.nan), overlap
    todo = np.arange(len(geoms))
    for radius in (reach_m, 10 * reach_m, 100 * reach_m):
        src, tgt = tree.query(shapely.buffer(geoms[todo], radius), predicate="intersects")
        src = todo[src]
        if src.size:
            inter = shapely.area(shapely.intersection(geoms[src], parcels[tgt]))
            is_self = inter >= 0.5 * shapely.area(parcels[tgt])
            if radius == reach_m:
                np.add.at(overlap, src, inter)
            d = shapely.distance(geoms[src], parcels[tgt])
            d[is_self] = np.inf
            np.minimum.at(dist, src, d)
        todo = todo[~np.isfinite(dist[todo])]
        if todo.size == 0:
            break
    return dist, overlap


def _names(gdf: gpd.GeoDataFrame, idx: np.ndarray) -> list[str | None]:
    names = gdf["name_zh"].to_numpy()
    return [names[i] if i >= 0 else None for i in idx]


def _terrain(geoms: np.ndarray, buildable_geoms: np.ndarray, dem: Dem | None,
             config: AssessConfig) -> pd.DataFrame:
    n = len(geoms)
    cols = ["elev_min", "elev_mean", "elev_max", "slope_mean", "slope_share_moderate",
            "slope_share_steep", "dem_pixels", "dem_valid", "steep_share_buildable", "dem_missing_share", "dem_coarse"]
    if dem is None or n == 0:
        return pd.DataFrame(np.nan, index=range(n), columns=cols)
    slope = slope_deg(dem)
    thr = tuple(sorted({config.slope_moderate_deg, config.slope_steep_deg,
                        config.buildable_max_slope_deg}))
    both = np.concatenate([geoms, buildable_geoms])
    rasters = {"elev": dem.values, "slope": slope}
    st = zonal_stats(both, rasters, dem.transform, thresholds={"slope": thr}, overlapping=True)
    # a site smaller than a DEM cell may hold no cell centre: use the cells it touches
    small = np.flatnonzero((st["pixels"].to_numpy() == 0) & ~shapely.is_empty(both))
    if small.size:
        touched = zonal_stats(both[small], rasters, dem.transform, thresholds={"slope": thr},
                              overlapping=True, all_touched=True)
        touched.index = small
        st.loc[small, touched.columns] = touched
    st["coarse"] = False
    st.loc[small, "coarse"] = st.loc[small, "pixels"] > 0
    a, b = st.iloc[:n].reset_index(drop=True), st.iloc[n:].reset_index(drop=True)
    key = f"slope_share_gt_{config.buildable_max_slope_deg:g}"
    beyond = 1 - shapely.area(shapely.intersection(geoms, shapely.box(*dem.bounds))) / shapely.area(geoms)
    with np.errstate(invalid="ignore", divide="ignore"):
        nodata = np.where(a["pixels"] > 0, 1 - a["elev_count"] / np.maximum(a["pixels"], 1), 1.0)
    steep_b = b[key].where(b["slope_count"] > 0, a[key])
    return pd.DataFrame({
        "elev_min": a["elev_min"], "elev_mean": a["elev_mean"], "elev_max": a["elev_max"],
        "slope_mean": a["slope_mean"],
        "slope_share_moderate": a[f"slope_share_gt_{config.slope_moderate_deg:g}"],
        "slope_share_steep": a[f"slope_share_gt_{config.slope_steep_deg:g}"],
        "dem_pixels": a["pixels"], "dem_valid": a["elev_count"], "steep_share_buildable": steep_b,
        "dem_missing_share": beyond + (1 - beyond) * nodata,
        "dem_coarse": a["coarse"].to_numpy(bool),
    })


def _dem_for(geoms: np.ndarray, dem: Dem | str | None) -> Dem | None:
    if dem is None:
        return None
    bounds = tuple(shapely.total_bounds(geoms))
    try:
        if isinstance(dem, Dem):
            return dem.crop(bounds)
        return read_dem(dem, bounds=bounds)
    except DemCoverageError:
        return None  # each candidate then gets the "outside the DEM" note, not zeros


def assess(candidates: gpd.GeoDataFrame, ctx: Context, dem: Dem | str | None, *,
           config: AssessConfig | None = None) -> gpd.GeoDataFrame:
    """Every figure of every candidate, one row each, ranked by score.

    Parameters
    ----------
    candidates
        Polygons in any CRS; optional ``candidate_id`` and ``name`` columns.
        Run through :func:`prepare_candidates` (refused ones raise).
    ctx
        :func:`build_context` of the store.
    dem
        A :class:`~geo.terrain.Dem`, a path to a GeoTIFF (only the window
        around the candidates is read; another CRS is reprojected), or ``None``.
    config
        :class:`AssessConfig` (default: :func:`load_config` defaults).

    Returns
    -------
    result
        GeoDataFrame in EPSG:4490, columns listed in :data:`FIGURES` plus
        ``c_<criterion>`` (0..1), ``points_<criterion>``, ``points_excluded``,
        ``score``, ``rank`` and ``notes`` (a list of :class:`Note`).
    """
    config = config or AssessConfig()
    if candidates.attrs.get("assess_prepared"):
        gdf = candidates.copy()
    else:
        gdf, _ = prepare_candidates(candidates, ctx)
    geoms = gdf.geometry.values
    out = pd.DataFrame({"candidate_id": gdf["candidate_id"].to_numpy(),
                        "name": gdf["name"].to_numpy()})
    area_m2 = shapely.area(geoms)
    out["area_mu"] = area_m2 / M2_PER_MU
    perim = shapely.length(geoms)
    out["compactness"] = np.where(perim > 0, 4 * math.pi * area_m2 / np.maximum(perim, 1e-9) ** 2, np.nan)
    in_county = shapely.area(shapely.intersection(geoms, ctx.county))
    out["outside_county_share"] = 1 - in_county / area_m2

    for k in CONSTRAINT_KEYS:
        hit = shapely.area(shapely.intersection(geoms, ctx.constraints[k]))
        out[f"{k}_mu"] = hit / M2_PER_MU
        out[f"{k}_share"] = hit / area_m2

    for c in ROAD_CLASSES:
        out[f"dist_road_{c}_m"] = _nearest(geoms, ctx.roads[c], ctx.tree(f"road_{c}", ctx.roads[c]))[0]
    out["dist_road_m"] = out[[f"dist_road_{c}_m" for c in ROAD_CLASSES]].min(axis=1)
    plat = ctx.platforms.geometry.values
    out["dist_platform_m"], pidx = _nearest(geoms, plat, ctx.tree("platforms", plat))
    out["nearest_platform"] = _names(ctx.platforms, pidx)
    park = ctx.parks.geometry.values
    out["dist_park_m"], kidx = _nearest(geoms, park, ctx.tree("parks", park))
    out["nearest_park"] = _names(ctx.parks, kidx)
    out["dist_industrial_m"], overlap_m2 = _industrial_distance(geoms, ctx, config.industry_reach_m)
    out["existing_industrial_mu"] = overlap_m2 / M2_PER_MU
    out["touches_industrial"] = out["dist_industrial_m"] <= config.touch_tolerance_m
    plat_share = shapely.area(shapely.intersection(geoms, shapely.union_all(plat))) / area_m2
    out["platform_share"] = plat_share
    out["inside_platform"] = plat_share >= config.inside_platform_share

    # buildable: inside the county, outside hard constraints, not already taken by parcels,
    # parks or roads, not too steep
    own = (gdf["parcel_id"].where(gdf["parcel_id"].notna(), None).tolist()
           if "parcel_id" in gdf.columns else [None] * len(gdf))
    in_use = _in_use(geoms, ctx, config, own)
    out["in_use_mu"] = shapely.area(in_use) / M2_PER_MU
    buildable_geoms = shapely.difference(shapely.intersection(geoms, ctx.county), ctx.hard_union(config))
    buildable_geoms = shapely.difference(buildable_geoms, in_use)
    buildable_geoms = np.array([_polygonal(g) for g in buildable_geoms], dtype=object)
    out["unexcluded_mu"] = shapely.area(buildable_geoms) / M2_PER_MU
    dem_obj = _dem_for(geoms, dem)
    terr = _terrain(geoms, buildable_geoms, dem_obj, config)
    for col in terr.columns:
        out[col] = terr[col].to_numpy()
    out["buildable_mu"] = out["unexcluded_mu"] * (1 - out["steep_share_buildable"])
    out = _score(out, config)

    notes = [list(n) for n in gdf["notes"]]
    for i, row in out.iterrows():
        if dem_obj is None or row["dem_pixels"] == 0:
            notes[i].append(Note("assess.note.outside_dem"))
        elif row["dem_valid"] == 0:
            notes[i].append(Note("assess.note.dem_nodata"))
        elif row["dem_coarse"]:
            notes[i].append(Note("assess.note.dem_coarse"))
        elif row["dem_missing_share"] > 0.005:
            notes[i].append(Note("assess.note.dem_partial",
                                 (("share", f"{row['dem_missing_share']:.0%}"),)))
    if dem_obj is not None and dem_obj.reprojected_from:
        for n in notes:
            n.append(Note("assess.note.dem_reprojected", (("crs", dem_obj.reprojected_from),)))
    out["notes"] = notes
    result = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, crs=METRIC_CRS).to_crs(STORAGE_CRS).values,
                              crs=STORAGE_CRS)
    return result.sort_values(["rank", "candidate_id"]).reset_index(drop=True)


def _score(out: pd.DataFrame, config: AssessConfig) -> pd.DataFrame:
    soft = sum((out[f"{k}_share"] for k in config.soft_constraints), pd.Series(0.0, index=out.index))
    crit = {
        "flat": 1 - out["slope_share_moderate"],
        "road": (1 - out["dist_road_m"] / config.road_reach_m).clip(0, 1),
        "industry": (1 - out["dist_industrial_m"] / config.industry_reach_m).clip(0, 1),
        "platform": (1 - out["dist_platform_m"] / config.platform_reach_m).clip(0, 1),
        "constraints": 1 - soft.clip(0, 1),
    }
    shares = config.weight_shares()
    excluded = (1 - out["buildable_mu"] / out["area_mu"]).clip(0, 1)
    out["excluded_share"] = excluded
    # each criterion reads rate x weight = points; their sum is how suitable the buildable
    # land is; the score is that times the share of the site that can be built on
    for c in CRITERIA:
        out[f"c_{c}"] = crit[c]
        out[f"points_{c}"] = 100 * shares[c] * crit[c]
    out["suitability"] = sum(out[f"points_{c}"] for c in CRITERIA)
    out["buildable_share"] = 1 - excluded
    out["points_excluded"] = out["suitability"] * excluded  # lost to exclusions (for the record)
    out["excluded"] = out["buildable_share"] <= 0
    out["score"] = out["suitability"] * out["buildable_share"]
    out["rank"] = rank_candidates(out)
    return out


def rank_candidates(df: pd.DataFrame) -> pd.Series:
    """1 = best, every candidate its own rank: by score (to 0.1, as shown), a tie going to the
    larger buildable area, then to the smaller mean slope; candidates with no score last."""
    key = pd.DataFrame({"score": -df["score"].round(1).fillna(-np.inf),
                        "buildable": -df["buildable_mu"].fillna(0.0),
                        "slope": df["slope_mean"].fillna(np.inf) if "slope_mean" in df
                        else pd.Series(0.0, index=df.index)}, index=df.index)
    order = key.sort_values(["score", "buildable", "slope"], kind="stable").index
    return pd.Series(np.arange(1, len(df) + 1), index=order).reindex(df.index).astype(int)


def assess_store(candidates: gpd.GeoDataFrame, layers: Mapping[str, pd.DataFrame],
                 dem: Dem | str | None, *, config: AssessConfig | None = None) -> gpd.GeoDataFrame:
    """:func:`assess` with the context built from ``layers`` (convenience for one-off calls)."""
    return assess(candidates, build_context(layers), dem, config=config)


_ID_COLUMNS = ("candidate_id", "id", "ID", "编号", "地块编号", "parcel_id", "宗地编号")
_NAME_COLUMNS = ("name", "Name", "NAME", "名称", "地块名称", "name_zh")


def _column_or_numbered(gdf: pd.DataFrame, columns: Sequence[str], pattern: str, *,
                        unique: bool = False) -> np.ndarray:
    """The first of ``columns`` in ``gdf`` as text, a blank (or, with ``unique``, a repeated)
    value replaced by ``pattern`` numbered by the row ("候选 3": a placemark with no name)."""
    col = next((c for c in columns if c in gdf.columns), None)
    numbered = [pattern.format(n=i + 1) for i in range(len(gdf))]
    if col is None:
        return np.array(numbered, dtype=object)
    text = [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in gdf[col]]
    if unique:
        counts = pd.Series([t for t in text if t is not None]).value_counts()
        text = [t if t is not None and counts[t] == 1 else None for t in text]
    return np.array([t if t is not None else numbered[i] for i, t in enumerate(text)], dtype=object)


def read_candidates(path, *, layer: str | None = None, crs=None,
                    gcj02: bool = False) -> gpd.GeoDataFrame:
    """Candidates from a file, read by the import code (:func:`geo.importer.read_features`).

    ``candidate_id`` and ``name`` come from the first id/name-like column
    (``id``, ``编号``, ``name``, ``名称`` …) or the row number; rows the
    importer repaired carry ``repaired = True`` (a note says so).
    """
    from geo import importer  # the import code is the one file reader of the tool

    gdf, rep = importer.read_features(path, layer=layer, crs=crs, gcj02=gcj02)
    ids = _column_or_numbered(gdf, _ID_COLUMNS, "C{n}", unique=True)
    names = _column_or_numbered(gdf, _NAME_COLUMNS, "候选 {n}")
    repaired_rows = {p.row for p in rep.repaired}
    return gpd.GeoDataFrame({"candidate_id": ids, "name": names,
                             "repaired": [r in repaired_rows for r in gdf.index]},
                            geometry=gdf.geometry.values, crs=gdf.crs)


def parcels_as_candidates(parcels: gpd.GeoDataFrame, ids: Sequence[str]) -> gpd.GeoDataFrame:
    """Existing parcels picked by ``parcel_id`` as candidates (id and name = parcel id)."""
    picked = parcels[parcels["parcel_id"].isin(list(ids))]
    missing = sorted(set(ids) - set(picked["parcel_id"]))
    if missing:
        raise CandidateError(i18n.Message.of("err.assess.parcels_missing", ids=missing))
    return gpd.GeoDataFrame({"candidate_id": picked["parcel_id"].to_numpy(),
                             "name": picked["parcel_id"].to_numpy(),
                             "parcel_id": picked["parcel_id"].to_numpy()},
                            geometry=picked.geometry.values, crs=picked.crs)


# --- presentation: one table for the page, the CLI and the report ----------------------------------

# (column, i18n label key, unit key or None, format)
FIGURES: tuple[tuple[str, str, str | None, str], ...] = (
    ("score", "assess.fig.score", None, "{:.1f}"),
    ("county_percentile", "assess.fig.county_percentile", None, "{:.1f}"),
    ("rank", "assess.fig.rank", None, "{:d}"),
    ("area_mu", "assess.fig.area_mu", "unit.mu", "{:,.1f}"),
    ("in_use_mu", "assess.fig.in_use_mu", "unit.mu", "{:,.1f}"),
    ("buildable_mu", "assess.fig.buildable_mu", "unit.mu", "{:,.1f}"),
    ("compactness", "assess.fig.compactness", None, "{:.2f}"),
    ("elev_min", "assess.fig.elev_min", "assess.unit.m", "{:,.0f}"),
    ("elev_mean", "assess.fig.elev_mean", "assess.unit.m", "{:,.0f}"),
    ("elev_max", "assess.fig.elev_max", "assess.unit.m", "{:,.0f}"),
    ("slope_mean", "assess.fig.slope_mean", "assess.unit.deg", "{:.1f}"),
    ("slope_share_moderate", "assess.fig.slope_share_moderate", None, "{:.0%}"),
    ("slope_share_steep", "assess.fig.slope_share_steep", None, "{:.0%}"),
    *((f"{k}_mu", f"assess.fig.{k}_mu", "unit.mu", "{:,.1f}") for k in CONSTRAINT_KEYS),
    *((f"{k}_share", f"assess.fig.{k}_share", None, "{:.0%}") for k in CONSTRAINT_KEYS),
    *((f"dist_road_{c}_m", f"assess.fig.dist_road_{c}_m", "assess.unit.m", "{:,.0f}") for c in ROAD_CLASSES),
    ("dist_platform_m", "assess.fig.dist_platform_m", "assess.unit.m", "{:,.0f}"),
    ("nearest_platform", "assess.fig.nearest_platform", None, "{}"),
    ("dist_park_m", "assess.fig.dist_park_m", "assess.unit.m", "{:,.0f}"),
    ("nearest_park", "assess.fig.nearest_park", None, "{}"),
    ("dist_industrial_m", "assess.fig.dist_industrial_m", "assess.unit.m", "{:,.0f}"),
    ("touches_industrial", "assess.fig.touches_industrial", None, "bool"),
    ("existing_industrial_mu", "assess.fig.existing_industrial_mu", "unit.mu", "{:,.1f}"),
    ("inside_platform", "assess.fig.inside_platform", None, "bool"),
    ("outside_county_share", "assess.fig.outside_county_share", None, "{:.0%}"),
)


def _fmt(value: Any, fmt: str, lang: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if fmt == "bool":
        return i18n.bool_label(bool(value), lang)
    if fmt == "{:d}":
        return str(int(value))
    if isinstance(value, np.generic):
        value = value.item()
    return fmt.format(value)


def figure_label(key: str, unit: str | None, lang: str, config: AssessConfig | None = None) -> str:
    """Label of a figure with its unit, e.g. "面积（亩）" / "Area (mu)"."""
    config = config or AssessConfig()
    deg = {"assess.fig.slope_share_moderate": config.slope_moderate_deg,
           "assess.fig.slope_share_steep": config.slope_steep_deg}.get(key)
    label = i18n.t(key, lang, deg=f"{deg:g}") if deg is not None else i18n.t(key, lang)
    if not unit:
        return label
    return f"{label}（{i18n.t(unit, lang)}）" if lang == "zh" else f"{label} ({i18n.t(unit, lang)})"


# which way a figure is better, for marking the best candidate in each row (others: neutral)
BETTER_HIGH = {"score", "county_percentile", "buildable_mu", "compactness", "touches_industrial", "inside_platform"}
BETTER_LOW = {"rank", "in_use_mu", "slope_mean", "slope_share_moderate", "slope_share_steep",
              "dist_platform_m", "dist_park_m", "dist_industrial_m", "outside_county_share",
              *(f"{k}_mu" for k in CONSTRAINT_KEYS), *(f"{k}_share" for k in CONSTRAINT_KEYS),
              *(f"dist_road_{c}_m" for c in ROAD_CLASSES)}
BEST_MARK = " ★"


def best_of(values: pd.Series, column: str) -> pd.Series:
    """True for the candidates with the best value of ``column`` (every one of them on a tie;
    none when all are equal or the figure has no better direction)."""
    none = pd.Series(False, index=values.index)
    if column not in BETTER_HIGH | BETTER_LOW:
        return none
    numbers = pd.to_numeric(values.map(lambda v: float(v) if isinstance(v, bool | np.bool_)
                                       else v), errors="coerce")
    if numbers.notna().sum() < 2 or numbers.nunique() < 2:
        return none
    best = numbers.max() if column in BETTER_HIGH else numbers.min()
    return (numbers - best).abs() < 1e-9


def comparison_table(result: pd.DataFrame, lang: str = i18n.DEFAULT_LANG,
                     config: AssessConfig | None = None, *, mark_best: bool = True) -> pd.DataFrame:
    """Figures as rows, candidates as columns (side by side), values formatted as text, the best
    value of each row marked ★ (:data:`BETTER_HIGH`, :data:`BETTER_LOW`); a constraint none of
    the candidates touches is left out (no "洪涝风险区 0.0亩")."""
    touched = {k for k in CONSTRAINT_KEYS if (result[f"{k}_mu"] > 1e-6).any()}
    rows = [f for f in FIGURES if f[0] in result.columns
            and not any(f[0] in (f"{k}_mu", f"{k}_share") for k in set(CONSTRAINT_KEYS) - touched)]
    best = {col: best_of(result[col], col) if mark_best and len(result) > 1
            else pd.Series(False, index=result.index) for col, _, _, _ in rows}
    data = {}
    for i, row in result.iterrows():
        data[str(row["name"])] = [_fmt(row[col], fmt, lang) + (BEST_MARK if best[col][i] else "")
                                  for col, _, _, fmt in rows]
    index = [figure_label(key, unit, lang, config) for _, key, unit, _ in rows]
    return pd.DataFrame(data, index=index)


def sensitivity(result: pd.DataFrame, config: AssessConfig, *, step: float = 10.0) -> pd.DataFrame:
    """How each candidate's rank moves when one criterion's weight moves by ±``step`` points
    (of 100; the other weights keep their proportions so that the total stays 100).

    Returns one row per candidate: ``name``, ``rank`` (as assessed) and, per criterion
    and direction, the rank then (``<criterion>+`` / ``<criterion>-``); the scores are
    recomputed from the assessed rates, so no raster is read again.
    """
    shares = config.weight_shares()
    out = pd.DataFrame({"name": result["name"].astype(str), "rank": result["rank"]},
                       index=result.index)
    for c in CRITERIA:
        for sign, label in ((1, "+"), (-1, "-")):
            new = {k: v * 100 for k, v in shares.items()}
            moved = min(max(new[c] + sign * step, 0.0), 100.0)
            rest = sum(v for k, v in new.items() if k != c)
            scale = (100 - moved) / rest if rest > 0 else 0.0
            new = {k: (moved if k == c else v * scale) for k, v in new.items()}
            suit = sum(result[f"c_{k}"] * new[k] for k in CRITERIA)
            trial = result.assign(score=suit * result["buildable_share"])
            out[f"{c}{label}"] = rank_candidates(trial)
    return out


def breakdown(row: Mapping[str, Any], config: AssessConfig, lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """Score breakdown of one candidate, which a reader can add up: each criterion's rate,
    weight and points (rate x weight x 100), their sum (the suitability of the buildable
    land), the share of the site that can be built on, and the score (sum x share)."""
    shares = config.weight_shares()
    rows = [{"criterion": i18n.t(f"assess.crit.{c}", lang), "value": row[f"c_{c}"],
             "weight": shares[c], "points": row[f"points_{c}"]} for c in CRITERIA]
    rows.append({"criterion": i18n.t("assess.crit.suitability", lang), "value": np.nan,
                 "weight": np.nan, "points": row["suitability"]})
    rows.append({"criterion": i18n.t("assess.crit.buildable_share", lang),
                 "value": row["buildable_share"], "weight": np.nan, "points": np.nan})
    rows.append({"criterion": i18n.t("assess.fig.score", lang), "value": np.nan, "weight": np.nan,
                 "points": row["score"]})
    return pd.DataFrame(rows)


def breakdown_table(row: Mapping[str, Any], config: AssessConfig,
                    lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """:func:`breakdown` as text with translated headers, for the page and the CLI."""
    table = breakdown(row, config, lang)

    def fmt(value, pattern):
        return "" if pd.isna(value) else pattern.format(abs(value) if round(value, 2) == 0 else value)

    n = len(CRITERIA)
    values = [fmt(v, "{:.2f}") for v in table["value"][:n]] + [
        "", fmt(table["value"].iloc[n + 1], "{:.0%}"), ""]
    points = [fmt(v, "{:.1f}") for v in table["points"]]
    if row["excluded"]:
        points[-1] = i18n.t("assess.excluded_score", lang)
    else:
        points[-1] = (f"{fmt(row['suitability'], '{:.1f}')} × {row['buildable_share']:.0%} = "
                      f"{fmt(row['score'], '{:.1f}')}")
    return pd.DataFrame({
        i18n.t("assess.col.criterion", lang): table["criterion"],
        i18n.t("assess.col.value", lang): values,
        i18n.t("assess.col.weight", lang): [fmt(v, "{:.0%}") for v in table["weight"]],
        i18n.t("assess.col.points", lang): points,
    })


def constraints_hit(row: Mapping[str, Any], config: AssessConfig,
                    lang: str = i18n.DEFAULT_LANG) -> list[dict[str, Any]]:
    """Constraints the candidate overlaps: label, mu, share, and whether it is a hard exclusion."""
    out = []
    for k in CONSTRAINT_KEYS:
        if row[f"{k}_mu"] > 1e-6:
            out.append({"key": k, "label": i18n.t(f"assess.cons.{k}", lang), "mu": float(row[f"{k}_mu"]),
                        "share": float(row[f"{k}_share"]), "hard": k in config.hard_constraints})
    return out


def notes_text(row: Mapping[str, Any], lang: str = i18n.DEFAULT_LANG) -> list[str]:
    return [n.text(lang) for n in row["notes"]]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_records(result: gpd.GeoDataFrame, config: AssessConfig,
               lang: str = i18n.DEFAULT_LANG) -> list[dict[str, Any]]:
    """JSON-ready records: every figure, the breakdown, constraints hit, notes, WGS84 geometry."""
    records = []
    web = result.to_crs(WEB_CRS)
    for (_, row), geom in zip(result.iterrows(), web.geometry, strict=True):
        rec = {col: _plain(row[col]) for col, *_ in FIGURES if col in row.index}
        rec.update({"candidate_id": row["candidate_id"], "name": row["name"],
                    "excluded_share": _plain(row["excluded_share"]),
                    "criteria": {c: {"value": _plain(row[f"c_{c}"]), "weight": config.weight_shares()[c],
                                     "points": _plain(row[f"points_{c}"])} for c in CRITERIA},
                    "points_excluded": _plain(row["points_excluded"]),
                    "constraints_hit": constraints_hit(row, config, lang),
                    "notes": notes_text(row, lang),
                    "geometry": shapely.geometry.mapping(geom)})
        records.append(rec)
    return records


def report(result: gpd.GeoDataFrame, candidate_id: str, config: AssessConfig,
           lang: str = i18n.DEFAULT_LANG) -> dict[str, Any]:
    """Everything a one-page assessment report needs for one candidate.

    Returns
    -------
    report
        A dict with

        ``title``
            e.g. "候选地块评估：C1".
        ``candidate_id``, ``name``, ``score`` (0-100), ``rank`` (1 = best),
        ``of`` (number of candidates ranked)
        ``figures``
            list of ``(label, value_text)`` in display order (same as the page).
        ``breakdown``
            list of dicts ``criterion``, ``value`` (0..1), ``weight`` (share),
            ``points``; the last two rows are the points lost to exclusions
            and the total score.
        ``constraints_hit``
            list of dicts ``key``, ``label``, ``mu``, ``share``, ``hard``.
        ``notes``
            messages about the candidate (repaired, partly outside, no DEM data).
        ``geometry``
            the shapely geometry in EPSG:4490; ``geometry_metric`` in EPSG:4549;
            ``bounds_wgs84`` (minx, miny, maxx, maxy) for fitting a map.
        ``config``
            the thresholds, weights and hard constraints used.
    """
    match = result[result["candidate_id"] == candidate_id]
    if match.empty:
        raise CandidateError(i18n.Message.of("err.assess.no_candidate", id=candidate_id,
                                             ids=list(result["candidate_id"])))
    row = match.iloc[0]
    geom = match.geometry.iloc[0]
    table = comparison_table(match, lang, config)
    return {
        "title": i18n.t("assess.report_title", lang, name=row["name"]),
        "candidate_id": row["candidate_id"], "name": row["name"],
        "score": _plain(row["score"]), "rank": int(row["rank"]), "of": len(result),
        "figures": list(zip(table.index, table.iloc[:, 0], strict=True)),
        "breakdown": [{k: _plain(v) for k, v in r.items()}
                      for r in breakdown(row, config, lang).to_dict("records")],
        "constraints_hit": constraints_hit(row, config, lang),
        "notes": notes_text(row, lang),
        "geometry": geom,
        "geometry_metric": match.to_crs(METRIC_CRS).geometry.iloc[0],
        "bounds_wgs84": tuple(match.to_crs(WEB_CRS).total_bounds),
        "config": asdict(config),
    }


# ------------------------------------------------------------------------ saved candidate sets

def saved_sets(layers: Mapping[str, pd.DataFrame]) -> list[str]:
    """Names of the candidate sets saved in the store, newest first."""
    sets = layers["candidate_sets"]
    if sets.empty:
        return []
    order = sets.groupby("set_name")["saved_at"].max().sort_values(ascending=False)
    return order.index.tolist()


def load_set(layers: Mapping[str, pd.DataFrame], name: str) -> tuple[gpd.GeoDataFrame, dict, tuple]:
    """A saved set: its candidates (EPSG:4490), the weights and hard constraints it was
    assessed with."""
    import json

    rows = layers["candidate_sets"]
    rows = rows[rows["set_name"] == name]
    if rows.empty:
        raise PlannerError(i18n.Message.of("assess.set_unknown", name=name))
    first = rows.iloc[0]
    hard = tuple(h for h in str(first["hard_constraints"] or "").split(",") if h)
    candidates = gpd.GeoDataFrame(rows[["candidate_id", "name"]].reset_index(drop=True),
                                  geometry=rows.geometry.reset_index(drop=True), crs=rows.crs)
    return candidates, json.loads(first["weights"]), hard


def save_set(store_value, name: str, candidates: gpd.GeoDataFrame, config: AssessConfig, *,
             user) -> None:
    """Save ``candidates`` with ``config``'s weights under ``name`` in the store (a set of that
    name is replaced), with history rows, by ``user`` (an editor: checked in
    :func:`geo.accounts.authorise`)."""
    import datetime as dt
    import json

    from geo import accounts

    name = str(name).strip()
    if not name:
        raise PlannerError(i18n.Message.of("assess.set_no_name"))
    who = accounts.authorise(store_value, user, "edit").name
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = gpd.GeoDataFrame({
        "set_name": name, "candidate_id": candidates["candidate_id"].astype(str).to_numpy(),
        "name": candidates["name"].astype(str).to_numpy(),
        "weights": json.dumps(config.weight_shares(), sort_keys=True),
        "hard_constraints": ",".join(config.hard_constraints) or None,
        "saved_by": who, "saved_at": at}, geometry=candidates.geometry.to_crs("EPSG:4490")
        .to_numpy(), crs="EPSG:4490")
    old = store_value["candidate_sets"]
    kept = old[old["set_name"] != name]
    replaced = len(old) - len(kept)
    merged = pd.concat([kept, new], ignore_index=True) if len(kept) else new
    audit = store_value["audit"]
    start = int(pd.to_numeric(audit["audit_id"]).max()) + 1 if len(audit) else 1
    rows = pd.DataFrame([{"audit_id": start, "at": at, "user": who, "layer": "candidate_sets",
                          "feature_id": name, "field": "*", "old_value":
                          f"{replaced} candidates" if replaced else None,
                          "new_value": f"{len(new)} candidates", "effective": at[:10],
                          "batch": None}])
    store_value.replace_layers({"candidate_sets": gpd.GeoDataFrame(merged, geometry="geometry",
                                                                   crs="EPSG:4490"),
                                "audit": pd.concat([audit, rows], ignore_index=True)
                                if len(audit) else rows})

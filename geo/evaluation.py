"""Per-mu evaluation (亩均论英雄): indicators, weighted score, A/B/C/D classes.

Formula (Huangyan District 计算说明, 2022 data; DOMAIN.md §1): each indicator
divided by a benchmark, times its weight, summed.

.. math:: S = \\sum_k w_k \\, \\frac{x_k}{b_k}

Indicators (per enterprise and year; land from ``enterprises.land_area_mu``):

==========================  ===============================  ==========
``tax_per_mu``              tax / land (万元/亩)                weight 30
``value_added_per_mu``      value added / land (万元/亩)         20
``value_added_per_tce``     value added / energy (万元/tce)      20
``emission``                no data: average item score          10
``labour_productivity``     value added / employees (万元/人)    10
``rnd_share``               R&D / revenue                       10
==========================  ===============================  ==========

``energy_per_10k`` (tce per 万元 of value added, the plan's 0.57 admission
limit) is the inverse of ``value_added_per_tce`` and is reported beside it.

We hold no emissions data. Huangyan gives a firm without emission data the
average score for that item; with the default mean benchmark the average item
score is exactly its weight, so every enterprise gets ``weights.emission``
(10) for it. Classes come either from rank shares (Tiantai 2022: A 10.7 %,
B 35.2 %, C 46.1 %, D 8.0 %) or from minimum scores, as the plan file says.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd

from geo.errors import PlanFileError
from geo.i18n import Message
from geo.plan import Plan
from geo.settings import METRIC_CRS
from geo.units import area_mu

INDICATORS = ("tax_per_mu", "value_added_per_mu", "value_added_per_tce", "labour_productivity",
              "rnd_share")
WEIGHT_KEYS = (*INDICATORS, "emission")
# the figures each indicator is made of: when one is missing, so is the indicator
INPUTS = {"tax_per_mu": ("tax_10k",), "value_added_per_mu": ("value_added_10k",),
          "value_added_per_tce": ("value_added_10k", "energy_tce"),
          "labour_productivity": ("value_added_10k", "employees"),
          "rnd_share": ("rnd_10k", "revenue_10k")}
CLASSES = ("A", "B", "C", "D")
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
JENKS_MAX_N = 256  # Fisher-Jenks in pure Python: 0.7 s for 620 values, 16 s for 3,000
LEVELS = ("parcel", "park", "town", "platform")
# Columns a choropleth can show; energy_per_10k is lower-is-better.
MAP_VALUES = ("score", "tax_per_mu", "value_added_per_mu", "labour_productivity",
              "energy_per_10k", "rnd_share")


@dataclass(frozen=True)
class Method:
    """The ``[evaluation]`` section of a plan file with its documented defaults."""

    weights: dict[str, float] = field(default_factory=lambda: {
        "tax_per_mu": 30.0, "value_added_per_mu": 20.0, "value_added_per_tce": 20.0,
        "emission": 10.0, "labour_productivity": 10.0, "rnd_share": 10.0})
    benchmark: str = "mean"
    benchmarks: dict[str, float] = field(default_factory=lambda: {
        "tax_per_mu": 24.097, "value_added_per_mu": 136.16, "value_added_per_tce": 2.694,
        "labour_productivity": 18.14, "rnd_share": 0.0302})
    above_scale_only: bool = False
    class_method: str = "shares"
    class_shares: dict[str, float] = field(default_factory=lambda: {
        "A": 10.7, "B": 35.2, "C": 46.1, "D": 8.0})
    class_thresholds: dict[str, float] = field(default_factory=lambda: {
        "A": 130.0, "B": 95.0, "C": 60.0})


def method_from_plan(plan: Plan) -> Method:
    """Read ``[evaluation]`` from the plan file; missing keys take the defaults.

    Raises
    ------
    PlanFileError
        Unknown keys or indicators, a negative weight, a benchmark method other
        than ``mean``/``fixed``, shares that do not sum to 100, or thresholds
        that do not fall from A to C.
    """
    raw = dict(plan.raw.get("evaluation", {}))
    where = _where(plan, "evaluation")
    default = Method()
    known = set(Method.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanFileError(Message.of("err.plan.unknown_keys", where=where, keys=unknown,
                                       known=sorted(known)))
    weights = {**default.weights, **raw.get("weights", {})}
    benchmarks = {**default.benchmarks, **raw.get("benchmarks", {})}
    for name, table, keys in (("weights", weights, WEIGHT_KEYS),
                              ("benchmarks", benchmarks, INDICATORS)):
        bad = sorted(set(table) - set(keys))
        if bad:
            raise PlanFileError(Message.of("err.plan.unknown_indicators",
                                           where=_where(plan, f"evaluation.{name}"), names=bad,
                                           known=list(keys)))
        negative = {k: v for k, v in table.items() if not isinstance(v, int | float) or v < 0}
        if negative:
            raise PlanFileError(Message.of("err.plan.not_non_negative",
                                           where=_where(plan, f"evaluation.{name}"),
                                           values=_pairs(negative)))
    if any(benchmarks[k] == 0 for k in INDICATORS):
        raise PlanFileError(Message.of("err.plan.zero_benchmark",
                                       where=_where(plan, "evaluation.benchmarks")))
    method = Method(weights={k: float(v) for k, v in weights.items()},
                    benchmark=raw.get("benchmark", default.benchmark),
                    benchmarks={k: float(v) for k, v in benchmarks.items()},
                    above_scale_only=bool(raw.get("above_scale_only", default.above_scale_only)),
                    class_method=raw.get("class_method", default.class_method),
                    class_shares={**default.class_shares, **raw.get("class_shares", {})},
                    class_thresholds={**default.class_thresholds,
                                      **raw.get("class_thresholds", {})})
    if method.benchmark not in ("mean", "fixed"):
        raise PlanFileError(Message.of("err.plan.choose", where=where, setting="benchmark",
                                       value=repr(method.benchmark), choices=["mean", "fixed"]))
    if method.class_method not in ("shares", "thresholds"):
        raise PlanFileError(Message.of("err.plan.choose", where=where, setting="class_method",
                                       value=repr(method.class_method),
                                       choices=["shares", "thresholds"]))
    if abs(sum(method.class_shares[c] for c in CLASSES) - 100) > 0.5:
        raise PlanFileError(Message.of("err.plan.shares_sum", where=_where(plan, "evaluation"),
                                       values=_pairs(method.class_shares)))
    th = method.class_thresholds
    if not th["A"] >= th["B"] >= th["C"]:
        raise PlanFileError(Message.of("err.plan.thresholds_fall", where=_where(plan, "evaluation"),
                                       values=_pairs(th)))
    return method


def _where(plan: Plan, section: str) -> Message:
    """"Plan <file>: [section]" as a planner reads it."""
    return Message.of("err.plan.in", path=str(plan.path), section=section)


def _pairs(table: Mapping) -> list[str]:
    return [f"{k} = {v!r}" for k, v in table.items()]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den, NaN where the denominator is 0 or missing."""
    return num / den.where(den > 0)


def indicators(layers: Mapping[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Per enterprise in ``year``: the five indicators, energy per 万元, and the raw sums.

    Returns
    -------
    indicators
        One row per enterprise with figures for ``year``: ids, ``above_scale``,
        ``land_area_mu`` and the columns of :data:`INDICATORS` plus ``energy_per_10k``.
    """
    ents = layers["enterprises"]
    fig = layers["enterprise_figures"]
    fig = fig[fig["year"] == year]
    cols = ["enterprise_id", "name", "town_code", "parcel_id", "park_id", "industry",
            "above_scale", "land_area_mu"]
    df = fig.merge(pd.DataFrame(ents[cols]), on="enterprise_id", how="inner")
    df["tax_per_mu"] = _ratio(df["tax_10k"], df["land_area_mu"])
    df["value_added_per_mu"] = _ratio(df["value_added_10k"], df["land_area_mu"])
    df["value_added_per_tce"] = _ratio(df["value_added_10k"], df["energy_tce"])
    df["energy_per_10k"] = _ratio(df["energy_tce"], df["value_added_10k"])
    df["labour_productivity"] = _ratio(df["value_added_10k"], df["employees"].astype(float))
    df["rnd_share"] = _ratio(df["rnd_10k"], df["revenue_10k"])
    return df.sort_values("enterprise_id").reset_index(drop=True)


def scores(layers: Mapping[str, pd.DataFrame], method: Method | Plan, year: int) -> pd.DataFrame:
    """Weighted score and class of every evaluated enterprise in ``year``.

    ``method`` is a :class:`Method` or a plan (whose ``[evaluation]`` section is read).

    An enterprise with zero or missing land area has no per-mu figure: it is left
    out of the scoring and of every aggregate (:func:`unscored` lists it), rather
    than scored 0 on its per-mu items while its tax inflates the averages. Another
    indicator with a zero denominator scores 0 on its item; one whose data is missing
    (:data:`INPUTS`: no revenue, no R&D figure) is left out and the enterprise's other
    weights are scaled up to the full total (``weight_factor``, ``missing_indicators``;
    :func:`renormalised` lists them).
    With ``benchmark = "mean"`` each benchmark is the mean of the year's
    evaluated enterprises (missing values left out).

    Returns
    -------
    scores
        :func:`indicators` plus ``item_<indicator>`` (weighted item scores,
        ``item_emission`` included), ``score``, ``rank`` (1 = best; equal scores
        share a rank) and ``cls`` (A-D).
    """
    if isinstance(method, Plan):
        method = method_from_plan(method)
    df = indicators(layers, year)
    df = df[has_land(df)].reset_index(drop=True)  # no per-mu figure without land: see unscored
    if method.above_scale_only:
        df = df[df["above_scale"].astype(bool)].reset_index(drop=True)
    bench = (df[list(INDICATORS)].mean() if method.benchmark == "mean"
             else pd.Series(method.benchmarks))
    for k in INDICATORS:
        b = bench.get(k)
        item = method.weights[k] * df[k] / b if b and b > 0 else pd.Series(0.0, index=df.index)
        df[f"item_{k}"] = item.fillna(0.0)
    df["item_emission"] = method.weights["emission"]
    # an indicator whose data the enterprise's sheet does not have (no revenue, no R&D) is
    # missing, not 0: its weight is spread over the indicators present
    missing = pd.DataFrame({k: df[list(cols)].isna().any(axis=1) for k, cols in INPUTS.items()},
                           index=df.index)
    total = sum(method.weights[k] for k in WEIGHT_KEYS)
    lost = sum(missing[k].astype(float) * method.weights[k] for k in INDICATORS)
    df["weight_factor"] = total / (total - lost).where(total - lost > 0)
    df["missing_indicators"] = [",".join(k for k in INDICATORS if row[k])
                                for _, row in missing.iterrows()] if len(df) else []
    raw = df[[f"item_{k}" for k in WEIGHT_KEYS]].sum(axis=1)
    df["score"] = (raw * df["weight_factor"]).fillna(0.0)
    df["rank"] = df["score"].rank(ascending=False, method="min").astype(int)
    df["cls"] = classes(df["score"], method, ids=df["enterprise_id"])
    df.attrs["benchmarks"] = bench.to_dict()
    return df


def has_land(df: pd.DataFrame) -> pd.Series:
    """Rows with a positive land area (the denominator of every per-mu figure)."""
    return pd.to_numeric(df["land_area_mu"], errors="coerce").gt(0).fillna(False).astype(bool)


def renormalised(scored: pd.DataFrame) -> pd.DataFrame:
    """Enterprises scored without some indicator (their sheet lacks its data), with which ones
    and the factor their other weights were scaled by, so that page and brief can say so."""
    rows = scored[scored["missing_indicators"] != ""]
    return rows[["enterprise_id", "name", "missing_indicators", "weight_factor"]].reset_index(
        drop=True)


def unscored(layers: Mapping[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Enterprises with figures for ``year`` left out of the per-mu evaluation, with the
    reason (``no_land_area``: zero or missing land area)."""
    df = indicators(layers, year)
    out = df.loc[~has_land(df), ["enterprise_id", "name", "town_code", "land_area_mu", "tax_10k"]]
    return out.assign(reason="no_land_area").reset_index(drop=True)


def classes(score: pd.Series, method: Method, *, ids: pd.Series | None = None) -> pd.Series:
    """A/B/C/D from scores by the plan's class rule.

    ``shares``: the enterprises sorted by score (best first; equal scores in the
    order of ``ids``) are cut at round(cumulative share x n): with Tiantai's
    shares and 1,000 firms, the first 107 are A, the next 352 B, then 461 C and
    80 D. ``thresholds``: A when score >= A's minimum, else B when >= B's, else C
    when >= C's, else D.
    """
    n = len(score)
    if method.class_method == "thresholds":
        th = method.class_thresholds
        out = np.select([score >= th["A"], score >= th["B"], score >= th["C"]], ["A", "B", "C"], "D")
        return pd.Series(out, index=score.index, name="cls")
    key = ids if ids is not None else pd.Series(score.index, index=score.index)
    order = pd.DataFrame({"s": score.to_numpy(), "k": key.to_numpy()}, index=score.index)
    order = order.sort_values(["s", "k"], ascending=[False, True], kind="mergesort")
    cum = np.cumsum([method.class_shares[c] for c in CLASSES]) / 100
    cuts = np.round(cum * n).astype(int)
    labels = np.empty(n, dtype=object)
    start = 0
    for cls, stop in zip(CLASSES, cuts, strict=True):
        labels[start:stop] = cls
        start = stop
    labels[start:] = "D"
    return pd.Series(labels, index=order.index, name="cls").reindex(score.index)


def class_counts(scored: pd.DataFrame) -> pd.DataFrame:
    """Enterprises and share per class (A-D, every class listed)."""
    counts = scored["cls"].value_counts().reindex(list(CLASSES), fill_value=0)
    return pd.DataFrame({"count": counts, "share_pct": 100 * counts / max(len(scored), 1)})


def _units(layers: Mapping[str, pd.DataFrame], level: str) -> tuple[gpd.GeoDataFrame, str]:
    """The polygons (or points) of ``level`` and the key column that groups enterprises."""
    if level == "parcel":
        return layers["parcels"][["parcel_id", "geometry"]], "parcel_id"
    if level == "park":
        return layers["parks"][["park_id", "name_zh", "geometry"]], "park_id"
    if level == "town":
        return layers["towns"][["town_code", "name_zh", "name_en", "geometry"]], "town_code"
    if level == "platform":
        return layers["platforms"][["platform_id", "name_zh", "name_en", "geometry"]], "platform_id"
    msg = f"Unknown level {level!r}; use one of {LEVELS}"
    raise ValueError(msg)


def aggregate(layers: Mapping[str, pd.DataFrame], scored: pd.DataFrame, level: str) -> gpd.GeoDataFrame:
    """Per-mu figures of the enterprises grouped by parcel, park, town or platform.

    Ratios are of sums (Σ tax / Σ land, ...), so large firms weigh more; the
    score is the land-weighted mean. An enterprise's platform is its parcel's.

    Returns
    -------
    aggregated
        The level's features that hold evaluated enterprises, with
        ``enterprises``, ``land_area_mu``, :data:`MAP_VALUES` and the share of
        class A and D firms (``share_a_pct``, ``share_d_pct``).
    """
    units, key = _units(layers, level)
    df = scored.copy()
    if key == "platform_id":
        df[key] = df["parcel_id"].map(layers["parcels"].set_index("parcel_id")["platform_id"])
    df = df.dropna(subset=[key])
    df["w_score"] = df["score"] * df["land_area_mu"]
    df["is_a"] = 100.0 * (df["cls"] == "A")
    df["is_d"] = 100.0 * (df["cls"] == "D")
    sums = df.groupby(key).agg(enterprises=("enterprise_id", "size"),
                               land_area_mu=("land_area_mu", "sum"), tax_10k=("tax_10k", "sum"),
                               value_added_10k=("value_added_10k", "sum"),
                               energy_tce=("energy_tce", "sum"), employees=("employees", "sum"),
                               rnd_10k=("rnd_10k", "sum"), revenue_10k=("revenue_10k", "sum"),
                               w_score=("w_score", "sum"),
                               share_a_pct=("is_a", "mean"), share_d_pct=("is_d", "mean"))
    sums["score"] = _ratio(sums["w_score"], sums["land_area_mu"])
    sums["tax_per_mu"] = _ratio(sums["tax_10k"], sums["land_area_mu"])
    sums["value_added_per_mu"] = _ratio(sums["value_added_10k"], sums["land_area_mu"])
    sums["labour_productivity"] = _ratio(sums["value_added_10k"], sums["employees"].astype(float))
    sums["energy_per_10k"] = _ratio(sums["energy_tce"], sums["value_added_10k"])
    sums["rnd_share"] = _ratio(sums["rnd_10k"], sums["revenue_10k"])
    cols = ["enterprises", "land_area_mu", *MAP_VALUES, "share_a_pct", "share_d_pct"]
    out = units.merge(sums[cols], left_on=key, right_index=True, how="inner")
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=units.crs)


def breaks(values: pd.Series, scheme: str, k: int) -> list[float]:
    """Upper bounds of ``k`` classes of ``values`` (mapclassify), the last = the maximum.

    ``quantiles`` (equal counts), ``natural_breaks`` (Fisher-Jenks: the exact
    optimum of Jenks' natural breaks, deterministic; above :data:`JENKS_MAX_N`
    values it runs on that many evenly spaced quantiles of them) or ``equal_interval``.
    Fewer classes come back when the values have fewer distinct figures.
    """
    y = pd.Series(values).dropna().to_numpy(float)
    if len(y) == 0:
        return []
    k = max(1, min(int(k), len(np.unique(y))))
    if k == 1:
        return [float(y.max())]
    if scheme == "quantiles":
        bins = mapclassify.Quantiles(y, k=k).bins
    elif scheme == "natural_breaks":
        if len(y) > JENKS_MAX_N:  # Fisher-Jenks is O(n^2 k): run it on evenly spaced quantiles
            y = np.quantile(y, np.linspace(0, 1, JENKS_MAX_N))
        with warnings.catch_warnings():
            # mapclassify notes that numba would speed Fisher-Jenks up; we cap n instead
            warnings.filterwarnings("ignore", message="Numba not installed", category=UserWarning)
            bins = mapclassify.FisherJenks(y, k=k).bins
    elif scheme == "equal_interval":
        bins = mapclassify.EqualInterval(y, k=k).bins
    else:
        msg = f"Unknown classification scheme {scheme!r}; use one of {SCHEMES}"
        raise ValueError(msg)
    return sorted({float(b) for b in bins})


def bin_index(values: pd.Series, bounds: list[float]) -> pd.Series:
    """Class number (0 = lowest) of each value against upper ``bounds``; -1 when missing."""
    v = pd.Series(values, dtype=float)
    idx = np.searchsorted(np.asarray(bounds), v.to_numpy(), side="left")
    idx = np.minimum(idx, max(len(bounds) - 1, 0))
    return pd.Series(np.where(v.isna(), -1, idx), index=v.index, name="bin")


def growth(layers: Mapping[str, pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """Year-on-year growth of per-mu tax and labour productivity of above-scale firms.

    Each year is compared with the one before on the same firms (those
    above-scale with figures in both years), so entries and exits do not
    count as growth. Per-mu tax = Σ tax / Σ land; productivity = Σ value added
    / Σ employees.

    Returns
    -------
    growth
        Index ``year``: ``firms``, ``tax_per_mu``, ``tax_per_mu_growth_pct``,
        ``labour_productivity``, ``labour_productivity_growth_pct``.
    """
    ents = layers["enterprises"]
    above = set(ents.loc[ents["above_scale"].astype(bool), "enterprise_id"])
    land = ents.set_index("enterprise_id")["land_area_mu"]
    fig = layers["enterprise_figures"]
    fig = fig[fig["enterprise_id"].isin(above)]
    rows = []
    for year in years:
        cur = fig[fig["year"] == year].set_index("enterprise_id")
        prev = fig[fig["year"] == year - 1].set_index("enterprise_id")
        both = cur.index.intersection(prev.index)

        def per_mu(f, ids):
            return f.loc[ids, "tax_10k"].sum() / land.reindex(ids).sum() if len(ids) else np.nan

        def lp(f, ids):
            return (f.loc[ids, "value_added_10k"].sum() / f.loc[ids, "employees"].sum()
                    if len(ids) else np.nan)

        rows.append({"year": year, "firms": len(both),
                     "tax_per_mu": per_mu(cur, cur.index),
                     "tax_per_mu_growth_pct": 100 * (per_mu(cur, both) / per_mu(prev, both) - 1),
                     "labour_productivity": lp(cur, cur.index),
                     "labour_productivity_growth_pct": 100 * (lp(cur, both) / lp(prev, both) - 1)})
    return pd.DataFrame(rows).set_index("year")


def enterprise_growth(layers: Mapping[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Per above-scale enterprise: growth in % of per-mu tax and labour productivity on ``year - 1``."""
    cur = indicators(layers, year).set_index("enterprise_id")
    prev = indicators(layers, year - 1).set_index("enterprise_id")
    cur = cur[cur["above_scale"].astype(bool)]
    both = cur.index.intersection(prev.index)
    out = cur.loc[both, ["name", "town_code", "tax_per_mu", "labour_productivity"]].copy()
    out["tax_per_mu_growth_pct"] = 100 * (out["tax_per_mu"] / prev.loc[both, "tax_per_mu"] - 1)
    out["labour_productivity_growth_pct"] = 100 * (
        out["labour_productivity"] / prev.loc[both, "labour_productivity"] - 1)
    return out.reset_index()


def _with_points(layers: Mapping[str, pd.DataFrame], df: pd.DataFrame) -> gpd.GeoDataFrame:
    ents = layers["enterprises"][["enterprise_id", "geometry"]]
    out = ents.merge(df, on="enterprise_id", how="inner")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=ents.crs)


def energy_intensive(layers: Mapping[str, pd.DataFrame], year: int, *,
                     limit_tce: float = 0.57) -> gpd.GeoDataFrame:
    """Enterprises using more than ``limit_tce`` tce per 万元 of value added in ``year``.

    The default is the plan's admission limit (单位工业增加值能耗超0.57吨/万元).
    Sorted from the most intensive.
    """
    df = indicators(layers, year)
    df = df[df["energy_per_10k"] > limit_tce]
    cols = ["enterprise_id", "name", "town_code", "industry", "above_scale", "energy_tce",
            "value_added_10k", "energy_per_10k"]
    return _with_points(layers, df[cols]).sort_values("energy_per_10k", ascending=False,
                                                      ignore_index=True)


def outside_platforms(layers: Mapping[str, pd.DataFrame]) -> gpd.GeoDataFrame:
    """Enterprises whose location lies in no platform and no park (开发区以外基本无工业).

    Tested on geometry (points within polygons, in EPSG:4549), not on the
    recorded ids, so a firm recorded against a park it is not in still shows.
    """
    ents = layers["enterprises"]
    ents = ents[ents.geometry.notna() & ~ents.geometry.is_empty]  # where unknown, not judged
    metric = ents.to_crs(METRIC_CRS)
    zones = pd.concat([layers["platforms"][["geometry"]], layers["parks"][["geometry"]]])
    zones = gpd.GeoDataFrame(zones, geometry="geometry", crs=layers["platforms"].crs).to_crs(METRIC_CRS)
    hit = gpd.sjoin(metric[["geometry"]], zones, predicate="within", how="inner")
    out = ents[~ents.index.isin(hit.index)]
    land = area_mu(layers["parcels"]).set_axis(layers["parcels"]["parcel_id"].to_numpy())
    out = out.assign(parcel_area_mu=out["parcel_id"].map(land))
    cols = ["enterprise_id", "name", "town_code", "parcel_id", "industry", "above_scale",
            "land_area_mu", "parcel_area_mu", "geometry"]
    return gpd.GeoDataFrame(out[cols].sort_values("enterprise_id", ignore_index=True),
                            geometry="geometry", crs=ents.crs)

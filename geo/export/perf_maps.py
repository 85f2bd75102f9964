"""Print specs of the performance maps: per-mu classes (亩均论英雄) and the ranking flags.

They use the computations of :mod:`geo.evaluation` and :mod:`geo.ranking` and the
colours of :mod:`layers.styles` (``EVAL_CLASS_COLORS``, ``RANK_FLAG_COLORS``), the
same as the app's evaluation and ranking pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import shapely

from geo import evaluation, i18n, ranking
from geo.export import maps
from geo.export.draw import POINT, POLYGON, DrawLayer, Symbol
from geo.export.errors import ExportError
from geo.plan import Plan, plan_of
from layers import styles

EVALUATED_PAD_M = 2000.0


def class_symbol(color: str) -> Symbol:
    return Symbol(POLYGON, face=color, edge=color, linewidth_pt=0.6, face_alpha=0.85)


def latest_figures_year(layers: Mapping[str, pd.DataFrame], *, until: int | None = None) -> int:
    """The latest year of enterprise figures (up to ``until``)."""
    years = sorted(int(y) for y in layers["enterprise_figures"]["year"].unique()
                   if until is None or int(y) <= until)
    if not years:
        msg = f"No enterprise figures{f' up to {until}' if until else ''} to evaluate."
        raise ExportError(msg)
    return years[-1]


def per_mu_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan: Plan | None = None,
                year: int | None = None,
                bbox_deg: Sequence[float] | None = None) -> maps.MapSpec:
    """Parcels of the evaluated enterprises coloured by their A-D class (the best class on
    each parcel), over the county, platforms and towns; framed on the evaluated land."""
    plan = plan_of(layers, plan)
    year = year or latest_figures_year(layers)
    scored = evaluation.scores(layers, evaluation.method_from_plan(plan), year)
    best = scored.sort_values("score", ascending=False).drop_duplicates("parcel_id")
    parcels = layers["parcels"].merge(best[["parcel_id", "cls"]], on="parcel_id")
    spec = maps.overview_spec(layers, lang=lang, visible=["county", "platforms", "towns"],
                              bbox_deg=bbox_deg)
    geoms = maps.to_metric(parcels)
    counts = evaluation.class_counts(scored)
    entries = []
    for cls, color in styles.EVAL_CLASS_COLORS.items():
        sym = class_symbol(color)
        spec.layers.append(DrawLayer(f"class:{cls}", geoms[(parcels["cls"] == cls).to_numpy()],
                                     sym, 3.5))
        n = int(counts.loc[cls, "count"]) if cls in counts.index else 0
        entries.append(maps.LegendEntry(f"{i18n.t('ev.class_n', lang, cls=cls)}（{n}）", sym))
    spec.legend.insert(0, (i18n.t("ev.class_counts", lang, year=year), entries))
    if bbox_deg is None and len(parcels):
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        pad = EVALUATED_PAD_M
        spec.extent_m = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    spec.page, spec.title = "per_mu", i18n.t("brief.section.per_mu_map", lang)
    spec.what = i18n.t("ev.class_counts", lang, year=year)
    return spec


def ranking_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan: Plan | None = None,
                 quarter: str | None = None,
                 bbox_deg: Sequence[float] | None = None) -> maps.MapSpec:
    """Platforms filled with their flag colour and town seats marked in theirs, labelled
    with name and rank, for one quarter (default: the plan's last)."""
    plan = plan_of(layers, plan)
    quarter = quarter or ranking.quarters(plan)[-1]
    flagged = ranking.flags(layers, plan, quarter)
    spec = maps.overview_spec(layers, lang=lang, visible=["county", "roads"], bbox_deg=bbox_deg)
    geoms = maps.to_metric(flagged)
    kinds, flag = flagged["kind"].to_numpy(), flagged["flag"].to_numpy()
    entries = []
    for code, color in styles.RANK_FLAG_COLORS.items():
        poly = Symbol(POLYGON, face=color, edge=color, linewidth_pt=2.2, face_alpha=0.35)
        point = Symbol(POINT, face=color, edge="#222222", linewidth_pt=0.8, marker_size_pt=9)
        spec.layers.append(DrawLayer(f"flag:{code}", geoms[(kinds == "platform") & (flag == code)],
                                     poly, 3))
        spec.layers.append(DrawLayer(f"flag_town:{code}", geoms[(kinds == "town") & (flag == code)],
                                     point, 9))
        entries.append(maps.LegendEntry(i18n.t(f"rank.flag.{code}", lang), poly))
    names = flagged["name_en" if lang == "en" else "name_zh"].to_numpy()
    anchors = shapely.point_on_surface(geoms)
    spec.labels = [(p.x, p.y, f"{n}（{int(r)}）") for p, n, r in
                   zip(anchors, names, flagged["rank"].to_numpy(), strict=True)]
    spec.legend.insert(0, (i18n.t("brief.section.ranking", lang), entries))
    if bbox_deg is None and len(geoms):
        minx, miny, maxx, maxy = shapely.total_bounds(geoms)
        pad = EVALUATED_PAD_M
        spec.extent_m = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    spec.page, spec.title = "ranking", i18n.t("brief.section.ranking", lang)
    spec.what = i18n.t("export.ranking_what", lang, quarter=quarter)
    return spec

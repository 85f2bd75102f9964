"""Maps of the inefficient-land, per-mu evaluation and ranking pages as data.

Choropleth classes come from :func:`geo.evaluation.breaks`; colours from :mod:`geo.styles`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo import evaluation, i18n, styles
from geo.errors import PlannerError
from geo.maps import (
    Features,
    Group,
    LegendEntry,
    LegendSection,
    MapDescription,
    Marker,
    Style,
    categorised,
    filled,
    legend_section,
    lonlat_bounds,
)
from geo.maps.overview import county_group, platform_group, town_group
from geo.plan import Plan, plan_of

INEFFICIENT_FIELDS = ["parcel_id", "reason", "area_mu", "tax_per_mu_10k", "plot_ratio", "case_id"]
CASE_FIELDS = ["case_id", "parcel_id", "route", "case_status", "area_mu"]
ENTERPRISE_FIELDS = ["name", "industry", "energy_per_10k"]
LEVEL_KEYS = {"parcel": "parcel_id", "park": "park_id", "town": "town_code",
              "platform": "platform_id"}
PAD_DEG = 0.005
EVALUATED_PAD_DEG = 0.01  # the per-mu class map is framed on the evaluated land, this much around
PROPOSAL = Style(color=styles.PROPOSAL_STYLE["color"], weight=styles.PROPOSAL_STYLE["weight"],
                 fill_color=styles.PROPOSAL_STYLE["fillColor"],
                 fill_opacity=styles.PROPOSAL_STYLE["fillOpacity"])


alias = i18n.column_label


def aliases(fields: Sequence[str], lang: str) -> list[str]:
    return [alias(f, lang) for f in fields]


def _frame(layers: Mapping[str, pd.DataFrame], lang: str) -> list[Group]:
    return [county_group(layers["county"], lang),
            platform_group(layers["platforms"], layers["zones"], lang)]


def _extent(layers: Mapping[str, pd.DataFrame], focus: gpd.GeoDataFrame | None, pad=PAD_DEG):
    extent = focus if focus is not None and len(focus) else layers["county"]
    return lonlat_bounds(extent, pad)


def _points(key: str, gdf: gpd.GeoDataFrame, fields: Sequence[str], color: str, name: str,
            lang: str, *, radius: float = 5, show: bool = True) -> Group:
    g = Group(key, name, show=show)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]  # not located yet: in tables only
    if len(gdf):
        style = Style(color="#222222", weight=1, fill_color=color, fill_opacity=0.9, radius=radius)
        g.layers.append(Features(key, gdf, style, fields=fields, aliases=aliases(fields, lang),
                                 points=True))
    return g


def inefficient_map(layers: Mapping[str, pd.DataFrame], inefficient: gpd.GeoDataFrame,
                    selected: Sequence[str], cases: gpd.GeoDataFrame, *,
                    lang: str = "zh") -> MapDescription:
    """Inefficient parcels by first reason, the proposed/selected parcels, and the cases.

    ``inefficient`` is :func:`geo.inefficient.identify`; ``selected`` the parcel ids
    of the planner's current choice; ``cases`` :func:`geo.inefficient.case_table`.
    """
    reason_labels = {c: i18n.enum_label("case_reason", c, lang) for c in styles.INEFFICIENT_REASON_COLORS}
    first = inefficient["reasons"].str.split(",").str[0]
    props = inefficient.assign(
        reason=[", ".join(reason_labels.get(r, r) for r in rs.split(","))
                for rs in inefficient["reasons"]],
        area_mu=inefficient["area_mu"].round(2),
        tax_per_mu_10k=inefficient["tax_per_mu_10k"].round(2))
    flagged = Group("inefficient", i18n.t("ineff.layer.parcels", lang))
    for layer in categorised(props.assign(reason_code=first), "reason_code",
                             styles.INEFFICIENT_REASON_COLORS, reason_labels, key="inefficient",
                             fields=INEFFICIENT_FIELDS, aliases=aliases(INEFFICIENT_FIELDS, lang),
                             style={"weight": 0.5, "fill_opacity": 0.7}):
        flagged.layers.append(layer)
    chosen = inefficient[inefficient["parcel_id"].isin(set(selected))]
    selection = Group("selected", i18n.t("ineff.layer.selected", lang))
    if len(chosen):
        sel = chosen.assign(area_mu=chosen["area_mu"].round(2), reason=chosen["reasons"],
                            tax_per_mu_10k=chosen["tax_per_mu_10k"].round(2))
        selection.layers.append(Features("selected", sel, PROPOSAL, fields=INEFFICIENT_FIELDS,
                                         aliases=aliases(INEFFICIENT_FIELDS, lang)))
        # a marker on each selected parcel: parcels are specks at county zoom
        marker = Style(color=PROPOSAL.color, weight=2, fill_color=PROPOSAL.face, fill_opacity=0.9)
        selection.layers.append(Features(
            "selected:points", sel.assign(geometry=sel.geometry.representative_point()), marker,
            fields=INEFFICIENT_FIELDS, aliases=aliases(INEFFICIENT_FIELDS, lang), points=True))
    case_labels = {c: i18n.enum_label("case_status", c, lang) for c in styles.CASE_STATUS_COLORS}
    shown_cases = cases.assign(case_status=cases["status"],
                               route=[i18n.enum_label("case_route", r, lang) for r in cases["route"]],
                               area_mu=cases["area_mu"].round(2))
    case_group = Group("cases", i18n.t("layer.cases", lang), categorised(
        shown_cases, "case_status", styles.CASE_STATUS_COLORS, case_labels, key="cases",
        fields=CASE_FIELDS, aliases=aliases(CASE_FIELDS, lang),
        style={"weight": 2, "fill_opacity": 0.5, "dash": "4 3"}))
    legend = [
        legend_section(i18n.t("ineff.layer.parcels", lang), styles.INEFFICIENT_REASON_COLORS,
                       reason_labels, style={"weight": 0.5, "fill_opacity": 0.7}, present=first),
        LegendSection(i18n.t("ineff.layer.selected", lang),
                      [LegendEntry(i18n.t("ineff.layer.selected", lang), PROPOSAL)]
                      if len(chosen) else []),
        legend_section(i18n.t("layer.cases", lang), styles.CASE_STATUS_COLORS, case_labels,
                       style={"weight": 2, "fill_opacity": 0.5, "dash": "4 3"},
                       present=cases["status"]),
    ]
    legend = [section for section in legend if section.entries]
    return MapDescription([*_frame(layers, lang), flagged, selection, case_group], legend,
                          extent=_extent(layers, inefficient))


def bin_labels(bounds: Sequence[float], low: float) -> list[str]:
    labels, lo = [], low
    for hi in bounds:
        labels.append(f"{lo:,.3g} – {hi:,.3g}")
        lo = hi
    return labels


def choropleth_map(layers: Mapping[str, pd.DataFrame], agg: gpd.GeoDataFrame, value: str,
                   bounds: Sequence[float], *, lang: str = "zh",
                   points: Mapping[str, gpd.GeoDataFrame] | None = None) -> MapDescription:
    """``agg`` (from :func:`geo.evaluation.aggregate`) coloured by ``value`` in classes
    with upper ``bounds``; towns (points) as circles. ``points`` may hold
    ``energy`` (energy-intensive enterprises) and ``outside`` (enterprises outside
    every platform and park), drawn as point layers. Lower-is-better
    ``energy_per_10k`` runs dark to light.
    """
    points = points or {}
    energy, outside = points.get("energy"), points.get("outside")
    level = next(lv for lv, k in LEVEL_KEYS.items() if k in agg.columns)
    colors = styles.choropleth_colors(max(len(bounds), 1), reverse=value == "energy_per_10k")
    idx = evaluation.bin_index(agg[value], list(bounds))
    name_col = i18n.name_column(lang)
    key = LEVEL_KEYS[level]
    shown = agg.assign(name=agg[name_col] if name_col in agg.columns else agg[key],
                       **{value: agg[value].round(3)}, cls=idx)
    shown["land_area_mu"] = shown["land_area_mu"].round(1)
    fields = ["name", value, "enterprises", "land_area_mu"]
    is_point = bool(len(agg)) and agg.geometry.geom_type.isin(["Point", "MultiPoint"]).all()
    palette = {-1: styles.NO_DATA_COLOR, **dict(enumerate(colors))}
    style = ({"outline": "#333333", "weight": 1, "fill_opacity": 0.95, "radius": 11} if is_point
             else {"outline": "#555555", "weight": 0.6, "fill_opacity": 0.8})
    classes = Group("classes", i18n.t(f"ev.level.{level}", lang), categorised(
        shown, "cls", palette, {c: str(c) for c in palette}, key="classes", fields=fields,
        aliases=aliases(fields, lang), style=style, points=is_point))
    for layer in classes.layers:  # the class number is not a field of the tooltip
        layer.name = ""
    groups = [*_frame(layers, lang), classes]
    extra = []
    if energy is not None:
        groups.append(_points("energy", energy.assign(energy_per_10k=energy["energy_per_10k"].round(3)),
                              ENTERPRISE_FIELDS, styles.ENERGY_COLOR, i18n.t("ev.layer.energy", lang),
                              lang))
        extra.append(LegendEntry(i18n.t("ev.layer.energy", lang), filled(styles.ENERGY_COLOR), "point"))
    if outside is not None:
        groups.append(_points("outside", outside.assign(energy_per_10k=None), ["name", "industry"],
                              styles.OUTSIDE_COLOR, i18n.t("ev.layer.outside", lang), lang, radius=4))
        extra.append(LegendEntry(i18n.t("ev.layer.outside", lang), filled(styles.OUTSIDE_COLOR), "point"))
    low = float(agg[value].min()) if len(agg) else 0.0
    legend = [LegendSection(alias(value, lang), [
        LegendEntry(label, filled(color, **{k: v for k, v in style.items() if k != "radius"}))
        for color, label in zip(colors, bin_labels(bounds, low), strict=False)])]
    if extra:
        legend.append(LegendSection(i18n.t("ev.layer.enterprises", lang), extra))
    return MapDescription(groups, legend, extent=_extent(layers, None))


def ranking_map(layers: Mapping[str, pd.DataFrame], flagged: gpd.GeoDataFrame, *,
                lang: str = "zh", quarter: str | None = None) -> MapDescription:
    """Platforms filled with their flag colour, and a flag with the rank on every unit
    (platforms are polygons, towns their seats); on paper each flag is named with its rank.

    ``flagged`` is :func:`geo.ranking.flags`.
    """
    name_col = i18n.name_column(lang)
    flag_labels = {f: i18n.t(f"rank.flag.{f}", lang) for f in styles.RANK_FLAG_COLORS}
    shown = flagged.assign(name=flagged[name_col],
                           flag_label=[flag_labels[f] for f in flagged["flag"]],
                           score=flagged["score"].round(1))
    fields = ["name", "flag_label", "rank", "score"]
    polys = shown[shown["kind"] == "platform"]
    style = {"weight": 3, "fill_opacity": 0.35}
    flags = Group("flags", i18n.t("rank.layer.flags", lang), categorised(
        polys, "flag", styles.RANK_FLAG_COLORS, flag_labels, key="flag", fields=fields,
        aliases=aliases(fields, lang), style=style))
    lonlat = shown.to_crs("EPSG:4326")
    for row in lonlat.itertuples():
        pt = row.geometry.representative_point()
        kind = "flag_town" if row.kind == "town" else "flag_marker"
        tip = f"{row.name} · {flag_labels[row.flag]} · {alias('rank', lang)} {row.rank}"
        flags.layers.append(Marker(f"{kind}:{row.unit_id}", pt.x, pt.y,
                                   styles.RANK_FLAG_COLORS[row.flag], str(int(row.rank)), tip,
                                   label=f"{row.name}（{int(row.rank)}）"))
    what = i18n.t("export.ranking_what", lang, quarter=quarter) if quarter else ""
    return MapDescription(
        [*_frame(layers, lang), flags],
        [legend_section(i18n.t("rank.layer.flags", lang), styles.RANK_FLAG_COLORS, flag_labels,
                        style=style, present=shown["flag"])],
        extent=_extent(layers, flagged), title=i18n.t("brief.section.ranking", lang), what=what)


def latest_figures_year(layers: Mapping[str, pd.DataFrame], *, until: int | None = None) -> int:
    """The latest year with enterprise figures (at or before ``until``)."""
    years = sorted(int(y) for y in layers["enterprise_figures"]["year"].dropna().unique()
                   if until is None or int(y) <= until)
    if not years:
        raise PlannerError(i18n.Message.of("err.eval.no_figures_until", year=until) if until
                           else i18n.Message.of("err.eval.no_figures"))
    return years[-1]


def per_mu_classes(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
                   plan: Plan | None = None, year: int | None = None) -> MapDescription:
    """Parcels of the evaluated enterprises coloured by their A-D class (the best class on
    each parcel), over the county, platforms and towns; framed on the evaluated land."""
    plan = plan_of(layers, plan)
    year = year or latest_figures_year(layers)
    scored = evaluation.scores(layers, evaluation.method_from_plan(plan), year)
    best = scored.sort_values("score", ascending=False).drop_duplicates("parcel_id")
    parcels = layers["parcels"].merge(best[["parcel_id", "cls"]], on="parcel_id")
    counts = evaluation.class_counts(scored)
    labels = {}
    for cls in styles.EVAL_CLASS_COLORS:
        n = int(counts.loc[cls, "count"]) if cls in counts.index else 0
        labels[cls] = f"{i18n.t('ev.class_n', lang, cls=cls)}（{n}）"
    style = {"weight": 0.8, "fill_opacity": 0.85}
    classes = Group("classes", i18n.t("ev.class_counts", lang, year=year), categorised(
        parcels, "cls", styles.EVAL_CLASS_COLORS, labels, key="class", style=style))
    heading = i18n.t("ev.class_counts", lang, year=year)
    return MapDescription(
        [county_group(layers["county"], lang),
         platform_group(layers["platforms"], layers["zones"], lang), classes,
         town_group(layers["towns"], lang)],
        [legend_section(heading, styles.EVAL_CLASS_COLORS, labels, style=style,
                        present=parcels["cls"])],
        extent=_extent(layers, parcels, EVALUATED_PAD_DEG),
        title=i18n.t("brief.section.per_mu_map", lang), what=heading)

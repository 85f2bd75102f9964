"""Maps of the inefficient-land, per-mu evaluation and platform-ranking pages.

One GeoJson per category or class with a constant style (O(1) styler,
PERFORMANCE.md §2), lean GeoJSON, canvas renderer, local assets. Choropleth
classes come from :func:`geo.evaluation.breaks`; colours from :mod:`layers.styles`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd

from geo import i18n
from geo.evaluation import bin_index
from layers import assets, styles
from layers._geojson import lean_geojson
from layers.basemap import base_map
from layers.escape import html_text
from layers.legend import Legend
from layers.overview import county_layer, platform_layer

INEFFICIENT_FIELDS = ["parcel_id", "reason", "area_mu", "tax_per_mu_10k", "plot_ratio", "case_id"]
CASE_FIELDS = ["case_id", "parcel_id", "route", "case_status", "area_mu"]
ENTERPRISE_FIELDS = ["name", "industry", "energy_per_10k"]
LEVEL_KEYS = {"parcel": "parcel_id", "park": "park_id", "town": "town_code",
              "platform": "platform_id"}


def alias(field: str, lang: str) -> str:
    """A column's label (``col.<field>`` in the translation table, else the field name)."""
    return i18n.t(f"col.{field}", lang) if f"col.{field}" in i18n.TABLE else field


def _tooltip(fields: Sequence[str], lang: str) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=list(fields), aliases=[alias(f, lang) for f in fields],
                                 sticky=True)


def _geojson(gdf: gpd.GeoDataFrame, fields: Sequence[str], style: Mapping, lang: str, *,
             name: str = "", marker: folium.CircleMarker | None = None) -> folium.GeoJson:
    return folium.GeoJson(lean_geojson(gdf, list(fields)), name=name, marker=marker,
                          style_function=lambda _, s=dict(style): s, tooltip=_tooltip(fields, lang))


def _frame(layers: Mapping[str, pd.DataFrame], lang: str, basemap: str, api_key: str | None,
           focus: gpd.GeoDataFrame | None = None) -> folium.Map:
    """Base map with the county and platforms, fitted to ``focus`` (else the county)."""
    county = layers["county"]
    extent = focus if focus is not None and len(focus) else county
    minx, miny, maxx, maxy = extent.to_crs("EPSG:4326").total_bounds
    pad = 0.005
    m = base_map((minx - pad, miny - pad, maxx + pad, maxy + pad), basemap=basemap, api_key=api_key)
    county_layer(county, lang).add_to(m)
    platform_layer(layers["platforms"], layers["zones"], lang).add_to(m)
    return m


def _finish(m: folium.Map, legend: Legend) -> folium.Map:
    legend.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return assets.localize(m)


def _point_layer(gdf: gpd.GeoDataFrame, fields: Sequence[str], color: str, name: str, lang: str,
                 *, radius: float = 5, show: bool = True) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=name, show=show)
    if len(gdf):
        marker = folium.CircleMarker(radius=radius, weight=1, color="#222222", fill_color=color,
                                     fill_opacity=0.9)
        _geojson(gdf, fields, {}, lang, marker=marker).add_to(fg)
    return fg


def inefficient_map(layers: Mapping[str, pd.DataFrame], inefficient: gpd.GeoDataFrame,
                    selected: Sequence[str], cases: gpd.GeoDataFrame, *, lang: str = "zh",
                    basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """Inefficient parcels by first reason, the proposed/selected parcels, and the cases.

    ``inefficient`` is :func:`geo.inefficient.identify`; ``selected`` the parcel ids
    of the planner's current choice; ``cases`` :func:`geo.inefficient.case_table`.
    """
    m = _frame(layers, lang, basemap, api_key, focus=inefficient)
    fg = folium.FeatureGroup(name=i18n.t("ineff.layer.parcels", lang))
    first = inefficient["reasons"].str.split(",").str[0]
    for code, color in styles.INEFFICIENT_REASON_COLORS.items():
        part = inefficient[first == code]
        if part.empty:
            continue
        props = part.assign(reason=[", ".join(i18n.enum_label("case_reason", r, lang)
                                              for r in rs.split(",")) for rs in part["reasons"]],
                            area_mu=part["area_mu"].round(2),
                            tax_per_mu_10k=part["tax_per_mu_10k"].round(2))
        _geojson(props, INEFFICIENT_FIELDS,
                 {"color": color, "fillColor": color, "weight": 0.5, "fillOpacity": 0.7}, lang,
                 name=i18n.enum_label("case_reason", code, lang)).add_to(fg)
    fg.add_to(m)
    chosen = inefficient[inefficient["parcel_id"].isin(set(selected))]
    fg = folium.FeatureGroup(name=i18n.t("ineff.layer.selected", lang))
    if len(chosen):
        props = chosen.assign(area_mu=chosen["area_mu"].round(2),
                              reason=chosen["reasons"], tax_per_mu_10k=chosen["tax_per_mu_10k"].round(2))
        _geojson(props, INEFFICIENT_FIELDS, styles.PROPOSAL_STYLE, lang).add_to(fg)
        # a marker on each selected parcel: parcels are specks at county zoom
        pts = props.assign(geometry=props.geometry.representative_point())
        marker = folium.CircleMarker(radius=6, weight=2, color=styles.PROPOSAL_STYLE["color"],
                                     fill_color=styles.PROPOSAL_STYLE["fillColor"], fill_opacity=0.9)
        _geojson(pts, INEFFICIENT_FIELDS, {}, lang, marker=marker).add_to(fg)
    fg.add_to(m)
    fg = folium.FeatureGroup(name=i18n.t("layer.cases", lang))
    for code, color in styles.CASE_STATUS_COLORS.items():
        part = cases[cases["status"] == code]
        if part.empty:
            continue
        props = part.assign(case_status=i18n.enum_label("case_status", code, lang),
                            route=[i18n.enum_label("case_route", r, lang) for r in part["route"]],
                            area_mu=part["area_mu"].round(2))
        _geojson(props, CASE_FIELDS, {"color": color, "fillColor": color, "weight": 2,
                                      "fillOpacity": 0.5, "dashArray": "4 3"}, lang).add_to(fg)
    fg.add_to(m)
    legend = Legend(i18n.t("legend.title", lang), [
        (i18n.t("ineff.layer.parcels", lang),
         [(c, i18n.enum_label("case_reason", k, lang)) for k, c in styles.INEFFICIENT_REASON_COLORS.items()]),
        (i18n.t("ineff.layer.selected", lang),
         [(styles.PROPOSAL_STYLE["fillColor"], i18n.t("ineff.layer.selected", lang))]),
        (i18n.t("layer.cases", lang),
         [(c, i18n.enum_label("case_status", k, lang)) for k, c in styles.CASE_STATUS_COLORS.items()]),
    ])
    return _finish(m, legend)


def _bin_labels(bounds: Sequence[float], low: float) -> list[str]:
    labels, lo = [], low
    for hi in bounds:
        labels.append(f"{lo:,.3g} – {hi:,.3g}")
        lo = hi
    return labels


def choropleth_map(layers: Mapping[str, pd.DataFrame], agg: gpd.GeoDataFrame, value: str,
                   bounds: Sequence[float], *, lang: str = "zh",
                   points: Mapping[str, gpd.GeoDataFrame] | None = None,
                   basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """``agg`` (from :func:`geo.evaluation.aggregate`) coloured by ``value`` in classes
    with upper ``bounds``; towns (points) as circles. ``points`` may hold
    ``energy`` (energy-intensive enterprises) and ``outside`` (enterprises outside
    every platform and park), drawn as point layers. Lower-is-better
    ``energy_per_10k`` runs dark to light.
    """
    points = points or {}
    energy, outside = points.get("energy"), points.get("outside")
    reverse = value == "energy_per_10k"
    level = next(lv for lv, k in LEVEL_KEYS.items() if k in agg.columns)
    m = _frame(layers, lang, basemap, api_key)
    colors = styles.choropleth_colors(max(len(bounds), 1), reverse=reverse)
    idx = bin_index(agg[value], list(bounds))
    name_col = "name_en" if lang == "en" else "name_zh"
    key = LEVEL_KEYS[level]
    shown = agg.assign(name=agg[name_col] if name_col in agg.columns else agg[key],
                       **{value: agg[value].round(3)})
    fields = ["name", value, "enterprises", "land_area_mu"]
    shown["land_area_mu"] = shown["land_area_mu"].round(1)
    fg = folium.FeatureGroup(name=i18n.t(f"ev.level.{level}", lang))
    is_point = len(agg) and agg.geometry.geom_type.isin(["Point", "MultiPoint"]).all()
    for i, color in [(-1, styles.NO_DATA_COLOR), *enumerate(colors)]:
        part = shown[idx == i]
        if part.empty:
            continue
        if is_point:
            marker = folium.CircleMarker(radius=11, weight=1, color="#333333", fill_color=color,
                                         fill_opacity=0.95)
            _geojson(part, fields, {}, lang, marker=marker).add_to(fg)
        else:
            _geojson(part, fields, {"color": "#555555", "fillColor": color, "weight": 0.6,
                                    "fillOpacity": 0.8}, lang).add_to(fg)
    fg.add_to(m)
    if energy is not None:
        _point_layer(energy.assign(energy_per_10k=energy["energy_per_10k"].round(3)),
                     ENTERPRISE_FIELDS, styles.ENERGY_COLOR, i18n.t("ev.layer.energy", lang),
                     lang).add_to(m)
    if outside is not None:
        _point_layer(outside.assign(energy_per_10k=None), ["name", "industry"],
                     styles.OUTSIDE_COLOR, i18n.t("ev.layer.outside", lang), lang,
                     radius=4).add_to(m)
    low = float(agg[value].min()) if len(agg) else 0.0
    entries = list(zip(colors, _bin_labels(bounds, low), strict=False))
    extra = []
    if energy is not None:
        extra.append((styles.ENERGY_COLOR, i18n.t("ev.layer.energy", lang)))
    if outside is not None:
        extra.append((styles.OUTSIDE_COLOR, i18n.t("ev.layer.outside", lang)))
    sections = [(alias(value, lang), entries)]
    if extra:
        sections.append((i18n.t("ev.layer.enterprises", lang), extra))
    return _finish(m, Legend(i18n.t("legend.title", lang), sections))


_FLAG_SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='26' height='30' viewBox='0 0 26 30'>"
             "<rect x='3' y='2' width='2.5' height='27' fill='#333'/>"
             "<path d='M5.5 3 L24 8 L5.5 14 Z' fill='{color}' stroke='#333' stroke-width='1'/></svg>")


def flag_icon(flag: str, rank: int) -> folium.DivIcon:
    """A small inline-SVG flag in the flag's colour with the rank beside it (no image assets)."""
    svg = _FLAG_SVG.replace("{color}", styles.RANK_FLAG_COLORS[flag])
    html = (f"<div style='display:flex;align-items:flex-start;font:bold 12px sans-serif'>{svg}"
            f"<span style='background:#fff;border:1px solid #333;border-radius:3px;"
            f"padding:0 3px;margin-top:2px'>{rank}</span></div>")
    icon = folium.DivIcon(html=html, icon_size=(48, 30), icon_anchor=(4, 29),
                          class_name="rank-flag")
    # read by layers.printable, which cannot draw the inline SVG on paper
    icon.print_color, icon.print_text = styles.RANK_FLAG_COLORS[flag], str(rank)
    return icon


def ranking_map(layers: Mapping[str, pd.DataFrame], flagged: gpd.GeoDataFrame, *,
                lang: str = "zh", basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """Platforms filled with their flag colour, and a flag marker (with the rank) on every unit.

    ``flagged`` is :func:`geo.ranking.flags`; platforms are polygons, towns their seats.
    """
    m = _frame(layers, lang, basemap, api_key, focus=flagged)
    name_col = "name_en" if lang == "en" else "name_zh"
    fg = folium.FeatureGroup(name=i18n.t("rank.layer.flags", lang))
    shown = flagged.assign(name=flagged[name_col],
                           flag_label=[i18n.t(f"rank.flag.{f}", lang) for f in flagged["flag"]],
                           score=flagged["score"].round(1))
    fields = ["name", "flag_label", "rank", "score"]
    polys = shown[shown["kind"] == "platform"]
    for code, color in styles.RANK_FLAG_COLORS.items():
        part = polys[polys["flag"] == code]
        if len(part):
            _geojson(part, fields, {"color": color, "fillColor": color, "weight": 3,
                                    "fillOpacity": 0.35}, lang).add_to(fg)
    points = shown.to_crs("EPSG:4326")
    for row in points.itertuples():
        pt = row.geometry.representative_point()
        tip = f"{row.name} · {i18n.t(f'rank.flag.{row.flag}', lang)} · {alias('rank', lang)} {row.rank}"
        folium.Marker([pt.y, pt.x], icon=flag_icon(row.flag, int(row.rank)),
                      tooltip=html_text(tip)).add_to(fg)
    fg.add_to(m)
    legend = Legend(i18n.t("legend.title", lang), [
        (i18n.t("rank.layer.flags", lang),
         [(c, i18n.t(f"rank.flag.{k}", lang)) for k, c in styles.RANK_FLAG_COLORS.items()])])
    return _finish(m, legend)

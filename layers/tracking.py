"""Maps of the tracking pages: micro parks by status, land sold by year / idle flag /
lifecycle gap.

One GeoJson per category with a constant style (O(1) styler, PERFORMANCE.md §2),
lean GeoJSON, canvas renderer, local assets.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from geo import i18n
from layers import assets, styles
from layers._geojson import lean_geojson
from layers.basemap import base_map
from layers.legend import Legend
from layers.overview import county_layer, platform_layer

PARK_FIELDS = ["park_id", "name_zh", "status", "industry_theme", "planned_area_mu",
               "mapped_area_mu", "floor_area_m2", "enterprises_in", "star_rating",
               "tax_per_mu_10k"]
SALE_FIELDS = ["parcel_id", "sale_id", "year", "area_mu", "flag"]
GAP_FIELDS = ["parcel_id", "gap", "area_mu"]


def _aliases(fields: list[str], lang: str) -> list[str]:
    return [i18n.t(f"col.{f}", lang) if f"col.{f}" in i18n.TABLE else f for f in fields]


def _categories(gdf: gpd.GeoDataFrame, column: str, colors: Mapping, labels: Mapping,
                fields: list[str], lang: str, *, style: Mapping | None = None,
                popup: bool = False) -> list[folium.GeoJson]:
    out = []
    for code, color in colors.items():
        part = gdf[gdf[column] == code]
        if part.empty:
            continue
        s = {"color": color, "fillColor": color, "weight": 1, "fillOpacity": 0.7, **(style or {})}
        props = part.assign(**{column: labels[code]})
        out.append(folium.GeoJson(
            lean_geojson(props, fields), name=str(labels[code]), style_function=lambda _, s=s: s,
            tooltip=folium.GeoJsonTooltip(fields=fields, aliases=_aliases(fields, lang), sticky=True),
            popup=folium.GeoJsonPopup(fields=fields, aliases=_aliases(fields, lang)) if popup else None))
    return out


def _bounds(gdf: gpd.GeoDataFrame, fallback: gpd.GeoDataFrame, pad: float = 0.01):
    use = gdf if len(gdf) else fallback
    minx, miny, maxx, maxy = use.to_crs("EPSG:4326").total_bounds
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def parks_map(layers: Mapping[str, pd.DataFrame], table: pd.DataFrame, *, lang: str = "zh",
              basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """The parks of ``table`` (a :func:`geo.parks.table`, maybe filtered) coloured by status."""
    geoms = layers["parks"][["park_id", "geometry"]]
    gdf = gpd.GeoDataFrame(geoms.merge(table, on="park_id"), geometry="geometry", crs=geoms.crs)
    gdf["mapped_area_mu"] = gdf["mapped_area_mu"].round(1)
    gdf["tax_per_mu_10k"] = gdf["tax_per_mu_10k"].round(2)
    m = base_map(_bounds(gdf, layers["county"]), basemap=basemap, api_key=api_key)
    county_layer(layers["county"], lang).add_to(m)
    platform_layer(layers["platforms"], layers["zones"], lang).add_to(m)
    fg = folium.FeatureGroup(name=i18n.t("layer.parks", lang))
    labels = {c: i18n.enum_label("park_status", c, lang) for c in styles.PARK_STATUS_COLORS}
    for gj in _categories(gdf, "status", styles.PARK_STATUS_COLORS, labels, PARK_FIELDS, lang,
                          style={"weight": 2, "fillOpacity": 0.75}, popup=True):
        gj.add_to(fg)
    fg.add_to(m)
    # a dot on each park, so that parks of about 100 mu stay visible at the county's zoom
    dots = folium.FeatureGroup(name=i18n.t("layer.parks", lang) + " ·", control=False)
    points = gdf.assign(geometry=gdf.geometry.representative_point())
    for code, color in styles.PARK_STATUS_COLORS.items():
        part = points[points["status"] == code]
        if part.empty:
            continue
        fields = ["park_id", "name_zh", "status"]
        folium.GeoJson(
            lean_geojson(part.assign(status=labels[code]), fields),
            marker=folium.CircleMarker(radius=6, weight=1.5, color="#333333", fill_color=color,
                                       fill_opacity=0.95),
            tooltip=folium.GeoJsonTooltip(fields=fields, aliases=_aliases(fields, lang))).add_to(dots)
    dots.add_to(m)
    Legend(i18n.t("legend.title", lang), [
        (i18n.t("legend.park_status", lang), [(c, labels[k]) for k, c in styles.PARK_STATUS_COLORS.items()]),
    ]).add_to(m)
    return assets.localize(m)


def land_map(layers: Mapping[str, pd.DataFrame], sales: pd.DataFrame, *, colour_by: str = "year",
             parcels: gpd.GeoDataFrame | None = None, lang: str = "zh", basemap: str = "none",
             api_key: str | None = None) -> folium.Map:
    """Land sold coloured by year of sale (``colour_by="year"``) or by idle flag
    (``"flag"``); or parcels coloured by lifecycle gap (``"gap"``).

    ``sales`` carries parcel_id, sale_id, year, area_mu and flag (codes);
    ``parcels`` (for ``"gap"``) carries parcel_id, gap and area_mu.
    """
    geoms = layers["parcels"][["parcel_id", "geometry"]]
    if colour_by == "gap":
        data = parcels.drop(columns="geometry", errors="ignore") if parcels is not None else None
        gdf = gpd.GeoDataFrame(geoms.merge(data[GAP_FIELDS], on="parcel_id"), geometry="geometry",
                               crs=geoms.crs)
        column, fields, colors = "gap", GAP_FIELDS, dict(styles.GAP_COLORS)
        labels = {c: i18n.t(f"gap.{c}", lang) for c in colors}
        heading = i18n.t("land.colour_gap", lang)
    else:
        gdf = gpd.GeoDataFrame(geoms.merge(sales[SALE_FIELDS], on="parcel_id"), geometry="geometry",
                               crs=geoms.crs)
        if colour_by == "year":
            column, colors = "year", styles.sale_year_colors(gdf["year"])
            labels = {y: str(y) for y in colors}
            heading = i18n.t("land.colour_year", lang)
        else:
            column, colors = "flag", dict(styles.IDLE_FLAG_COLORS)
            labels = {c: i18n.t(f"flag.{c}", lang) for c in colors}
            heading = i18n.t("land.colour_flag", lang)
        fields = SALE_FIELDS
        gdf = gdf.assign(flag=[i18n.t(f"flag.{f}", lang) for f in gdf["flag"]]) if column != "flag" else gdf
    gdf["area_mu"] = gdf["area_mu"].round(2)
    m = base_map(_bounds(gdf, layers["county"]), basemap=basemap, api_key=api_key)
    county_layer(layers["county"], lang).add_to(m)
    platform_layer(layers["platforms"], layers["zones"], lang).add_to(m)
    fg = folium.FeatureGroup(name=heading)
    for gj in _categories(gdf, column, colors, labels, fields, lang,
                          style={"weight": 0.8, "fillOpacity": 0.8}):
        gj.add_to(fg)
    fg.add_to(m)
    Legend(i18n.t("legend.title", lang), [(heading, [(c, str(labels[k])) for k, c in colors.items()])]
           ).add_to(m)
    return assets.localize(m)

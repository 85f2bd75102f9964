"""Maps of the tracking pages as data: micro parks by status; land sold by year of sale, by
idle flag, or parcels by lifecycle gap."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from geo import i18n, schema, styles
from geo.maps import Group, MapDescription, categorised, legend_section, lonlat_bounds
from geo.maps.labels import park_labels
from geo.maps.overview import county_group, platform_group

PARK_FIELDS = ["park_id", "name_zh", "status", "industry_theme", "planned_area_mu",
               "mapped_area_mu", "floor_area_m2", "enterprises_in", "star_rating",
               "tax_per_mu_10k"]
PARK_DOT_FIELDS = ["park_id", "name_zh", "status"]
SALE_FIELDS = ["parcel_id", "sale_id", "year", "area_mu", "flag"]
GAP_FIELDS = ["parcel_id", "gap", "area_mu"]
PAD_DEG = 0.01


def column_aliases(fields: list[str], lang: str) -> list[str]:
    return [i18n.column_label(f, lang) for f in fields]


def _extent(gdf: gpd.GeoDataFrame, county: gpd.GeoDataFrame):
    return lonlat_bounds(gdf if len(gdf) else county, PAD_DEG)


def parks_map(layers: Mapping[str, pd.DataFrame], table: pd.DataFrame, *,
              lang: str = "zh") -> MapDescription:
    """The parks of ``table`` (a :func:`geo.parks.table`, maybe filtered) coloured by status,
    with a dot on each so that parks of about 100 mu stay visible at the county's zoom."""
    geoms = layers["parks"][["park_id", "geometry"]]
    gdf = gpd.GeoDataFrame(geoms.merge(table, on="park_id"), geometry="geometry", crs=geoms.crs)
    gdf["mapped_area_mu"] = gdf["mapped_area_mu"].round(1)
    gdf["tax_per_mu_10k"] = gdf["tax_per_mu_10k"].round(2)
    labels = schema.enum_labels("park_status", lang)
    parks = Group("parks", i18n.t("layer.parks", lang), categorised(
        gdf, "status", styles.PARK_STATUS_COLORS, labels, key="parks", fields=PARK_FIELDS,
        aliases=column_aliases(PARK_FIELDS, lang), style={"weight": 2, "fill_opacity": 0.75},
        popup=True))
    names = park_labels(gdf, lang)
    if names is not None:
        parks.layers.append(names)
    points = gdf.assign(geometry=gdf.geometry.representative_point())
    dots = Group("park_dots", i18n.t("layer.parks", lang) + " ·", categorised(
        points, "status", styles.PARK_STATUS_COLORS, labels, key="park_dots",
        fields=PARK_DOT_FIELDS, aliases=column_aliases(PARK_DOT_FIELDS, lang),
        style={"weight": 1.5, "fill_opacity": 0.95, "radius": 6, "outline": "#333333"},
        points=True), control=False)
    return MapDescription(
        [county_group(layers["county"], lang),
         platform_group(layers["platforms"], layers["zones"], lang), parks, dots],
        [legend_section(i18n.t("legend.park_status", lang), styles.PARK_STATUS_COLORS, labels,
                        style={"weight": 2, "fill_opacity": 0.75}, present=gdf["status"])],
        extent=_extent(gdf, layers["county"]), layer_control=False,
        title=i18n.t("parks.heading", lang), what=i18n.t("parks.map", lang))


def land_map(layers: Mapping[str, pd.DataFrame], sales: pd.DataFrame, *, colour_by: str = "year",
             parcels: gpd.GeoDataFrame | None = None, lang: str = "zh") -> MapDescription:
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
        gdf = gpd.GeoDataFrame(geoms.merge(sales[SALE_FIELDS], on="parcel_id"),
                               geometry="geometry", crs=geoms.crs)
        if colour_by == "year":
            column, colors = "year", styles.sale_year_colors(gdf["year"])
            labels = {y: str(y) for y in colors}
            heading = i18n.t("land.colour_year", lang)
            gdf = gdf.assign(flag=[i18n.t(f"flag.{f}", lang) for f in gdf["flag"]])
        else:
            column, colors = "flag", dict(styles.IDLE_FLAG_COLORS)
            labels = {c: i18n.t(f"flag.{c}", lang) for c in colors}
            heading = i18n.t("land.colour_flag", lang)
        fields = SALE_FIELDS
    gdf["area_mu"] = gdf["area_mu"].round(2)
    style = {"weight": 0.8, "fill_opacity": 0.8}
    sold = Group("land", heading, categorised(gdf, column, colors, labels, key="land",
                                              fields=fields, aliases=column_aliases(fields, lang),
                                              style=style))
    what = f"{i18n.t('land.map', lang)} · {heading}"
    return MapDescription(
        [county_group(layers["county"], lang),
         platform_group(layers["platforms"], layers["zones"], lang), sold],
        [legend_section(heading, colors, labels, style=style, present=gdf[column])],
        extent=_extent(gdf, layers["county"]), layer_control=False,
        title=i18n.t("land.heading", lang), what=what)

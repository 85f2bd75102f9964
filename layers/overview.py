"""Layer builders for the county overview map.

Each builder takes a GeoDataFrame from the store and returns a FeatureGroup.
Categorised layers (parks by status, parcels by lifecycle) are one GeoJson per
category with a constant style, which keeps folium's styler O(1) per feature
(its per-feature ``switch`` is O(N²) in the browser; PERFORMANCE.md §2).
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from geo import i18n, settings
from geo.units import area_mu
from layers import assets, styles
from layers._geojson import lean_geojson
from layers.basemap import base_map
from layers.cadastre import parcel_tile_layer
from layers.legend import Legend


def _tooltip(fields: list[str], lang: str) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=fields, aliases=[i18n.t(f"field.{f}", lang) for f in fields],
                                 sticky=True)


def _popup(fields: list[str], lang: str) -> folium.GeoJsonPopup:
    return folium.GeoJsonPopup(fields=fields, aliases=[i18n.t(f"field.{f}", lang) for f in fields])


def county_layer(county: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.county", lang))
    if county.empty:
        return fg
    folium.GeoJson(lean_geojson(county, ["name"], simplify_m=5), name="county",
                   style_function=lambda _: styles.COUNTY_STYLE, interactive=False).add_to(fg)
    return fg


def platform_layer(platforms: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                   lang: str) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.platforms", lang))
    name_col = "name_en" if lang == "en" else "name_zh"
    if not platforms.empty:
        plat = platforms.assign(name=platforms[name_col], area_mu=area_mu(platforms).round(0))
        folium.GeoJson(lean_geojson(plat, ["name", "area_mu"], simplify_m=2),
                       style_function=lambda _: styles.PLATFORM_STYLE,
                       tooltip=_tooltip(["name", "area_mu"], lang)).add_to(fg)
    if not zones.empty:
        zn = zones.assign(name=zones[name_col])
        folium.GeoJson(lean_geojson(zn, ["name"], simplify_m=2),
                       style_function=lambda _: styles.ZONE_STYLE,
                       tooltip=_tooltip(["name"], lang)).add_to(fg)
    return fg


def _categorised(gdf: gpd.GeoDataFrame, column: str, enum: str, colors: Mapping[str, str],
                 fields: list[str], lang: str, *, popup: bool = False,
                 style: Mapping | None = None) -> list[folium.GeoJson]:
    out = []
    for code, color in colors.items():
        part = gdf[gdf[column] == code]
        if part.empty:
            continue
        label = i18n.enum_label(enum, code, lang)
        s = {"color": color, "fillColor": color, "weight": 1, "fillOpacity": 0.6, **(style or {})}
        out.append(folium.GeoJson(
            lean_geojson(part.assign(**{column: label}), fields),
            name=label, style_function=lambda _, s=s: s,
            tooltip=_tooltip(fields, lang), popup=_popup(fields, lang) if popup else None))
    return out


PARK_FIELDS = ["name_zh", "status", "industry_theme", "planned_area_mu", "area_mu",
               "floor_area_m2", "enterprises_in", "star_rating"]


def park_layer(parks: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """The micro parks coloured by status, with a popup of their key figures."""
    fg = folium.FeatureGroup(name=i18n.t("layer.parks", lang))
    parks = parks.assign(area_mu=area_mu(parks).round(1))
    for gj in _categorised(parks, "status", "park_status", styles.PARK_STATUS_COLORS, PARK_FIELDS,
                           lang, popup=True, style={"weight": 2, "fillOpacity": 0.75}):
        gj.add_to(fg)
    return fg


PARCEL_FIELDS = ["parcel_id", "lifecycle", "area_mu", "town"]


def parcel_layer(parcels: gpd.GeoDataFrame, towns: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Industrial parcels coloured by their place in the land lifecycle (批供用建投达)."""
    fg = folium.FeatureGroup(name=i18n.t("layer.parcels", lang))
    name_col = "name_en" if lang == "en" else "name_zh"
    town_name = dict(zip(towns["town_code"], towns[name_col], strict=True))
    parcels = parcels.assign(area_mu=area_mu(parcels).round(2),
                             town=parcels["town_code"].map(town_name))
    for gj in _categorised(parcels, "lifecycle", "lifecycle", styles.LIFECYCLE_COLORS,
                           PARCEL_FIELDS, lang, style={"weight": 0.5, "fillOpacity": 0.7}):
        gj.add_to(fg)
    return fg


def enterprise_layer(enterprises: gpd.GeoDataFrame, lang: str, *,
                     show: bool = True) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.enterprises", lang), show=show)
    if enterprises.empty:
        return fg
    folium.GeoJson(
        lean_geojson(enterprises, ["name", "industry", "uscc"]),
        marker=folium.CircleMarker(radius=3, weight=1, color=styles.ENTERPRISE_COLOR,
                                   fill_color=styles.ENTERPRISE_COLOR, fill_opacity=0.8),
        tooltip=_tooltip(["name", "industry", "uscc"], lang)).add_to(fg)
    return fg


def constraint_layer(constraints: gpd.GeoDataFrame, lang: str, *,
                     show: bool = False) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.constraints", lang), show=show)
    c = constraints.assign(name=constraints["name_zh"])
    for gj in _categorised(c, "kind", "constraint_kind", styles.CONSTRAINT_COLORS,
                           ["name", "kind"], lang, style={"weight": 1, "fillOpacity": 0.25}):
        gj.add_to(fg)
    return fg


def road_layer(roads: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.roads", lang))
    r = roads.assign(name=roads["name_zh"])
    for code, color in styles.ROAD_COLORS.items():
        part = r[r["road_class"] == code]
        if part.empty:
            continue
        s = {"color": color, "weight": styles.ROAD_WEIGHTS[code]}
        folium.GeoJson(lean_geojson(part.assign(road_class=i18n.enum_label("road_class", code, lang)),
                                    ["name", "road_class"], simplify_m=10),
                       style_function=lambda _, s=s: s,
                       tooltip=_tooltip(["name", "road_class"], lang)).add_to(fg)
    return fg


def town_layer(towns: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    fg = folium.FeatureGroup(name=i18n.t("layer.towns", lang))
    if towns.empty:
        return fg
    name_col = "name_en" if lang == "en" else "name_zh"
    t = towns.assign(name=towns[name_col], kind=[i18n.enum_label("town_kind", k, lang)
                                                  for k in towns["kind"]])
    gj = folium.GeoJson(lean_geojson(t, ["name", "kind"]),
                        marker=folium.CircleMarker(radius=4, weight=2, color=styles.TOWN_COLOR,
                                                   fill_color="#ffffff", fill_opacity=1),
                        tooltip=_tooltip(["name", "kind"], lang))
    gj.print_label = "name"  # printed beside the seat on an exported sheet (layers.printable)
    gj.add_to(fg)
    return fg


def overview_legend(lang: str, *, density: list[tuple[str, str]] | None = None) -> Legend:
    """The overview legend; ``density``: entries of the parcel aggregate grid, when shown."""
    def section(key, enum, colors):
        return (i18n.t(key, lang), [(c, i18n.enum_label(enum, code, lang)) for code, c in colors.items()])
    sections = [
        section("legend.park_status", "park_status", styles.PARK_STATUS_COLORS),
        section("legend.parcel_status", "lifecycle", styles.LIFECYCLE_COLORS),
    ]
    if density:
        sections.append((i18n.t("cadastre.legend.density", lang), density))
    sections.append((i18n.t("layer.platforms", lang), [(styles.PLATFORM_STYLE["fillColor"],
                                                        i18n.t("layer.platforms", lang))]))
    return Legend(i18n.t("legend.title", lang), sections)


def uses_parcel_tiles(parcels: pd.DataFrame, threshold: int | None = None) -> bool:
    """True when the store has too many parcels to embed (above the tile threshold)."""
    limit = settings.parcel_tile_threshold() if threshold is None else threshold
    return len(parcels) > limit


def overview_map(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", basemap: str = "none",
                 api_key: str | None = None, parcel_tiles: str | None = None,
                 tile_threshold: int | None = None) -> folium.Map:
    """The county overview: boundary, platforms, parks, parcels, enterprises, roads, constraints.

    Above ``tile_threshold`` parcels (default :func:`geo.settings.parcel_tile_threshold`)
    parcels are drawn as grid aggregates and the vector tiles at ``parcel_tiles``
    (:mod:`layers.cadastre`); at or below it, as embedded GeoJSON.
    """
    county = layers["county"]
    m = base_map(tuple(county.to_crs("EPSG:4326").total_bounds), basemap=basemap, api_key=api_key)
    density = None
    if uses_parcel_tiles(layers["parcels"], tile_threshold):
        parcels_fg, density = parcel_tile_layer(layers["parcels"], layers["towns"], lang,
                                                parcel_tiles)
    else:
        parcels_fg = parcel_layer(layers["parcels"], layers["towns"], lang)
    for fg in (
        constraint_layer(layers["constraints"], lang),
        county_layer(county, lang),
        platform_layer(layers["platforms"], layers["zones"], lang),
        parcels_fg,
        park_layer(layers["parks"], lang),
        road_layer(layers["roads"], lang),
        enterprise_layer(layers["enterprises"], lang, show=False),
        town_layer(layers["towns"], lang),
    ):
        fg.add_to(m)
    overview_legend(lang, density=density).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return assets.localize(m)

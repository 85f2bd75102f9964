"""The county overview map as data, and the groups other maps share with it.

Groups: constraints, county, platforms and zones, parcels (or, for a
county-wide cadastre, their grid aggregates and vector tiles), parks,
roads, enterprises, town seats. Categorised layers are one layer per
category with a constant style (:func:`geo.maps.categorised`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo import cadastre, i18n, schema, settings, styles
from geo.errors import PlannerError
from geo.maps import (
    Features,
    Group,
    LegendEntry,
    LegendSection,
    MapDescription,
    Style,
    VectorTiles,
    categorised,
    filled,
    legend_section,
    lonlat_bounds,
)
from geo.maps.labels import park_labels, platform_labels, town_labels
from geo.units import area_mu

COUNTY = Style(color=styles.COUNTY_STYLE["color"], weight=styles.COUNTY_STYLE["weight"],
               fill=False, dash=styles.COUNTY_STYLE["dashArray"])
PLATFORM = Style(color=styles.PLATFORM_STYLE["color"], weight=styles.PLATFORM_STYLE["weight"],
                 fill_color=styles.PLATFORM_STYLE["fillColor"],
                 fill_opacity=styles.PLATFORM_STYLE["fillOpacity"])
ZONE = Style(color=styles.ZONE_STYLE["color"], weight=styles.ZONE_STYLE["weight"], fill=False,
             dash=styles.ZONE_STYLE["dashArray"])
ENTERPRISE = Style(color=styles.ENTERPRISE_COLOR, weight=1, fill_color=styles.ENTERPRISE_COLOR,
                   fill_opacity=0.8, radius=3)
TOWN = Style(color=styles.TOWN_COLOR, weight=2, fill_color="#ffffff", fill_opacity=1, radius=4)
PARK_STYLE = {"weight": 2, "fill_opacity": 0.75}
PARCEL_STYLE = {"weight": 0.5, "fill_opacity": 0.7}
CONSTRAINT_STYLE = {"weight": 1, "fill_opacity": 0.25}

PARK_FIELDS = ["name_zh", "status", "industry_theme", "planned_area_mu", "area_mu",
               "floor_area_m2", "enterprises_in", "star_rating"]
PARCEL_FIELDS = ["parcel_id", "lifecycle", "area_mu", "town"]
POPUP_FIELDS = ("parcel_id", "lifecycle", "area_mu", "town")

# Layers the overview shows when it opens (constraints and enterprises start hidden there).
OVERVIEW_DEFAULT = ("county", "platforms", "parcels", "parks", "roads", "towns")
OVERVIEW_LAYERS = (*OVERVIEW_DEFAULT, "constraints", "enterprises")


def field_aliases(fields: Sequence[str], lang: str) -> list[str]:
    return [i18n.column_label(f, lang) for f in fields]


def county_group(county: gpd.GeoDataFrame, lang: str) -> Group:
    g = Group("county", i18n.t("layer.county", lang))
    if len(county):
        g.layers.append(Features("county", county, COUNTY, simplify_m=5, interactive=False))
    return g


def platform_group(platforms: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, lang: str) -> Group:
    g = Group("platforms", i18n.t("layer.platforms", lang))
    name = i18n.name_column(lang)
    if len(platforms):
        plat = platforms.assign(name=platforms[name], area_mu=area_mu(platforms).round(0))
        fields = ["name", "area_mu"]
        g.layers.append(Features("platforms", plat, PLATFORM, fields=fields,
                                 aliases=field_aliases(fields, lang), simplify_m=2))
    if len(zones):
        zn = zones.assign(name=zones[name])
        g.layers.append(Features("zones", zn, ZONE, fields=["name"],
                                 aliases=field_aliases(["name"], lang), simplify_m=2))
    _add(g, platform_labels(platforms, lang))
    return g


def _add(group: Group, labels) -> None:
    if labels is not None:
        group.layers.append(labels)


def park_group(parks: gpd.GeoDataFrame, lang: str) -> Group:
    """The micro parks coloured by status, with a popup of their key figures."""
    parks = parks.assign(area_mu=area_mu(parks).round(1))
    g = Group("parks", i18n.t("layer.parks", lang), categorised(
        parks, "status", styles.PARK_STATUS_COLORS, schema.enum_labels("park_status", lang),
        key="parks", fields=PARK_FIELDS, aliases=field_aliases(PARK_FIELDS, lang),
        style=PARK_STYLE, popup=True))
    _add(g, park_labels(parks, lang))
    return g


def parcel_group(parcels: gpd.GeoDataFrame, towns: pd.DataFrame, lang: str) -> Group:
    """Industrial parcels coloured by their place in the land lifecycle (批供用建投达)."""
    town_name = dict(zip(towns["town_code"], towns[i18n.name_column(lang)], strict=True))
    parcels = parcels.assign(area_mu=area_mu(parcels).round(2),
                             town=parcels["town_code"].map(town_name))
    return Group("parcels", i18n.t("layer.parcels", lang), categorised(
        parcels, "lifecycle", styles.LIFECYCLE_COLORS, schema.enum_labels("lifecycle", lang),
        key="parcels", fields=PARCEL_FIELDS, aliases=field_aliases(PARCEL_FIELDS, lang),
        style=PARCEL_STYLE))


def tile_popup_text(towns: pd.DataFrame, lang: str) -> dict:
    """Labels the vector-tile parcel popup shows, in ``lang``."""
    return {
        "fields": {f: i18n.t(f"field.{f}", lang) for f in POPUP_FIELDS},
        "lifecycle": schema.enum_labels("lifecycle", lang),
        "towns": dict(zip(towns["town_code"], towns[i18n.name_column(lang)], strict=True)),
    }


def density_features(parcels: gpd.GeoDataFrame, lang: str) -> tuple[list[Features],
                                                                     list[tuple[str, str]]]:
    """The aggregate grid, one layer per density class, and its (colour, label) legend."""
    cells = cadastre.grid_aggregates(parcels)
    breaks = cadastre.density_breaks(cells["count"])
    cells["cls"] = cadastre.density_classes(cells["count"], breaks)
    ranges = cadastre.density_ranges(breaks, int(cells["count"].max()))
    stage_cols = [f"n_{code}" for code in schema.ENUMS["lifecycle"]]
    fields = ["count", "area_mu", *stage_cols]
    aliases = [i18n.t("cadastre.field.count", lang), i18n.t("field.area_mu", lang),
               *(i18n.enum_label("lifecycle", code, lang) for code in schema.ENUMS["lifecycle"])]
    out, legend = [], []
    base = styles.DENSITY_STYLE
    for cls, ((lo, hi), color) in enumerate(zip(ranges, styles.DENSITY_COLORS, strict=False)):
        label = f"{lo:,}–{hi:,}" if lo != hi else f"{lo:,}"
        legend.append((color, label))
        part = cells[cells["cls"] == cls]
        if part.empty:
            continue
        style = Style(color=base["color"], weight=base["weight"], fill_color=color,
                      fill_opacity=base["fillOpacity"])
        name = f"{i18n.t('cadastre.layer.density', lang)}: {label}"
        out.append(Features(f"density:{cls}", part, style, name, fields=fields, aliases=aliases,
                            simplify_m=0, precision=5))  # ~1 m on 500 m cells
    return out, legend


def parcel_tiles_group(parcels: gpd.GeoDataFrame, towns: pd.DataFrame, lang: str,
                       tiles_url: str | None) -> tuple[Group, list[tuple[str, str]]]:
    """Parcels of a county-wide cadastre: grid aggregates, and (when ``tiles_url`` is given)
    the vector tiles built by :func:`geo.cadastre.build_tiles`; with the density legend."""
    aggregates, legend = density_features(parcels, lang)
    g = Group("parcels", i18n.t("layer.parcels", lang), list(aggregates))
    if tiles_url:
        # tiles exist (some empty) only inside the parcels' bounds: ask for none outside
        west, south, east, north = cadastre.lonlat_bounds(parcels)
        inner = (west + 1e-5, south + 1e-5, east - 1e-5, north - 1e-5)  # about 1 m inside
        g.layers.append(VectorTiles("parcels:tiles", tiles_url, inner,
                                    tile_popup_text(towns, lang), cadastre.TILE_MIN_ZOOM))
    return g, legend


def enterprise_group(enterprises: gpd.GeoDataFrame, lang: str) -> Group:
    g = Group("enterprises", i18n.t("layer.enterprises", lang))
    # an enterprise not located yet has no point to draw (data health lists it)
    enterprises = enterprises[enterprises.geometry.notna() & ~enterprises.geometry.is_empty]
    if len(enterprises):
        fields = ["name", "industry", "uscc"]
        g.layers.append(Features("enterprises", enterprises, ENTERPRISE, fields=fields,
                                 aliases=field_aliases(fields, lang), points=True))
    return g


def constraint_group(constraints: gpd.GeoDataFrame, lang: str) -> Group:
    c = constraints.assign(name=constraints["name_zh"])
    fields = ["name", "kind"]
    return Group("constraints", i18n.t("layer.constraints", lang), categorised(
        c, "kind", styles.CONSTRAINT_COLORS, schema.enum_labels("constraint_kind", lang),
        key="constraints", fields=fields, aliases=field_aliases(fields, lang),
        style=CONSTRAINT_STYLE))


def road_style(code: str) -> Style:
    return Style(color=styles.ROAD_COLORS[code], weight=styles.ROAD_WEIGHTS[code], fill=False)


def road_group(roads: gpd.GeoDataFrame, lang: str) -> Group:
    r = roads.assign(name=roads["name_zh"])
    labels = schema.enum_labels("road_class", lang)
    fields = ["name", "road_class"]
    g = Group("roads", i18n.t("layer.roads", lang))
    for code in styles.ROAD_COLORS:
        part = r[r["road_class"] == code]
        if len(part):
            g.layers.append(Features(f"roads:{code}", part.assign(road_class=labels[code]),
                                     road_style(code), fields=fields,
                                     aliases=field_aliases(fields, lang), simplify_m=10))
    return g


def town_group(towns: gpd.GeoDataFrame, lang: str) -> Group:
    g = Group("towns", i18n.t("layer.towns", lang))
    if len(towns):
        t = towns.assign(name=towns[i18n.name_column(lang)],
                         kind=[i18n.enum_label("town_kind", k, lang) for k in towns["kind"]])
        fields = ["name", "kind"]
        g.layers.append(Features("towns", t, TOWN, fields=fields,
                                 aliases=field_aliases(fields, lang), points=True,
                                 label_field="name"))
    _add(g, town_labels(towns, lang))
    return g


def _only(colors: Mapping[str, str], present: Iterable[str] | None) -> dict[str, str]:
    """The legend's categories: those the map shows (after filters), in the legend's order."""
    if present is None:
        return dict(colors)
    present = set(present)
    return {code: color for code, color in colors.items() if code in present}


def overview_legend(shown: Iterable[str], lang: str, *,
                    density: list[tuple[str, str]] | None = None,
                    present: Mapping[str, Iterable[str]] | None = None) -> list[LegendSection]:
    """The overview's legend: a section per categorised layer shown, then the others.
    ``present``: layer -> the category codes its features have (after filters); the legend
    lists only those."""
    shown = set(shown)
    present = present or {}
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    out = []
    if "parks" in shown:
        out.append(legend_section(t("legend.park_status"),
                                  _only(styles.PARK_STATUS_COLORS, present.get("parks")),
                                  schema.enum_labels("park_status", lang), style=PARK_STYLE))
    if "parcels" in shown:
        if density:
            out.append(LegendSection(t("cadastre.legend.density"), [
                LegendEntry(label, filled(color, weight=styles.DENSITY_STYLE["weight"],
                                          fill_opacity=styles.DENSITY_STYLE["fillOpacity"]))
                for color, label in density]))
        else:
            out.append(legend_section(t("legend.parcel_status"),
                                      _only(styles.LIFECYCLE_COLORS, present.get("parcels")),
                                      schema.enum_labels("lifecycle", lang), style=PARCEL_STYLE))
    others = [(g, key, style, kind) for g, key, style, kind in (
        ("platforms", "layer.platforms", PLATFORM, "polygon"),
        ("platforms", "layer.zones", ZONE, "polygon"),
        ("county", "layer.county", COUNTY, "polygon"),
        ("towns", "layer.towns", TOWN, "point"),
        ("enterprises", "layer.enterprises", ENTERPRISE, "point")) if g in shown]
    if others:
        out.append(LegendSection(t("export.legend_other"),
                                 [LegendEntry(t(key), style, kind) for _, key, style, kind in others]))
    if "roads" in shown:
        labels = schema.enum_labels("road_class", lang)
        out.append(LegendSection(t("layer.roads"), [LegendEntry(labels[c], road_style(c), "line")
                                                    for c in styles.ROAD_COLORS]))
    if "constraints" in shown:
        out.append(legend_section(t("layer.constraints"), styles.CONSTRAINT_COLORS,
                                  schema.enum_labels("constraint_kind", lang),
                                  style=CONSTRAINT_STYLE))
    return out


def uses_parcel_tiles(parcels: pd.DataFrame, threshold: int | None = None) -> bool:
    """True when the store has too many parcels to embed (above the tile threshold)."""
    limit = settings.parcel_tile_threshold() if threshold is None else threshold
    return len(parcels) > limit


def apply_filters(df: pd.DataFrame, filters: Mapping[str, Iterable] | None) -> pd.DataFrame:
    """Rows whose ``column`` value is in the allowed values, for every filtered column."""
    for column, allowed in (filters or {}).items():
        if column not in df.columns:
            raise PlannerError(i18n.Message.of("err.map.no_column", column=column,
                                               columns=[str(c) for c in df.columns]))
        df = df[df[column].isin(list(allowed))]
    return df


def overview(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
             visible: Iterable[str] | None = None,
             filters: Mapping[str, Mapping[str, Iterable]] | None = None,
             parcel_tiles: str | None = None, tile_threshold: int | None = None) -> MapDescription:
    """The county overview: boundary, platforms, parks, parcels, enterprises, roads,
    constraints, towns.

    ``visible`` names the groups shown when the map opens (default
    :data:`OVERVIEW_DEFAULT`); ``filters`` maps a layer to ``{column: allowed values}``.
    Above ``tile_threshold`` parcels (default :func:`geo.settings.parcel_tile_threshold`)
    parcels are drawn as grid aggregates and the vector tiles at ``parcel_tiles``.
    """
    shown = set(OVERVIEW_DEFAULT if visible is None else visible)
    unknown = shown - set(OVERVIEW_LAYERS)
    if unknown:
        raise PlannerError(i18n.Message.of("err.map.unknown_layers", names=sorted(unknown),
                                           known=list(OVERVIEW_LAYERS)))
    filters = filters or {}
    lay = {name: apply_filters(layers[name], filters.get(name))
           for name in (*OVERVIEW_LAYERS, "zones")}
    density = None
    if uses_parcel_tiles(lay["parcels"], tile_threshold):
        parcels, density = parcel_tiles_group(lay["parcels"], lay["towns"], lang, parcel_tiles)
    else:
        parcels = parcel_group(lay["parcels"], lay["towns"], lang)
    groups = [constraint_group(lay["constraints"], lang), county_group(lay["county"], lang),
              platform_group(lay["platforms"], lay["zones"], lang), parcels,
              park_group(lay["parks"], lang), road_group(lay["roads"], lang),
              enterprise_group(lay["enterprises"], lang), town_group(lay["towns"], lang)]
    for g in groups:
        g.show = g.key in shown
    present = {"parks": set(lay["parks"]["status"]), "parcels": set(lay["parcels"]["lifecycle"])}
    return MapDescription(groups, overview_legend(shown, lang, density=density, present=present),
                          extent=lonlat_bounds(layers["county"]),
                          title=i18n.t("overview.heading", lang),
                          what=i18n.t("export.what_overview", lang))

"""What a printed map shows: the same layers, colours, filters and extent as the app's map.

A :class:`MapSpec` is the print twin of a folium map: layers of geometries in
EPSG:4549 (so metres on the sheet are true), each with the symbol the app
draws it with (colours from :mod:`layers.styles`), the legend sections, and the
extent. :data:`PAGES` maps each exportable page to the function that builds its
spec; another page adds its own with :func:`register`.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import i18n
from geo.export.draw import LINE, POINT, POLYGON, DrawLayer, RasterLayer, Symbol
from geo.export.errors import ExportError
from geo.settings import METRIC_CRS, WEB_CRS
from layers import styles

# Leaflet line weights are CSS pixels (1/96 in); on paper 1 px = 0.75 pt.
PT_PER_PX = 0.75


@dataclass(frozen=True)
class LegendEntry:
    """One swatch of the legend: a label and the symbol it stands for."""

    label: str
    symbol: Symbol


@dataclass
class MapSpec:
    """Everything one printed map shows."""

    page: str
    title: str
    what: str
    layers: list[DrawLayer | RasterLayer]
    legend: list[tuple[str, list[LegendEntry]]]
    extent_m: tuple[float, float, float, float]
    labels: list[tuple[float, float, str]] = field(default_factory=list)

    def legend_labels(self) -> list[str]:
        return [e.label for _, entries in self.legend for e in entries]


def _px(weight: float) -> float:
    return weight * PT_PER_PX


def _dashes(css: str | None) -> tuple[float, ...] | None:
    return tuple(float(v) * PT_PER_PX for v in css.split()) if css else None


def to_metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries of ``gdf`` in EPSG:4549, as an array (refuses a frame with no CRS)."""
    if gdf.crs is None:
        msg = "Layer has no CRS; cannot place it on a map in metres."
        raise ExportError(msg)
    return gdf.geometry.to_crs(METRIC_CRS).to_numpy()


def bbox_to_metric(bbox_deg: Sequence[float]) -> tuple[float, float, float, float]:
    """A lon/lat box (minx, miny, maxx, maxy, WGS84) as its EPSG:4549 bounding box."""
    minx, miny, maxx, maxy = (float(v) for v in bbox_deg)
    if not (minx < maxx and miny < maxy):
        msg = f"Map extent {bbox_deg}: expected minx < maxx and miny < maxy in degrees."
        raise ExportError(msg)
    box = shapely.segmentize(shapely.box(minx, miny, maxx, maxy), 0.01)
    tr = Transformer.from_crs(WEB_CRS, METRIC_CRS, always_xy=True)
    return tuple(shapely.transform(box, lambda xy: np.column_stack(tr.transform(xy[:, 0],
                                                                                xy[:, 1]))).bounds)


def apply_filters(df: pd.DataFrame, filters: Mapping[str, Iterable] | None) -> pd.DataFrame:
    """Rows whose ``column`` value is in the allowed values, for every filtered column."""
    for column, allowed in (filters or {}).items():
        if column not in df.columns:
            msg = f"Filter on {column!r}: the layer has no such column ({list(df.columns)})."
            raise ExportError(msg)
        df = df[df[column].isin(list(allowed))]
    return df


def _categorised(gdf: gpd.GeoDataFrame, column: str, colors: Mapping[str, str], key: str,
                 symbol: Callable[[str], Symbol], zorder: float) -> list[DrawLayer]:
    geoms = to_metric(gdf)
    values = gdf[column].to_numpy()
    return [DrawLayer(f"{key}:{code}", geoms[values == code], symbol(color), zorder)
            for code, color in colors.items() if (values == code).any()]


# Symbols of the overview map, converted from the folium styles in layers/overview.py.
def park_symbol(color: str) -> Symbol:
    return Symbol(POLYGON, face=color, edge=color, linewidth_pt=_px(2), face_alpha=0.75)


def parcel_symbol(color: str) -> Symbol:
    return Symbol(POLYGON, face=color, edge=color, linewidth_pt=_px(0.5), face_alpha=0.7)


def constraint_symbol(color: str) -> Symbol:
    return Symbol(POLYGON, face=color, edge=color, linewidth_pt=_px(1), face_alpha=0.25)


COUNTY = Symbol(POLYGON, edge=styles.COUNTY_STYLE["color"],
                linewidth_pt=_px(styles.COUNTY_STYLE["weight"]),
                dashes=_dashes(styles.COUNTY_STYLE["dashArray"]))
PLATFORM = Symbol(POLYGON, face=styles.PLATFORM_STYLE["fillColor"],
                  edge=styles.PLATFORM_STYLE["color"],
                  linewidth_pt=_px(styles.PLATFORM_STYLE["weight"]),
                  face_alpha=styles.PLATFORM_STYLE["fillOpacity"])
ZONE = Symbol(POLYGON, edge=styles.ZONE_STYLE["color"], linewidth_pt=_px(styles.ZONE_STYLE["weight"]),
              dashes=_dashes(styles.ZONE_STYLE["dashArray"]))
TOWN = Symbol(POINT, face="#ffffff", edge=styles.TOWN_COLOR, linewidth_pt=_px(2), marker_size_pt=6)
ENTERPRISE = Symbol(POINT, face=styles.ENTERPRISE_COLOR, edge=styles.ENTERPRISE_COLOR,
                    linewidth_pt=_px(1), face_alpha=0.8, marker_size_pt=4.5)


def road_symbol(code: str) -> Symbol:
    return Symbol(LINE, edge=styles.ROAD_COLORS[code], linewidth_pt=_px(styles.ROAD_WEIGHTS[code]))


# Layers the overview shows when it opens (constraints and enterprises start hidden there).
OVERVIEW_DEFAULT = ("county", "platforms", "parcels", "parks", "roads", "towns")
OVERVIEW_LAYERS = (*OVERVIEW_DEFAULT, "constraints", "enterprises")


def _enum_section(heading: str, enum: str, colors: Mapping[str, str], lang: str,
                  symbol: Callable[[str], Symbol]) -> tuple[str, list[LegendEntry]]:
    return heading, [LegendEntry(i18n.enum_label(enum, code, lang), symbol(color))
                     for code, color in colors.items()]


def _overview_layers(lay: Mapping[str, pd.DataFrame], shown: set[str],
                     lang: str) -> tuple[list[DrawLayer], list[tuple[float, float, str]]]:
    out: list[DrawLayer] = []
    if "constraints" in shown:
        out += _categorised(lay["constraints"], "kind", styles.CONSTRAINT_COLORS, "constraints",
                            constraint_symbol, 1)
    if "county" in shown:
        out.append(DrawLayer("county", to_metric(lay["county"]), COUNTY, 6))
    if "platforms" in shown:
        out.append(DrawLayer("platforms", to_metric(lay["platforms"]), PLATFORM, 2))
        out.append(DrawLayer("zones", to_metric(lay["zones"]), ZONE, 2.1))
    if "parcels" in shown:
        out += _categorised(lay["parcels"], "lifecycle", styles.LIFECYCLE_COLORS, "parcels",
                            parcel_symbol, 3)
    if "parks" in shown:
        out += _categorised(lay["parks"], "status", styles.PARK_STATUS_COLORS, "parks",
                            park_symbol, 4)
    if "roads" in shown:
        roads, geoms = lay["roads"], to_metric(lay["roads"])
        out += [DrawLayer(f"roads:{code}", geoms[(roads["road_class"] == code).to_numpy()],
                          road_symbol(code), 5) for code in styles.ROAD_COLORS]
    if "enterprises" in shown:
        out.append(DrawLayer("enterprises", to_metric(lay["enterprises"]), ENTERPRISE, 7))
    labels: list[tuple[float, float, str]] = []
    if "towns" in shown:
        towns = lay["towns"]
        geoms = to_metric(towns)
        out.append(DrawLayer("towns", geoms, TOWN, 8))
        names = towns["name_en" if lang == "en" else "name_zh"].to_numpy()
        labels = [(g.x, g.y, str(n)) for g, n in zip(geoms, names, strict=True)]
    return out, labels


def _overview_legend(shown: set[str], lang: str) -> list[tuple[str, list[LegendEntry]]]:
    """The app's legend sections first (same order as layers.overview.overview_legend)."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    legend: list[tuple[str, list[LegendEntry]]] = []
    if "parks" in shown:
        legend.append(_enum_section(t("legend.park_status"), "park_status",
                                    styles.PARK_STATUS_COLORS, lang, park_symbol))
    if "parcels" in shown:
        legend.append(_enum_section(t("legend.parcel_status"), "lifecycle",
                                    styles.LIFECYCLE_COLORS, lang, parcel_symbol))
    symbols = (("platforms", "layer.platforms", PLATFORM), ("platforms", "layer.zones", ZONE),
               ("county", "layer.county", COUNTY), ("towns", "layer.towns", TOWN),
               ("enterprises", "layer.enterprises", ENTERPRISE))
    others = [LegendEntry(t(key), sym) for layer, key, sym in symbols if layer in shown]
    if others:
        legend.append((t("export.legend_other"), others))
    if "roads" in shown:
        legend.append((t("layer.roads"), [LegendEntry(i18n.enum_label("road_class", c, lang),
                                                       road_symbol(c)) for c in styles.ROAD_COLORS]))
    if "constraints" in shown:
        legend.append(_enum_section(t("layer.constraints"), "constraint_kind",
                                    styles.CONSTRAINT_COLORS, lang, constraint_symbol))
    return legend


def overview_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
                  bbox_deg: Sequence[float] | None = None, visible: Iterable[str] | None = None,
                  filters: Mapping[str, Mapping[str, Iterable]] | None = None) -> MapSpec:
    """The county overview as printed: the layers the app's overview shows, same colours.

    ``visible`` names the layers shown (default: those the app shows on opening),
    ``filters`` maps a layer to ``{column: allowed values}``, ``bbox_deg`` is the
    map's current extent in lon/lat (default: the county).
    """
    shown = set(OVERVIEW_DEFAULT if visible is None else visible)
    unknown = shown - set(OVERVIEW_LAYERS)
    if unknown:
        msg = f"Overview map: unknown layers {sorted(unknown)}; it has {list(OVERVIEW_LAYERS)}."
        raise ExportError(msg)
    filters = filters or {}
    lay = {name: apply_filters(layers[name], filters.get(name))
           for name in (*OVERVIEW_LAYERS, "zones")}
    drawn, labels = _overview_layers(lay, shown, lang)
    extent = (bbox_to_metric(bbox_deg) if bbox_deg is not None
              else tuple(layers["county"].to_crs(METRIC_CRS).total_bounds))
    return MapSpec("overview", i18n.t("overview.heading", lang), i18n.t("export.what_overview", lang),
                   drawn, _overview_legend(shown, lang), extent, labels)


SpecBuilder = Callable[..., MapSpec]
PAGES: dict[str, SpecBuilder] = {"overview": overview_spec}


def register(page: str, builder: SpecBuilder) -> None:
    """Make another page's map exportable (its builder takes ``layers`` and keywords)."""
    PAGES[page] = builder


def spec_for(page: str, layers: Mapping[str, pd.DataFrame], **kwargs) -> MapSpec:
    """The print spec of ``page``; an unknown page is refused with the list of known ones.

    Keywords the page's builder does not take (``visible`` for a map without layer
    choice, say) are dropped.
    """
    if page not in PAGES:
        msg = f"Unknown page {page!r}: maps can be exported from {sorted(PAGES)}."
        raise ExportError(msg)
    builder = PAGES[page]
    accepted = inspect.signature(builder).parameters
    return builder(layers, **{k: v for k, v in kwargs.items() if k in accepted})


def _lazy(name: str) -> SpecBuilder:
    """A builder of :mod:`geo.export.perf_maps`, imported on first use (it pulls in scipy)."""
    def build(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
              bbox_deg: Sequence[float] | None = None) -> MapSpec:
        from geo.export import perf_maps

        return getattr(perf_maps, name)(layers, lang=lang, plan=plan, bbox_deg=bbox_deg)

    build.__name__ = name
    return build


def _register_performance_maps() -> None:
    # The per-mu and ranking maps need geo.evaluation / geo.ranking and their colours;
    # in a build without them the pages are simply not offered.
    have = all(importlib.util.find_spec(m) is not None for m in ("geo.evaluation", "geo.ranking"))
    if have and all(hasattr(styles, c) for c in ("EVAL_CLASS_COLORS", "RANK_FLAG_COLORS")):
        register("per_mu", _lazy("per_mu_spec"))
        register("ranking", _lazy("ranking_spec"))


def _printed(name: str) -> SpecBuilder:
    """A page map printed from its folium map (:mod:`layers.printable`), imported on first use."""
    def build(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
              bbox_deg: Sequence[float] | None = None) -> MapSpec:
        from layers import printable

        return getattr(printable, name)(layers, lang=lang, plan=plan, bbox_deg=bbox_deg)

    build.__name__ = name
    return build


_register_performance_maps()
register("parks", _printed("parks_spec"))
register("land", _printed("land_spec"))

"""What a printed map shows: the same layers, colours, filters and extent as the app's map.

A :class:`MapSpec` is a map description (:mod:`geo.maps`) made ready for paper
(:func:`spec_from_description`): layers of geometries in EPSG:4549 (so metres
on the sheet are true), each with the symbol the app draws it with, the legend
sections, and the extent. :data:`PAGES` maps each exportable page to the function that builds its
spec; another page adds its own with :func:`register`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import i18n
from geo.errors import PlannerError
from geo.export.draw import LINE, POINT, POLYGON, DrawLayer, RasterLayer, Symbol
from geo.export.errors import ExportError
from geo.export.labels import FLAG, PARK, PLATFORM, TOWN, MapLabel
from geo.maps import Features, MapDescription, Marker, Raster, Style
from geo.maps import overview as overview_recipe
from geo.plan import plan_of
from geo.settings import METRIC_CRS, WEB_CRS

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
    labels: list[MapLabel] = field(default_factory=list)

    def legend_labels(self) -> list[str]:
        return [e.label for _, entries in self.legend for e in entries]


def _px(weight: float) -> float:
    return weight * PT_PER_PX


def _dashes(css: str | None) -> tuple[float, ...] | None:
    return tuple(float(v) * PT_PER_PX for v in css.split()) if css else None


def to_metric(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries of ``gdf`` in EPSG:4549, as an array (refuses a frame with no CRS)."""
    if gdf.crs is None:
        raise ExportError(i18n.Message.of("err.export.layer_no_crs"))
    return gdf.geometry.to_crs(METRIC_CRS).to_numpy()


def bbox_to_metric(bbox_deg: Sequence[float]) -> tuple[float, float, float, float]:
    """A lon/lat box (minx, miny, maxx, maxy, WGS84) as its EPSG:4549 bounding box."""
    minx, miny, maxx, maxy = (float(v) for v in bbox_deg)
    if not (minx < maxx and miny < maxy):
        raise ExportError(i18n.Message.of("err.export.bad_extent", extent=str(tuple(bbox_deg))))
    box = shapely.segmentize(shapely.box(minx, miny, maxx, maxy), 0.01)
    tr = Transformer.from_crs(WEB_CRS, METRIC_CRS, always_xy=True)
    return tuple(shapely.transform(box, lambda xy: np.column_stack(tr.transform(xy[:, 0],
                                                                                xy[:, 1]))).bounds)


def symbol_for(kind: str, style: Style) -> Symbol:
    """The print symbol of a map style (Leaflet's CSS pixels become points)."""
    edge = style.color if style.stroke and style.opacity > 0 and style.weight else None
    width = style.weight * PT_PER_PX
    if kind == LINE:
        return Symbol(LINE, edge=edge or style.color, linewidth_pt=width, dashes=_dashes(style.dash))
    face = style.face if style.fill and style.fill_opacity > 0 else None
    if kind == POINT:
        return Symbol(POINT, face=face, edge=edge, linewidth_pt=width, face_alpha=style.fill_opacity,
                      marker_size_pt=2 * style.radius * PT_PER_PX)
    return Symbol(POLYGON, face=face, edge=edge, linewidth_pt=width,
                  face_alpha=style.fill_opacity if face else 1.0, dashes=_dashes(style.dash))


_KIND = {"Polygon": POLYGON, "MultiPolygon": POLYGON, "LineString": LINE,
         "MultiLineString": LINE, "Point": POINT, "MultiPoint": POINT}
_BASE_Z = {POLYGON: 0.0, LINE: 10.0, POINT: 20.0}  # polygons under lines under points
FLAG_SIZE_PT = 7.0


# Areas named on paper, by the key of their layer (before any ":category"): platforms and
# parks, in whichever map draws them; points are named by their layer's ``label_field``.
AREA_LABELS = {"platforms": PLATFORM, "parks": PARK}
POINT_LABELS = {"towns": TOWN}


def _colors(symbol: Symbol) -> set[str]:
    return {str(c).lower() for c in (symbol.face, symbol.edge) if c}


class _Printer:
    """Collects the drawn layers, labels and group symbols of one description."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang
        self.layers: list[DrawLayer | RasterLayer] = []
        self.labels: list[MapLabel] = []
        self.group_symbols: dict[str, Symbol] = {}
        self.z = 1.0

    def features(self, layer: Features, group: str) -> None:
        frame = layer.frame
        if not len(frame):
            return
        geoms = to_metric(frame)
        kinds = np.array([_KIND.get(t) for t in frame.geom_type.to_numpy()], dtype=object)
        present = [k for k in (POLYGON, LINE, POINT) if (kinds == k).any()]
        for kind in present:
            sym = symbol_for(kind, layer.style)
            key = layer.key if len(present) == 1 else f"{layer.key}:{kind}"
            self.layers.append(DrawLayer(key, geoms[kinds == kind], sym, _BASE_Z[kind] + self.z))
            self.group_symbols.setdefault(group, sym)
        self._label(layer, geoms)
        self.z += 0.01

    def _label(self, layer: Features, geoms: np.ndarray) -> None:
        base = layer.key.split(":")[0]
        if layer.label_field:
            priority = POINT_LABELS.get(base, TOWN)
            for geom, text in zip(geoms, layer.frame[layer.label_field], strict=True):
                if geom is not None and not geom.is_empty and geom.geom_type == "Point":
                    self.labels.append(MapLabel(geom.x, geom.y, str(text), priority))
        elif base in AREA_LABELS:
            # parks carry only their Chinese name: it is printed in English too (a proper name)
            column = next((c for c in ("name", i18n.name_column(self.lang), "name_zh")
                           if c in layer.frame.columns), None)
            if column is None:
                return
            for geom, text in zip(geoms, layer.frame[column], strict=True):
                if geom is None or geom.is_empty or geom.geom_type not in ("Polygon",
                                                                           "MultiPolygon"):
                    continue
                if isinstance(text, str) and text.strip():
                    pt = geom.representative_point()
                    self.labels.append(MapLabel(pt.x, pt.y, text.strip(), AREA_LABELS[base],
                                                area=True, geom=geom))

    def raster(self, layer: Raster) -> None:
        img = layer.rgba
        if layer.opacity < 1:
            img = img.copy()
            img[..., 3] = (img[..., 3] * layer.opacity).astype(np.uint8)
        # Leaflet stretches the image over its lon/lat box; on the sheet the box's
        # EPSG:4549 bounds differ from it by well under a pixel at county scale.
        self.layers.append(RasterLayer(layer.key, img, bbox_to_metric(layer.bounds), zorder=0.5))

    def marker(self, layer: Marker, group: str) -> None:
        sym = Symbol(POINT, face=layer.color, edge="#333333", linewidth_pt=0.75,
                     marker_size_pt=FLAG_SIZE_PT)
        tr = Transformer.from_crs(WEB_CRS, METRIC_CRS, always_xy=True)
        x, y = tr.transform(layer.lon, layer.lat)
        self.layers.append(DrawLayer(layer.key, np.array([shapely.Point(x, y)], dtype=object), sym,
                                     30 + self.z))
        self.group_symbols.setdefault(group, sym)
        if layer.label or layer.text:
            self.labels.append(MapLabel(x, y, layer.label or layer.text, FLAG))


def _legend(desc: MapDescription, printer: _Printer, lang: str) -> list[tuple[str, list[LegendEntry]]]:
    """The description's legend, then one swatch for each drawn group it does not cover."""
    out, covered = [], set()
    for section in desc.legend:
        entries = [LegendEntry(e.label, symbol_for(e.kind, e.style)) for e in section.entries]
        out.append((section.heading, entries))
        for e in entries:
            covered |= _colors(e.symbol) | {e.label}
    others = [LegendEntry(name, sym) for name, sym in printer.group_symbols.items()
              if name not in covered and not (_colors(sym) & covered)]
    if others:
        out.append((i18n.t("export.legend_other", lang), others))
    return out


def spec_from_description(desc: MapDescription, *, page: str, lang: str = "zh",
                          title: str | None = None, what: str | None = None,
                          bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The print spec of a map description: the groups shown when it opens, in their styles,
    its legend, over ``bbox_deg`` (the view the planner is looking at) or else its extent.
    Vector tiles are not printed (their group's aggregates are)."""
    printer = _Printer(lang)
    for group in desc.visible():
        for layer in group.layers:
            if isinstance(layer, Features):
                printer.features(layer, group.name)
            elif isinstance(layer, Raster):
                printer.raster(layer)
            elif isinstance(layer, Marker):
                printer.marker(layer, group.name)
    if not printer.layers:
        # the planner unticked every layer: say so in their words, not the page's code name
        raise ExportError(i18n.Message.of("export.err.no_layer"))
    box = bbox_deg if bbox_deg is not None else desc.extent
    if box is None:  # no extent: everything drawn
        boxes = [shapely.total_bounds(lay.geoms) if isinstance(lay, DrawLayer) else lay.extent_m
                 for lay in printer.layers]
        arr = np.asarray(boxes, dtype=float)
        extent = (float(np.nanmin(arr[:, 0])), float(np.nanmin(arr[:, 1])),
                  float(np.nanmax(arr[:, 2])), float(np.nanmax(arr[:, 3])))
    else:
        extent = bbox_to_metric(box)
    return MapSpec(page, desc.title if title is None else title,
                   desc.what if what is None else what, printer.layers,
                   _legend(desc, printer, lang), extent, printer.labels)


OVERVIEW_DEFAULT = overview_recipe.OVERVIEW_DEFAULT
OVERVIEW_LAYERS = overview_recipe.OVERVIEW_LAYERS
PLATFORM = symbol_for(POLYGON, overview_recipe.PLATFORM)
EVERY_PARCEL = 10**12  # tile threshold for batch sheets: print each parcel, never the grid


def overview_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
                  bbox_deg: Sequence[float] | None = None, visible: Iterable[str] | None = None,
                  filters: Mapping[str, Mapping[str, Iterable]] | None = None) -> MapSpec:
    """The county overview as printed (:func:`geo.maps.overview.overview`).

    ``visible`` names the layers shown (default: those the app shows on opening),
    ``filters`` maps a layer to ``{column: allowed values}``, ``bbox_deg`` is the
    map's current extent in lon/lat (default: the county). Every parcel is printed,
    whatever the size of the cadastre.
    """
    try:
        desc = overview_recipe.overview(layers, lang=lang, visible=visible, filters=filters,
                                        tile_threshold=EVERY_PARCEL)
    except PlannerError as exc:
        raise ExportError(exc.message) from exc
    return spec_from_description(desc, page="overview", lang=lang, bbox_deg=bbox_deg)


def parks_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
               bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The micro-parks page's map, all parks, as printed."""
    from geo import parks
    from geo.maps import tracking

    desc = tracking.parks_map(layers, parks.table(layers, plan_of(layers, plan)), lang=lang)
    return spec_from_description(desc, page="parks", lang=lang, bbox_deg=bbox_deg)


def land_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
              bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The land-supply page's map (land sold, coloured by year of sale), as printed."""
    from geo import land
    from geo.maps import tracking

    desc = tracking.land_map(layers, land.terms_check(layers, plan_of(layers, plan)),
                             colour_by="year", lang=lang)
    return spec_from_description(desc, page="land", lang=lang, bbox_deg=bbox_deg)


def per_mu_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
                year: int | None = None, bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """Parcels of the evaluated enterprises by their A-D class
    (:func:`geo.maps.performance.per_mu_classes`), as printed."""
    from geo.maps import performance

    try:
        desc = performance.per_mu_classes(layers, lang=lang, plan=plan, year=year)
    except PlannerError as exc:
        raise ExportError(exc.message) from exc
    return spec_from_description(desc, page="per_mu", lang=lang, bbox_deg=bbox_deg)


def ranking_spec(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", plan=None,
                 quarter: str | None = None, bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The ranking page's flag map for one quarter (default: the plan's last), as printed."""
    from geo import ranking
    from geo.maps import performance

    plan = plan_of(layers, plan)
    quarter = quarter or ranking.quarters(plan)[-1]
    desc = performance.ranking_map(layers, ranking.flags(layers, plan, quarter), lang=lang,
                                   quarter=quarter)
    return spec_from_description(desc, page="ranking", lang=lang, bbox_deg=bbox_deg)


SpecBuilder = Callable[..., MapSpec]
PAGES: dict[str, SpecBuilder] = {"overview": overview_spec, "parks": parks_spec,
                                 "land": land_spec, "per_mu": per_mu_spec,
                                 "ranking": ranking_spec}


def register(page: str, builder: SpecBuilder) -> None:
    """Make another page's map exportable (its builder takes ``layers`` and keywords)."""
    PAGES[page] = builder


def spec_for(page: str, layers: Mapping[str, pd.DataFrame], **kwargs) -> MapSpec:
    """The print spec of ``page``; an unknown page is refused with the list of known ones.

    Keywords the page's builder does not take (``visible`` for a map without layer
    choice, say) are dropped.
    """
    if page not in PAGES:
        raise ExportError(i18n.Message.of("err.export.unknown_page", page=page, pages=sorted(PAGES)))
    builder = PAGES[page]
    accepted = inspect.signature(builder).parameters
    return builder(layers, **{k: v for k, v in kwargs.items() if k in accepted})

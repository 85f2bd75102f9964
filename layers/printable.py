"""A folium map as a print spec: what the planner sees is what the sheet shows.

:func:`spec_from_map` reads the map a page has built (its GeoJSON layers with
their per-feature styles, circle and flag markers, image overlays, legend and
fitted extent) and turns it into a :class:`geo.export.maps.MapSpec`. The
printed map therefore has the page's layers, colours and filters by
construction, not by a second description that could drift from the first.

Layers hidden when the map opens (``show=False``) are left off the sheet, as
they are off the screen; vector tiles (the 100k cadastre above z14) are not
printed, their grid of counts is.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator, Sequence
from datetime import date

import folium
import numpy as np
import shapely
from branca.element import Element
from PIL import Image
from pyproj import Transformer

from geo import i18n
from geo.export.draw import LINE, POINT, POLYGON, DrawLayer, RasterLayer, Symbol
from geo.export.errors import ExportError
from geo.export.maps import PT_PER_PX, LegendEntry, MapSpec, bbox_to_metric
from geo.settings import METRIC_CRS, WEB_CRS
from layers.legend import Legend

# Leaflet's defaults for paths (L.Path options) and circle markers.
PATH_DEFAULTS = {"stroke": True, "color": "#3388ff", "weight": 3, "opacity": 1.0, "fill": None,
                 "fillColor": None, "fillOpacity": 0.2, "dashArray": None}
DEFAULT_MARKER_COLOR = "#2a81cb"  # Leaflet's blue pin
LABEL_ATTR = "print_label"  # a GeoJson's property printed beside each point (town names)

_KIND = {"Polygon": POLYGON, "MultiPolygon": POLYGON, "LineString": LINE,
         "MultiLineString": LINE, "Point": POINT, "MultiPoint": POINT}


def _dashes(css) -> tuple[float, ...] | None:
    if not css:
        return None
    values = [float(v) for v in str(css).replace(",", " ").split()]
    return tuple(v * PT_PER_PX for v in values) or None


def symbol_for(kind: str, style: dict) -> Symbol:
    """The print symbol of a Leaflet path style (``color``, ``weight``, ``fillColor`` ...)."""
    s = {**PATH_DEFAULTS, **{k: v for k, v in style.items() if v is not None}}
    edge = s["color"] if s["stroke"] and float(s["opacity"] or 0) > 0 and s["weight"] else None
    width = float(s["weight"] or 0) * PT_PER_PX
    if kind == LINE:
        return Symbol(LINE, edge=edge or s["color"], linewidth_pt=width, dashes=_dashes(s["dashArray"]))
    fill = s["fill"] if s["fill"] is not None else True
    face = (s["fillColor"] or s["color"]) if fill and float(s["fillOpacity"] or 0) > 0 else None
    if kind == POINT:
        radius = float(style.get("radius", 10))
        return Symbol(POINT, face=face, edge=edge, linewidth_pt=width,
                      face_alpha=float(s["fillOpacity"]), marker_size_pt=2 * radius * PT_PER_PX)
    return Symbol(POLYGON, face=face, edge=edge, linewidth_pt=width,
                  face_alpha=float(s["fillOpacity"]) if face else 1.0, dashes=_dashes(s["dashArray"]))


def _visible_children(el: Element, group: str | None = None) -> Iterator[tuple[Element, str | None]]:
    """Depth first, in drawing order, skipping what the map opens hidden; with the name of
    the layer-control group each element is in."""
    for child in el._children.values():
        if getattr(child, "show", True) is False:
            continue
        name = group
        if isinstance(child, folium.FeatureGroup) and getattr(child, "control", True):
            name = group or child.layer_name
        yield child, name
        yield from _visible_children(child, name)


class _Builder:
    def __init__(self) -> None:
        self.to_m = Transformer.from_crs(WEB_CRS, METRIC_CRS, always_xy=True)
        self.layers: list[DrawLayer | RasterLayer] = []
        self.labels: list[tuple[float, float, str]] = []
        self.z = 1.0
        self.group: str | None = None
        self.group_symbols: dict[str, Symbol] = {}

    def metric(self, geoms: Sequence) -> np.ndarray:
        arr = np.asarray(geoms, dtype=object)
        return shapely.transform(arr, lambda xy: np.column_stack(self.to_m.transform(xy[:, 0], xy[:, 1])))

    def add(self, key: str, geoms: list, symbol: Symbol, *, z: float) -> None:
        self.layers.append(DrawLayer(key, self.metric(geoms), symbol, z))
        if self.group:
            self.group_symbols.setdefault(self.group, symbol)

    def geojson(self, gj: folium.GeoJson, n: int) -> None:
        data = gj.data or {}
        kind_of = data.get("type")
        features = (data.get("features", []) if kind_of == "FeatureCollection"
                    else [data] if kind_of == "Feature"
                    else [{"type": "Feature", "properties": {}, "geometry": data}] if kind_of
                    else [])
        marker_style = dict(gj.marker.options) if isinstance(gj.marker, folium.CircleMarker) else None
        groups: dict[tuple, list] = {}
        symbols: dict[tuple, Symbol] = {}
        label_field = getattr(gj, LABEL_ATTR, None)
        for feature in features:
            geom_json = feature.get("geometry")
            if not geom_json:
                continue
            kind = _KIND.get(geom_json.get("type"))
            if kind is None:
                continue
            style = dict(gj.style_function(feature) or {}) if gj.style else {}
            if kind == POINT:
                style = {**(marker_style or {"color": DEFAULT_MARKER_COLOR, "fillOpacity": 1.0,
                                             "radius": 6}), **style}
            sym = symbol_for(kind, style)
            key = (kind, sym)
            symbols[key] = sym
            geom = shapely.geometry.shape(geom_json)
            groups.setdefault(key, []).append(geom)
            if label_field and kind == POINT:
                pt = self.metric([geom])[0]
                # the property was escaped for the browser (layers.escape); paper shows the text
                label = html.unescape(str(feature["properties"].get(label_field, "")))
                self.labels.append((pt.x, pt.y, label))
        # polygons under lines under points, in the map's order within each
        base = {POLYGON: 0.0, LINE: 10.0, POINT: 20.0}
        for i, ((kind, _), geoms) in enumerate(groups.items()):
            self.add(f"geojson{n}:{i}", geoms, symbols[(kind, _)], z=base[kind] + self.z)
        self.z += 0.01

    def marker(self, mk: folium.Marker, n: int) -> None:
        icon = next((c for c in mk._children.values() if isinstance(c, (folium.DivIcon, folium.Icon))),
                    None)
        color = getattr(icon, "print_color", None) or DEFAULT_MARKER_COLOR
        sym = Symbol(POINT, face=color, edge="#333333", linewidth_pt=0.75, marker_size_pt=7)
        lat, lon = (float(v) for v in mk.location)
        self.add(f"marker{n}", [shapely.Point(lon, lat)], sym, z=30 + self.z)
        text = getattr(icon, "print_text", None)
        if text:
            pt = self.metric([shapely.Point(lon, lat)])[0]
            self.labels.append((pt.x, pt.y, str(text)))

    def circle_marker(self, cm: folium.CircleMarker, n: int) -> None:
        if not getattr(cm, "location", None):
            return
        lat, lon = (float(v) for v in cm.location)
        self.add(f"circle{n}", [shapely.Point(lon, lat)], symbol_for(POINT, dict(cm.options)),
                 z=20 + self.z)

    def overlay(self, ov: folium.raster_layers.ImageOverlay, n: int) -> None:
        url = str(ov.url)
        if not url.startswith("data:image"):
            return  # an image by address would need the network; the page draws its data inline
        img = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"))
        opacity = float(ov.options.get("opacity", 1.0))
        if opacity < 1:
            img = img.copy()
            img[..., 3] = (img[..., 3] * opacity).astype(np.uint8)
        (south, west), (north, east) = ov.bounds
        # Leaflet stretches the image over its lon/lat box; on the sheet the box's
        # EPSG:4549 bounds differ from it by well under a pixel at county scale.
        self.layers.append(RasterLayer(f"overlay{n}", img, bbox_to_metric((west, south, east, north)),
                                       zorder=0.5))


def _colors(symbol: Symbol) -> set[str]:
    return {str(c).lower() for c in (symbol.face, symbol.edge) if c}


def _legend(m: folium.Map, b: _Builder, lang: str) -> list[tuple[str, list[LegendEntry]]]:
    """The map's legend sections, each swatch drawn as the layer of that colour is; then
    one swatch for each drawn layer group the legend does not cover (roads, towns ...)."""
    by_color: dict[str, Symbol] = {}
    for layer in b.layers:
        if isinstance(layer, DrawLayer):
            for c in _colors(layer.symbol):
                by_color.setdefault(c, layer.symbol)
    out = []
    covered: set[str] = set()
    for child, _ in _visible_children(m):
        if isinstance(child, Legend):
            for heading, entries in child.sections:
                out.append((heading, [LegendEntry(label, by_color.get(
                    str(color).lower(), Symbol(POLYGON, face=color, edge=color, face_alpha=0.75)))
                    for color, label in entries]))
                covered |= {str(color).lower() for color, _ in entries}
                covered |= {label for _, label in entries}
    others = [LegendEntry(name, sym) for name, sym in b.group_symbols.items()
              if name not in covered and not (_colors(sym) & covered)]
    if others:
        out.append((i18n.t("export.legend_other", lang), others))
    return out


def fitted_bounds(m: folium.Map) -> tuple[float, float, float, float] | None:
    """The lon/lat box the map fits to when it opens (minx, miny, maxx, maxy): the last
    fit, as in Leaflet, where a later fit replaces an earlier one."""
    fits = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    if not fits:
        return None
    (south, west), (north, east) = fits[-1].bounds
    return (float(west), float(south), float(east), float(north))


def spec_from_map(m: folium.Map, *, page: str, title: str, what: str, lang: str = "zh",
                  bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The print spec of ``m``: its visible layers, colours and legend, over ``bbox_deg``
    (the view the planner is looking at) or else the extent the map opens on."""
    b = _Builder()
    for n, (child, group) in enumerate(_visible_children(m)):
        b.group = group
        if isinstance(child, folium.GeoJson):
            b.geojson(child, n)
        elif isinstance(child, folium.Marker):
            b.marker(child, n)
        elif isinstance(child, folium.CircleMarker):
            b.circle_marker(child, n)
        elif isinstance(child, folium.raster_layers.ImageOverlay):
            b.overlay(child, n)
    if not b.layers:
        msg = f"Map of page {page!r} has no layer that can be printed."
        raise ExportError(msg)
    box = bbox_deg if bbox_deg is not None else fitted_bounds(m)
    if box is None:  # no fitted view: everything drawn
        boxes = [shapely.total_bounds(lay.geoms) if isinstance(lay, DrawLayer) else lay.extent_m
                 for lay in b.layers]
        arr = np.asarray(boxes, dtype=float)
        extent = (float(np.nanmin(arr[:, 0])), float(np.nanmin(arr[:, 1])),
                  float(np.nanmax(arr[:, 2])), float(np.nanmax(arr[:, 3])))
    else:
        extent = bbox_to_metric(box)
    return MapSpec(page, title, what, b.layers, _legend(m, b, lang), extent, b.labels)


def bounds_to_bbox(bounds: dict | None) -> tuple[float, float, float, float] | None:
    """streamlit-folium's ``bounds`` ({_southWest: {lat, lng}, _northEast: ...}) as a lon/lat box."""
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        box = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (TypeError, KeyError, ValueError):
        return None
    return box if box[0] < box[2] and box[1] < box[3] else None


def as_of_date(value) -> date | None:
    """A page's as-of timestamp as a date for the sheet's subtitle (None stays None)."""
    return None if value is None else value.date() if hasattr(value, "date") else value


# -- page maps for batch export (CLI, export page): the page's map with no filter -------------

def parks_spec(layers, *, lang: str = "zh", plan=None,
               bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The micro-parks page's map, all parks, as printed."""
    from geo import parks
    from geo.plan import plan_of
    from layers.tracking import parks_map

    m = parks_map(layers, parks.table(layers, plan_of(layers, plan)), lang=lang)
    return spec_from_map(m, page="parks", title=i18n.t("parks.heading", lang),
                         what=i18n.t("parks.map", lang), lang=lang, bbox_deg=bbox_deg)


def land_spec(layers, *, lang: str = "zh", plan=None,
              bbox_deg: Sequence[float] | None = None) -> MapSpec:
    """The land-supply page's map (land sold, coloured by year of sale), as printed."""
    from geo import land
    from geo.plan import plan_of
    from layers.tracking import land_map

    m = land_map(layers, land.terms_check(layers, plan_of(layers, plan)), colour_by="year",
                 lang=lang)
    what = f"{i18n.t('land.map', lang)} · {i18n.t('land.colour_year', lang)}"
    return spec_from_map(m, page="land", title=i18n.t("land.heading", lang), what=what, lang=lang,
                         bbox_deg=bbox_deg)

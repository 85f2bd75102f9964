"""A map as data: what it shows, drawn twice (on screen and on paper) from one description.

A recipe (one per map: :mod:`geo.maps.overview`, :mod:`geo.maps.tracking`,
:mod:`geo.maps.performance`, :mod:`geo.maps.assess`) builds a
:class:`MapDescription` from the store's frames: groups of layers (what the
layer control lists), each layer with its features, the style it is drawn
with, the fields its tooltip shows, the labels printed beside points, the
legend, the extent and the filters in force. No folium here.

Two renderers draw a description: :func:`layers.render.folium_map` (Leaflet,
in the browser) and :func:`geo.export.maps.spec_from_description` (matplotlib,
on the sheet). The sheet is therefore the screen map by construction.

Styles are Leaflet path options in CSS pixels (what the browser draws); the
print renderer converts them to points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np

Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat, WGS84)


@dataclass(frozen=True)
class Style:
    """How features are drawn: Leaflet's path options (``radius`` makes points circles)."""

    color: str = "#3388ff"
    weight: float = 3.0
    opacity: float = 1.0
    stroke: bool = True
    fill: bool = True
    fill_color: str | None = None  # None: the outline colour
    fill_opacity: float = 0.2
    dash: str | None = None
    radius: float = 6.0

    @property
    def face(self) -> str:
        return self.fill_color or self.color

    def leaflet(self) -> dict:
        """The style as Leaflet options (``style_function`` of a GeoJSON layer)."""
        out = {"color": self.color, "weight": self.weight, "opacity": self.opacity,
               "stroke": self.stroke, "fill": self.fill, "fillColor": self.face,
               "fillOpacity": self.fill_opacity}
        if self.dash:
            out["dashArray"] = self.dash
        return out


def filled(color: str, *, weight: float = 1.0, fill_opacity: float = 0.6,
           outline: str | None = None, **kwargs) -> Style:
    """A polygon (or circle) filled in ``color`` and outlined in it (or in ``outline``)."""
    return Style(color=outline or color, fill_color=color, weight=weight,
                 fill_opacity=fill_opacity, **kwargs)


@dataclass
class Features:
    """Vector features drawn with one style.

    ``frame`` holds the geometries and the columns named in ``fields`` (the
    tooltip's rows, labelled ``aliases``); ``popup`` shows the same rows on a
    click. ``label_field`` is printed beside each point on the sheet.
    """

    key: str
    frame: gpd.GeoDataFrame
    style: Style
    name: str = ""  # what the layer stands for (a category's label)
    fields: Sequence[str] = ()
    aliases: Sequence[str] = ()
    popup: bool = False
    points: bool = False  # draw points as circles of ``style.radius``
    label_field: str | None = None
    simplify_m: float = 1.0
    precision: int = 6
    interactive: bool = True
    sticky: bool = True


@dataclass
class Raster:
    """An RGBA image (rows from north) stretched over a lon/lat box (the suitability surface)."""

    key: str
    rgba: np.ndarray
    bounds: Bounds
    opacity: float = 1.0


@dataclass
class Marker:
    """A flag with a short text (a rank) at a point, in ``color``; ``tooltip`` on hover."""

    key: str
    lon: float
    lat: float
    color: str
    text: str
    tooltip: str = ""
    label: str = ""  # printed beside it on paper (default: ``text``); paper has no tooltip


@dataclass
class VectorTiles:
    """Parcels as vector tiles from ``min_zoom`` on (screen only: the sheet prints the
    aggregates of the same group instead). ``popup_text`` labels the clicked parcel."""

    key: str
    url: str
    bounds: Bounds
    popup_text: dict
    min_zoom: int


@dataclass(frozen=True)
class Label:
    """One name on the map: at ``lon``/``lat`` from zoom ``min_zoom`` on; where two names
    would overlap, the one of higher ``priority`` is shown."""

    lon: float
    lat: float
    text: str
    priority: int = 0
    min_zoom: int = 0


@dataclass
class Labels:
    """Names written on the screen map (towns, platforms, parks), in one text style; the
    browser hides, after every zoom and pan, those that would overlap a name of higher
    priority. ``anchor`` is ``"center"`` (on the point) or ``"above"`` (over a point symbol).

    Screen only: the sheet writes its own labels (``Features.label_field``, markers).
    """

    key: str
    labels: Sequence[Label]
    color: str = "#222222"
    size_px: float = 12.0
    bold: bool = False
    anchor: str = "center"


Layer = Features | Raster | Marker | VectorTiles | Labels


@dataclass
class Group:
    """What the layer control lists: a name, its layers, shown or hidden when the map opens.

    ``control=False`` keeps a group out of the layer control (drawn, not listed).
    """

    key: str
    name: str
    layers: list[Layer] = field(default_factory=list)
    show: bool = True
    control: bool = True


@dataclass(frozen=True)
class LegendEntry:
    label: str
    style: Style
    kind: str = "polygon"  # polygon, line or point: how the swatch is drawn


@dataclass
class LegendSection:
    heading: str
    entries: list[LegendEntry]


@dataclass(frozen=True)
class Focus:
    """Where the map opens and what its open popup says (a search result)."""

    bounds: Bounds
    point: tuple[float, float]
    title: str


@dataclass
class MapDescription:
    """Everything one map shows; ``extent`` is the view it opens on (None: everything)."""

    groups: list[Group]
    legend: list[LegendSection] = field(default_factory=list)
    extent: Bounds | None = None
    title: str = ""
    what: str = ""
    filters: Sequence[tuple[str, Sequence[str]]] = ()
    legend_position: str = "bottomright"
    layer_control: bool = True
    collapsed: bool = False
    # a feature the planner searched for: the map opens on it with its name in a popup
    focus: Focus | None = None

    def group(self, key: str) -> Group:
        return next(g for g in self.groups if g.key == key)

    def visible(self) -> list[Group]:
        """The groups drawn when the map opens."""
        return [g for g in self.groups if g.show]

    def with_visible(self, keys: Sequence[str]) -> MapDescription:
        """The same map with only the groups ``keys`` shown (the planner's layer choice)."""
        wanted = set(keys)
        return replace(self, groups=[replace(g, show=g.key in wanted) for g in self.groups])

    def legend_labels(self) -> list[str]:
        return [e.label for s in self.legend for e in s.entries]


def categorised(frame: gpd.GeoDataFrame, column: str, colors: Mapping, labels: Mapping, *,
                key: str, fields: Sequence[str] = (), aliases: Sequence[str] = (),
                style: Mapping | None = None, **kwargs) -> list[Features]:
    """One :class:`Features` per category of ``column`` in the order of ``colors``, filled in
    that category's colour (a constant style per layer: Leaflet's per-feature styler is
    O(N²) in the browser, PERFORMANCE.md §2). The tooltip shows the category's label, not
    its code."""
    style = dict(style or {})
    out = []
    values = frame[column].to_numpy()
    for code, color in colors.items():
        part = frame[values == code]
        if part.empty:
            continue
        part = part.assign(**{column: labels[code]})
        out.append(Features(f"{key}:{code}", part, filled(color, **style), str(labels[code]),
                            fields=fields, aliases=aliases, **kwargs))
    return out


def legend_section(heading: str, colors: Mapping, labels: Mapping, *, kind: str = "polygon",
                   style: Mapping | None = None, present=None) -> LegendSection:
    """A legend section of one swatch per category, in the categories' own style; with
    ``present`` (the values the map draws, after filters) only the categories among them."""
    style = dict(style or {})
    shown = None if present is None else set(present)
    return LegendSection(heading, [LegendEntry(str(labels[code]), filled(color, **style), kind)
                                   for code, color in colors.items()
                                   if shown is None or code in shown])


def lonlat_bounds(frame: gpd.GeoDataFrame, pad: float = 0.0) -> Bounds | None:
    """The frame's lon/lat box, padded by ``pad`` degrees (None for an empty frame)."""
    if frame is None or not len(frame):
        return None
    minx, miny, maxx, maxy = frame.to_crs("EPSG:4326").total_bounds
    return (float(minx - pad), float(miny - pad), float(maxx + pad), float(maxy + pad))

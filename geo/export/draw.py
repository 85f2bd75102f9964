"""Shapely geometries to matplotlib collections, the fast way.

``geopandas.GeoSeries.plot`` builds one patch per feature; building one
``PolyCollection`` from the coordinate arrays shapely hands back is 2.6-4.2x
faster (shared/PERFORMANCE.md §4). Polygons with holes go into a
``PathCollection`` of compound paths (oriented so the holes stay empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.path import Path

POLYGON, LINE, POINT = "polygon", "line", "point"

# Above this many features a layer is rasterized in vector outputs (PDF), which keeps
# a 200k-parcel sheet at about 3 MB instead of 36 MB (PERFORMANCE.md §4).
RASTERIZE_ABOVE = 2000


@dataclass(frozen=True)
class Symbol:
    """How one class of features is drawn, and how its legend swatch looks."""

    kind: str
    face: str | None = None
    edge: str | None = None
    linewidth_pt: float = 0.5
    face_alpha: float = 1.0
    dashes: tuple[float, ...] | None = None
    marker_size_pt: float = 4.0

    def facecolor(self) -> tuple[float, float, float, float] | str:
        """The fill as RGBA with the fill opacity (the outline stays opaque, as in Leaflet)."""
        return "none" if self.face is None else to_rgba(self.face, self.face_alpha)


@dataclass
class DrawLayer:
    """Geometries (in the map CRS, metres) drawn with one symbol."""

    key: str
    geoms: np.ndarray
    symbol: Symbol
    zorder: float = 1.0
    label: str | None = None


@dataclass
class RasterLayer:
    """An RGBA image (rows from north) covering ``extent_m`` (minx, miny, maxx, maxy, metres)."""

    key: str
    image: np.ndarray
    extent_m: tuple[float, float, float, float]
    zorder: float = 0.5
    label: str | None = None


def _split(coords: np.ndarray, index: np.ndarray, n: int) -> list[np.ndarray]:
    counts = np.bincount(index, minlength=n)
    return np.split(coords, np.cumsum(counts)[:-1])


def polygon_rings(geoms: Sequence) -> tuple[list[np.ndarray], list[Path]]:
    """Exterior rings of hole-free polygons, and compound paths of polygons with holes."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[shapely.get_type_id(parts) == 3]
    parts = parts[~shapely.is_empty(parts)]
    holes = shapely.get_num_interior_rings(parts) > 0
    simple = parts[~holes]
    rings = shapely.get_exterior_ring(simple)
    coords, index = shapely.get_coordinates(rings, return_index=True)
    verts = _split(coords, index, len(rings)) if len(rings) else []
    paths = []
    for poly in shapely.orient_polygons(parts[holes]):
        rings_of = [poly.exterior, *poly.interiors]
        paths.append(Path.make_compound_path(*[Path(np.asarray(r.coords), closed=True)
                                               for r in rings_of]))
    return verts, paths


def line_parts(geoms: Sequence) -> list[np.ndarray]:
    """Vertex arrays of every LineString part (polygon outlines are not included)."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[np.isin(shapely.get_type_id(parts), (1, 2))]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    return _split(coords, index, len(parts)) if len(parts) else []


def draw_layer(ax: Axes, layer: DrawLayer | RasterLayer, *, rasterize: bool = False) -> list:
    """Add ``layer`` to ``ax``; returns the artists added."""
    if isinstance(layer, RasterLayer):
        x0, y0, x1, y1 = layer.extent_m
        return [ax.imshow(layer.image, extent=(x0, x1, y0, y1), origin="upper", aspect="auto",
                          interpolation="nearest", zorder=layer.zorder)]
    s = layer.symbol
    dense = rasterize and len(layer.geoms) > RASTERIZE_ABOVE
    common = {"zorder": layer.zorder, "rasterized": dense, "label": layer.label}
    artists: list = []
    if s.kind == POLYGON:
        verts, paths = polygon_rings(layer.geoms)
        style = {"facecolors": s.facecolor(), "edgecolors": s.edge or "none",
                 "linewidths": s.linewidth_pt, **common}
        if s.dashes:
            style["linestyles"] = [(0, s.dashes)]
        if verts:
            artists.append(ax.add_collection(PolyCollection(verts, closed=False, **style),
                                             autolim=False))
        if paths:
            artists.append(ax.add_collection(PathCollection(paths, **style), autolim=False))
    elif s.kind == LINE:
        segs = line_parts(layer.geoms)
        if segs:
            lc = LineCollection(segs, colors=s.edge, linewidths=s.linewidth_pt,
                                linestyles=[(0, s.dashes)] if s.dashes else "solid",
                                capstyle="round", joinstyle="round", **common)
            artists.append(ax.add_collection(lc, autolim=False))
    elif s.kind == POINT:
        xy = shapely.get_coordinates(np.asarray(layer.geoms, dtype=object))
        if len(xy):
            artists.append(ax.scatter(xy[:, 0], xy[:, 1], s=s.marker_size_pt ** 2,
                                      c=[s.facecolor()], edgecolors=s.edge or "none",
                                      linewidths=s.linewidth_pt, **common))
    else:
        msg = f"Unknown symbol kind {s.kind!r}"
        raise ValueError(msg)
    return artists

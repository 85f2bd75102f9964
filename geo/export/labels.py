"""Names on a printed map, placed so that none covers another or the map's furniture.

A greedy placer: labels are taken in priority order (flags, town seats,
platforms, parks); each tries its candidate positions in order of preference
(around a point: right, left, above, below, then the diagonals; on an area:
its representative point, then above, below, right, left of it) and takes the
first whose box, measured with the figure's renderer, lies inside the map frame
and clear of every box already taken: labels placed before it, the north
arrow, the scale bar, the legend, notes, and the point symbols of other
labels. A label with no free position is dropped and named
(:attr:`Placement.unplaced`), so the sheet can say what it leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import shapely
from matplotlib.axes import Axes
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

# Lower is placed first: a rank flag names its unit, a town seat is the reader's landmark,
# a platform is bigger (and fewer) than the parks inside it.
FLAG, TOWN, PLATFORM, PARK = 0, 1, 2, 3

# (dx, dy) unit offsets from the anchor, in order of preference (cartographers' order:
# right of a point reads first, then left, above, below)
POINT_CANDIDATES = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1))
AREA_CANDIDATES = ((0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1),
                   (0, 2), (0, -2))
_HA = {1: "left", 0: "center", -1: "right"}
_VA = {2: "bottom", 1: "bottom", 0: "center", -1: "top", -2: "top"}


@dataclass(frozen=True)
class MapLabel:
    """A name to print at a point of the map (metres in the map CRS).

    ``area`` labels name a polygon (``geom``, in the map CRS): they are centred on
    the representative point of the part of it inside the frame.
    """

    x: float
    y: float
    text: str
    priority: int = TOWN
    area: bool = False
    geom: object | None = field(default=None, compare=False, repr=False)


@dataclass
class Placement:
    """What the placer did: the labels drawn with their boxes (display pixels), those left out."""

    placed: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)
    artists: list[Annotation] = field(default_factory=list)


def _overlaps(a: Bbox, b: Bbox, clear: float) -> bool:
    return (a.x0 < b.x1 + clear and b.x0 < a.x1 + clear
            and a.y0 < b.y1 + clear and b.y0 < a.y1 + clear)


def _anchor(label: MapLabel, view) -> tuple[float, float] | None:
    """The label's anchor inside the view box (minx, miny, maxx, maxy), or None if outside."""
    if label.area and label.geom is not None:
        part = shapely.intersection(label.geom, shapely.box(*view))
        if part.is_empty:
            return None
        pt = part.representative_point()
        return pt.x, pt.y
    x0, y0, x1, y1 = view
    return (label.x, label.y) if x0 <= label.x <= x1 and y0 <= label.y <= y1 else None


def deduplicated(labels: Iterable[MapLabel]) -> list[MapLabel]:
    """Labels by priority, without a name that a label placed before it already prints
    (a rank flag's "五云街道（3）" names the town; its seat need not say it again)."""
    out: list[MapLabel] = []
    for lab in sorted(labels, key=lambda lab: lab.priority):
        if not any(o.priority < lab.priority and o.text.startswith(lab.text) for o in out):
            out.append(lab)
    return out


def place(ax: Axes, labels: Sequence[MapLabel], *, fontsize: float | Mapping[int, float],
          gap_pt: float,
          obstacles: Iterable[Bbox] = (), marker_pt: float = 0.0, zorder: float = 9) -> Placement:
    """Draw the labels on ``ax`` where they fit; returns what was placed and what was not.

    ``fontsize`` (points) may differ by priority (a mapping priority -> size);
    ``gap_pt`` is the distance from a point to its label, ``marker_pt`` the size of the
    point symbols (kept clear of other labels), ``obstacles`` boxes in display pixels.
    """
    fig = ax.figure
    renderer = renderer_of(fig)
    px_per_pt = fig.dpi / 72.0
    frame = ax.get_window_extent(renderer)
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    todo = [(lab, a) for lab in deduplicated(labels)
            if (a := _anchor(lab, (x0, y0, x1, y1))) is not None]
    taken = list(obstacles)
    half = marker_pt * px_per_pt / 2
    # every point symbol stays readable under the others' names (its own name sits beside it)
    markers = {}
    for i, (lab, (x, y)) in enumerate(todo):
        if not lab.area:
            px, py = ax.transData.transform((x, y))
            markers[i] = Bbox([[px - half, py - half], [px + half, py + half]])
    clear = 0.6 * px_per_pt  # a hair of paper between two names
    out = Placement()
    for i, (lab, (x, y)) in enumerate(todo):
        size = fontsize.get(lab.priority, max(fontsize.values())) if isinstance(
            fontsize, Mapping) else fontsize
        pad = 0.1 * size * px_per_pt  # the label's white box, as drawn ("pad=0.1")
        art = ax.annotate(lab.text, (x, y), xytext=(0, 0), textcoords="offset points",
                          fontsize=size, zorder=zorder, clip_on=True,
                          bbox={"boxstyle": "round,pad=0.1", "fc": (1, 1, 1, 0.6), "ec": "none"})
        others = [m for j, m in markers.items() if j != i]
        box = _first_free(art, renderer, lab, gap_pt, pad, frame, taken + others, clear)
        if box is None:
            art.remove()
            out.unplaced.append(lab.text)
            continue
        taken.append(box)
        out.placed.append((lab.text, tuple(float(v) for v in box.extents)))
        out.artists.append(art)
    return out


def _first_free(art: Annotation, renderer, lab: MapLabel, gap_pt: float, pad: float,
                frame: Bbox, taken: list[Bbox], clear: float) -> Bbox | None:
    candidates = AREA_CANDIDATES if lab.area else POINT_CANDIDATES
    for dx, dy in candidates:
        # diagonal steps are shortened so the label stays as close as beside the point
        step = gap_pt * (0.75 if dx and dy else 1.0)
        if lab.area:  # an area's name moves by its own height (a ring further: twice) off it
            step = art.get_fontsize()
        art.set_horizontalalignment(_HA[dx])
        art.set_verticalalignment(_VA[dy])
        art.xyann = (dx * step, dy * step)
        box = art.get_window_extent(renderer).padded(pad)
        inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1
                  and box.y0 >= frame.y0 and box.y1 <= frame.y1)
        if inside and not any(_overlaps(box, t, clear) for t in taken):
            return box
    return None


def renderer_of(fig):
    """The renderer that measures text on ``fig`` (an Agg canvas is attached if it has none)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()

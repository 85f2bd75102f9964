"""The print map sheet: a map made for a meeting, as PNG or PDF.

On the sheet: title and subtitle (what, as of when), the map drawn in EPSG:4549
(so metres on paper are true), a legend with the map's own colours, a scale
bar true for the extent, a north arrow pointing to true north, the data
source and credits, the export time, "内部资料，不得公开", and a
"synthetic demo data / 演示数据（虚构）" watermark whenever demo data are shown.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from pyproj import Transformer

from geo import basemaps, i18n
from geo.export import fonts, labels, layout, tiles
from geo.export.draw import LINE, POINT, draw_layer
from geo.export.errors import ExportError
from geo.export.maps import MapSpec
from geo.settings import DEMO_MARKER, METRIC_CRS

if TYPE_CHECKING:
    from geo.store import Store

logger = logging.getLogger(__name__)

PAPERS_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # landscape width, height
ORIENTATIONS = ("landscape", "portrait")
DPIS = (150, 300)
FORMATS = ("png", "pdf")
MM_PER_IN = 25.4
# names by what they name: the parks' long names are the smallest, so more of them fit
LABEL_PT = {labels.FLAG: 6.5, labels.TOWN: 6.5, labels.PLATFORM: 6.5, labels.PARK: 5.5}
TOWN_MARKER_PT = 8.0  # a town seat's circle (radius 4 CSS px) with its outline, on paper


@dataclass(frozen=True)
class SheetOptions:
    """Paper, orientation, resolution and file format of a sheet."""

    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 150
    fmt: str = "png"

    def __post_init__(self) -> None:
        checks = (("paper", self.paper, tuple(PAPERS_MM)),
                  ("orientation", self.orientation, ORIENTATIONS),
                  ("dpi", self.dpi, DPIS), ("format", self.fmt, FORMATS))
        for name, value, allowed in checks:
            if value not in allowed:
                raise ExportError(i18n.Message.of("err.export.option", option=name, value=repr(value),
                                                  choices=[str(a) for a in allowed]))

    @property
    def size_mm(self) -> tuple[float, float]:
        w, h = PAPERS_MM[self.paper]
        return (w, h) if self.orientation == "landscape" else (h, w)

    @property
    def size_px(self) -> tuple[int, int]:
        """Pixel size of the PNG: the paper at ``dpi``, rounded to whole pixels."""
        w, h = self.size_mm
        return round(w / MM_PER_IN * self.dpi), round(h / MM_PER_IN * self.dpi)

    @property
    def size_in(self) -> tuple[float, float]:
        w, h = self.size_px
        return w / self.dpi, h / self.dpi


@dataclass(frozen=True)
class SheetContext:
    """The words around the map: language, data provenance, dates, basemap choice."""

    lang: str = "zh"
    demo: bool = False
    as_of: date | None = None
    source: str = ""
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    basemap: basemaps.Basemap | None = None
    api_key: str | None = None


@dataclass
class SheetInfo:
    """Measures of the drawn sheet, for checks and the page's caption."""

    scale_denominator: float
    scalebar_m: float
    scalebar_px: float
    map_m_per_px: float
    scalebar_bbox_px: tuple[float, float, float, float]
    basemap_drawn: bool
    basemap_note: str | None
    north_deg: float
    # names left off the map for want of room, and the boxes (display pixels, from the
    # lower left) of the names drawn and of the north arrow: for the page's caption and checks
    unplaced: list[str] = field(default_factory=list)
    label_boxes_px: list[tuple[str, tuple[float, float, float, float]]] = field(
        default_factory=list)
    north_arrow_bbox_px: tuple[float, float, float, float] | None = None


# -- layout ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Layout:
    k: float  # text/line scale of the paper relative to A4
    map_rect: tuple[float, float, float, float]  # figure fractions
    legend_rect: tuple[float, float, float, float]


MARGIN_MM, EDGE_MM, BAND_GAP_MM = 10.0, 6.0, 3.0  # side margin, header/footer to the edge, gaps


def _layout(size_mm: tuple[float, float], head_mm: float, foot_mm: float) -> _Layout:
    """Map and legend in what the measured header (``head_mm`` from the top edge) and
    footer (``foot_mm`` from the bottom edge) leave, on paper of ``size_mm``."""
    w, h = size_mm
    k = paper_scale(size_mm)
    m, gap = MARGIN_MM * k, BAND_GAP_MM * k
    bottom, top = foot_mm + gap, h - head_mm - gap
    if w >= h:  # landscape: legend on the right
        legend_w = 60 * k
        map_mm = (m, bottom, w - 2 * m - legend_w - 4 * k, top - bottom)
        legend_mm = (w - m - legend_w, bottom, legend_w, map_mm[3])
    else:  # portrait: legend below the map
        legend_h = 62 * k
        map_mm = (m, bottom + legend_h + gap, w - 2 * m, top - bottom - legend_h - gap)
        legend_mm = (m, bottom, w - 2 * m, legend_h)

    def frac(r):
        return (r[0] / w, r[1] / h, r[2] / w, r[3] / h)

    return _Layout(k, frac(map_mm), frac(legend_mm))


def paper_scale(size_mm: tuple[float, float]) -> float:
    """Text and line scale of a paper relative to A4 (its short side over 210 mm)."""
    return min(size_mm) / 210.0


def _fit_extent(extent_m, ax_w_in: float, ax_h_in: float) -> tuple[float, float, float, float]:
    """Limits that show ``extent_m`` whole, centred, with one scale in x and y."""
    minx, miny, maxx, maxy = extent_m
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    m_per_in = max(w / ax_w_in, h / ax_h_in) * 1.02
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return (cx - m_per_in * ax_w_in / 2, cy - m_per_in * ax_h_in / 2,
            cx + m_per_in * ax_w_in / 2, cy + m_per_in * ax_h_in / 2)


def nice_length(max_m: float) -> float:
    """The largest 1, 2 or 5 x 10^n metres not above ``max_m``."""
    exp = math.floor(math.log10(max_m))
    for f in (5, 2, 1):
        if f * 10 ** exp <= max_m:
            return float(f * 10 ** exp)
    return float(10 ** exp)


def format_length(m: float, lang: str) -> str:
    if m >= 1000:
        km = m / 1000
        return f"{km:g} {i18n.t('export.km', lang)}"
    return f"{m:g} {i18n.t('export.m', lang)}"


# -- decorations ------------------------------------------------------------------------------

def _scalebar(ax: Axes, lims, k: float, lang: str) -> tuple[float, tuple[float, float], list]:
    x0, y0, x1, y1 = lims
    length = nice_length((x1 - x0) * 0.22)
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    bh = (y1 - y0) * 0.008
    back = ax.add_patch(Rectangle((bx - (x1 - x0) * 0.015, by - (y1 - y0) * 0.02),
                                  length + (x1 - x0) * 0.05, bh + (y1 - y0) * 0.075,
                                  facecolor=(1, 1, 1, 0.85), edgecolor="none", zorder=20))
    artists = [back]
    seg = length / 4
    for i in range(4):
        ax.add_patch(Rectangle((bx + i * seg, by), seg, bh, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.6 * k, zorder=21))
    style = {"fontsize": 7 * k, "ha": "center", "va": "bottom", "zorder": 22}
    for pos, lab in ((0, "0"), (length / 2, f"{length / 2 / (1000 if length >= 1000 else 1):g}"),
                     (length, format_length(length, lang))):
        artists.append(ax.text(bx + pos, by + bh * 1.6, lab, **style))
    return length, (bx, by + bh / 2), artists


def true_north_deg(x: float, y: float) -> float:
    """Angle of true north from grid north (up) at a point of EPSG:4549, degrees clockwise."""
    to_deg = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
    to_m = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
    lon, lat = to_deg.transform(x, y)
    nx, ny = to_m.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - x, ny - y))


def _north_arrow(ax: Axes, angle_deg: float, k: float, lang: str) -> list:
    cx, cy, size = 0.94, 0.88, 0.05
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    aspect = ax.bbox.width / ax.bbox.height
    pts = np.array([[0, 1], [-0.4, -0.6], [0, -0.25], [0.4, -0.6]]) @ rot.T * size
    pts[:, 0] /= aspect
    pts += (cx, cy)
    return [
        ax.add_patch(MplPolygon(pts[[0, 1, 2]], closed=True, transform=ax.transAxes,
                                facecolor="black", edgecolor="black", linewidth=0.6 * k,
                                zorder=22)),
        ax.add_patch(MplPolygon(pts[[0, 2, 3]], closed=True, transform=ax.transAxes,
                                facecolor="white", edgecolor="black", linewidth=0.6 * k,
                                zorder=22)),
        ax.text(cx, cy + size * 1.25, i18n.t("export.north", lang), transform=ax.transAxes,
                ha="center", va="bottom", fontsize=9 * k, fontweight="bold", zorder=22)]


def _swatch(ax: Axes, x: float, y: float, w: float, h: float, symbol, k: float) -> None:
    if symbol.kind == LINE:
        ax.add_line(Line2D([x, x + w], [y + h / 2] * 2, color=symbol.edge,
                           linewidth=symbol.linewidth_pt * k, dashes=symbol.dashes or (None, None)))
    elif symbol.kind == POINT:
        ax.plot([x + w / 2], [y + h / 2], marker="o", markersize=symbol.marker_size_pt * k,
                markerfacecolor=symbol.facecolor(), markeredgecolor=symbol.edge,
                markeredgewidth=symbol.linewidth_pt * k, linestyle="none")
    else:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=symbol.facecolor(),
                               edgecolor=symbol.edge or "none",
                               linewidth=max(symbol.linewidth_pt, 0.4) * k,
                               linestyle=(0, symbol.dashes) if symbol.dashes else "solid"))


def draw_legend(ax: Axes, spec: MapSpec, k: float, lang: str) -> list[str]:
    """The legend in its own axes (units: mm from the lower left); returns the labels drawn."""
    ax.set_axis_off()
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches() * MM_PER_IN
    w_mm, h_mm = bbox.width * fig_w, bbox.height * fig_h
    ax.set_xlim(0, w_mm)
    ax.set_ylim(0, h_mm)
    rows: list[tuple[str, object]] = [("title", i18n.t("legend.title", lang))]
    for heading, entries in spec.legend:
        rows.append(("heading", heading))
        rows += [("entry", e) for e in entries]
    row_h = 4.4 * k
    per_col = max(int((h_mm - 2 * k) // row_h), 1)
    ncol = math.ceil(len(rows) / per_col)
    col_w = w_mm / max(ncol, 1)
    ax.add_patch(Rectangle((0.3 * k, 0.3 * k), w_mm - 0.6 * k, h_mm - 0.6 * k, facecolor="white",
                           edgecolor="#888888", linewidth=0.5 * k))
    drawn = []
    for i, (kind, item) in enumerate(rows):
        col, row = divmod(i, per_col)
        x, y = col * col_w + 2.5 * k, h_mm - 1.5 * k - (row + 1) * row_h
        if kind == "title":
            ax.text(x, y + row_h * 0.5, item, fontsize=10 * k, fontweight="bold", va="center")
        elif kind == "heading":
            ax.text(x, y + row_h * 0.45, item, fontsize=7.5 * k, fontweight="bold", va="center")
        else:
            _swatch(ax, x + 1 * k, y + row_h * 0.2, 7 * k, row_h * 0.55, item.symbol, k)
            ax.text(x + 10 * k, y + row_h * 0.45, item.label, fontsize=7 * k, va="center")
            drawn.append(item.label)
    return drawn


def header_rows(title: str, subtitle: str, demo: bool, k: float) -> list[layout.Row]:
    """From the top: the demo mark (right), the title, the subtitle (centred)."""
    rows = [layout.Row(right=layout.Text(DEMO_MARKER, 7.5 * k, "#c62828", bold=True))] if demo else []
    return [*rows, layout.Row(center=layout.Text(title, 15 * k, "black", bold=True)),
            layout.Row(center=layout.Text(subtitle, 9 * k))]


def footer_rows(ctx: SheetContext, k: float, scale: str = "", notes: Sequence[str] = (),
                page: str | None = None) -> list[layout.Row]:
    """Notes, the source, the credits, then scale and export time with the internal-use line
    (and ``page``, in a brief) on their right where both fit (on a line of its own where not)."""
    t = lambda key, **f: i18n.t(key, ctx.lang, **f)  # noqa: E731
    small = 6.5 * k
    rows = [layout.Row(left=layout.Text(n, 7 * k, "#8a4b00")) for n in notes]
    rows += [layout.Row(left=layout.Text(t("export.source", source=ctx.source or "-"), small)),
             layout.Row(left=layout.Text(t("export.credits", app=t("app.title")), small))]
    last = " · ".join(x for x in (scale, t("export.exported_at", time=exported_text(ctx))) if x)
    internal = " · ".join(x for x in (t("export.internal"), page) if x)
    rows.append(layout.Row(left=layout.Text(last, small),
                           right=layout.Text(internal, 8 * k, "#b71c1c", bold=True)))
    return rows


def exported_text(ctx) -> str:
    return ctx.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _watermark(ax: Axes, k: float) -> None:
    ax.text(0.5, 0.5, DEMO_MARKER, transform=ax.transAxes, ha="center", va="center",
            rotation=28, fontsize=30 * k, color=(0.75, 0.1, 0.1, 0.16), fontweight="bold",
            zorder=30)


def _basemap(ax: Axes, lims, size_px: tuple[int, int], ctx: SheetContext) -> tuple[bool, str | None]:
    provider = ctx.basemap
    if provider is None:
        return False, None
    note = i18n.t("export.basemap_left_out", ctx.lang)
    if not provider.folder and not basemaps.reachable(provider.probe_url(ctx.api_key)):
        return False, note
    try:
        img = tiles.basemap_image(provider, lims, size_px, api_key=ctx.api_key)
    except OSError as exc:
        logger.warning("basemap %s: tile fetch failed (%s); left out", provider.key, exc)
        return False, note
    ax.imshow(img, extent=(lims[0], lims[2], lims[1], lims[3]), origin="upper", zorder=0,
              interpolation="bilinear", aspect="auto")
    return True, None


def subtitle(spec: MapSpec, ctx: SheetContext) -> str:
    if ctx.as_of is None:
        return spec.what
    return f"{spec.what} · {i18n.t('export.as_of', ctx.lang, date=ctx.as_of.isoformat())}"


def draw_map(fig: Figure, rect: tuple[float, float, float, float], spec: MapSpec,
             ctx: SheetContext, *, k: float, rasterize: bool,
             obstacles: Sequence[Bbox] = ()) -> SheetInfo:
    """The map frame alone in ``rect`` (figure fractions): layers, basemap or its note,
    scale bar, north arrow, the names (:mod:`geo.export.labels`, clear of all these and of
    ``obstacles``, boxes in display pixels) and, for demo data, the watermark."""
    w_in, h_in = fig.get_size_inches()
    lang = ctx.lang
    ax = fig.add_axes(rect)
    ax_w_in, ax_h_in = rect[2] * w_in, rect[3] * h_in
    lims = _fit_extent(spec.extent_m, ax_w_in, ax_h_in)
    ax.set_xlim(lims[0], lims[2])
    ax.set_ylim(lims[1], lims[3])
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.8 * k)
    dpi = fig.dpi
    drawn, note = _basemap(ax, lims, (round(ax_w_in * dpi), round(ax_h_in * dpi)), ctx)
    for layer in spec.layers:
        draw_layer(ax, layer, rasterize=rasterize)
    length, (bx, by), bar = _scalebar(ax, lims, k, lang)
    north = true_north_deg((lims[0] + lims[2]) / 2, (lims[1] + lims[3]) / 2)
    arrow = _north_arrow(ax, north, k, lang)
    furniture = [*bar, *arrow]
    if note:
        furniture.append(ax.text(0.99, 0.01, note, transform=ax.transAxes, ha="right",
                                 va="bottom", fontsize=6.5 * k, color="#555555", zorder=22,
                                 bbox={"fc": (1, 1, 1, 0.85), "ec": "none", "pad": 2}))
    renderer = labels.renderer_of(fig)
    arrow_box = Bbox.union([a.get_window_extent(renderer) for a in arrow])
    boxes = [arrow_box, *(a.get_window_extent(renderer) for a in furniture), *obstacles]
    sizes = {p: size * k for p, size in LABEL_PT.items()}
    placed = labels.place(ax, spec.labels, fontsize=sizes, gap_pt=4.0 * k,
                          marker_pt=TOWN_MARKER_PT * k, obstacles=boxes)
    if ctx.demo:
        _watermark(ax, k)
    scale = (lims[2] - lims[0]) / ax_w_in / (MM_PER_IN / 1000)
    p0 = ax.transData.transform((bx, by))
    p1 = ax.transData.transform((bx + length, by))
    return SheetInfo(scale_denominator=float(scale), scalebar_m=length,
                     scalebar_px=float(p1[0] - p0[0]),
                     map_m_per_px=float((lims[2] - lims[0]) / (ax_w_in * dpi)),
                     scalebar_bbox_px=(float(p0[0]), float(p0[1]), float(p1[0]), float(p1[1])),
                     basemap_drawn=drawn, basemap_note=note, north_deg=north,
                     unplaced=placed.unplaced, label_boxes_px=placed.placed,
                     north_arrow_bbox_px=tuple(float(v) for v in arrow_box.extents))


def draw_sheet(fig: Figure, spec: MapSpec, ctx: SheetContext, *, rasterize: bool,
               notes: Sequence[str] = (), page: str | None = None) -> SheetInfo:
    """Draw the whole sheet (header, map, legend, scale bar, north arrow, footer with
    ``notes`` above its source line) on ``fig``; header and footer are measured first and
    the map takes the room between them."""
    w_in, h_in = fig.get_size_inches()
    size_mm = (w_in * MM_PER_IN, h_in * MM_PER_IN)
    k = paper_scale(size_mm)
    x0, x1 = MARGIN_MM * k / MM_PER_IN, w_in - MARGIN_MM * k / MM_PER_IN
    edge = EDGE_MM * k / MM_PER_IN
    head = layout.draw_rows(fig, header_rows(spec.title, subtitle(spec, ctx), ctx.demo, k),
                            x0=x0, x1=x1, y=h_in - edge)
    # the footer's height with the longest scale it can print, before the map fixes the scale
    widest = i18n.t("export.scale", ctx.lang, scale="99,999,999")
    foot = layout.height_in(fig, footer_rows(ctx, k, widest, notes, page), x1 - x0)
    lay = _layout(size_mm, (edge + head) * MM_PER_IN, (edge + foot) * MM_PER_IN)
    legend_box = Bbox.from_bounds(*lay.legend_rect).transformed(fig.transFigure)
    info = draw_map(fig, lay.map_rect, spec, ctx, k=k, rasterize=rasterize,
                    obstacles=[legend_box])
    draw_legend(fig.add_axes(lay.legend_rect), spec, k, ctx.lang)
    scale = i18n.t("export.scale", ctx.lang, scale=f"{info.scale_denominator:,.0f}")
    layout.draw_rows(fig, footer_rows(ctx, k, scale, notes, page), x0=x0, x1=x1, y=edge,
                     down=False)
    return info


def render_sheet(spec: MapSpec, opts: SheetOptions, ctx: SheetContext) -> tuple[bytes, SheetInfo]:
    """The sheet as PNG or PDF bytes, and its measures.

    In a PDF, layers of more than :data:`geo.export.draw.RASTERIZE_ABOVE` features are
    rasterized at ``opts.dpi``; text, lines and small layers stay vector.
    """
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=opts.size_in, dpi=opts.dpi)
        info = draw_sheet(fig, spec, ctx, rasterize=opts.fmt == "pdf")
        buf = io.BytesIO()
        fig.savefig(buf, format=opts.fmt, dpi=opts.dpi, metadata={"Title": spec.title})
    return buf.getvalue(), info


def source_text(store: Store, lang: str) -> str:
    """The data-source line: the demo's provenance, or the store file's name."""
    county = store.county
    county_src = (str(county["source"].iloc[0]) if len(county) and "source" in county.columns
                  else "-")
    if store.is_demo:
        return i18n.t("export.source_demo", lang, county=county_src)
    return f"{store.name} · {county_src}"


def context_for(store: Store, lang: str, **kwargs) -> SheetContext:
    """The sheet's words for a map of ``store``: demo or not, latest date, source line."""
    return SheetContext(lang=lang, demo=store.is_demo, as_of=latest_date(store),
                        source=source_text(store, lang), **kwargs)


def latest_date(layers: Mapping[str, pd.DataFrame], *, today: date | None = None) -> date | None:
    """The latest event date in the data (sales, starts, completions, revitalisations)."""
    from geo import asof

    return asof.data_date(layers, today=today).date()

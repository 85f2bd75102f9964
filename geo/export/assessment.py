"""The one-page assessment report of a candidate site (PDF or PNG; A4 portrait by default).

Takes what :func:`geo.assess.report` returns for one candidate and lays it out
for print: the site on a map of its surroundings (parcels, platforms,
constraints, roads; scale bar and north arrow), the score breakdown, every
figure of the assessment, the constraints it touches and the notes, with the
same source, export-time, internal-use and demo lines as the map sheets.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from geo import i18n
from geo.export import fonts, layout, maps, sheet
from geo.export.draw import POLYGON, DrawLayer, Symbol
from geo.export.errors import ExportError
from geo.settings import DEMO_MARKER

CANDIDATE = Symbol(POLYGON, face="#ffeb3b", edge="#d50000", linewidth_pt=2.2, face_alpha=0.25)
SURROUNDINGS = ["county", "platforms", "parcels", "parks", "roads", "constraints", "towns"]
MIN_SURROUNDINGS_M = 600.0
LEADING_IN = 1.3 / 72  # a heading's line, per point of type


def candidate_spec(rep: Mapping[str, Any], layers: Mapping[str, pd.DataFrame],
                   lang: str) -> maps.MapSpec:
    """The candidate (outlined) over its surroundings, framed around it."""
    geom = rep["geometry_metric"]
    minx, miny, maxx, maxy = geom.bounds
    pad = max(MIN_SURROUNDINGS_M, 0.6 * max(maxx - minx, maxy - miny))
    spec = maps.overview_spec(layers, lang=lang, visible=SURROUNDINGS)
    spec.extent_m = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    label = i18n.t("export.assess_candidate", lang)
    spec.layers.append(DrawLayer("candidate", np.array([geom], dtype=object), CANDIDATE, 12))
    # the legend keeps the candidate and the constraint kinds, the rest is the overview's
    cons = [s for s in spec.legend if s[0] == i18n.t("layer.constraints", lang)]
    spec.legend = [(rep["name"], [maps.LegendEntry(label, CANDIDATE),
                                  maps.LegendEntry(i18n.t("layer.platforms", lang), maps.PLATFORM)]),
                   *cons]
    spec.title, spec.what, spec.page = rep["title"], label, "assessment"
    return spec


def _subtitle(rep: Mapping[str, Any], lang: str) -> str:
    return i18n.t("export.assess_subtitle", lang, score=f"{rep['score']:.1f}", rank=rep["rank"],
                  of=rep["of"])


def _breakdown(fig: Figure, rect, rep: Mapping[str, Any], lang: str) -> None:
    rows = [r for r in rep["breakdown"] if r["weight"] is not None and r["value"] is not None]
    subtotal, share, score = rep["breakdown"][-3:]
    ax = fig.add_axes(rect)
    names = [r["criterion"] for r in rows][::-1]
    full = [100 * r["weight"] for r in rows][::-1]
    got = [r["points"] for r in rows][::-1]
    ax.barh(names, full, color="#eceff1", edgecolor="#b0bec5", height=0.6)
    bars = ax.barh(names, got, color="#2e7d32", height=0.6)
    ax.bar_label(bars, labels=[f"{v:.1f}" for v in got], padding=2, fontsize=7)
    ax.set_xlim(0, max(full + [1.0]) * 1.25)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    # the score as the reader checks it: the bars' sum times the buildable share
    total = (f"{subtotal['points']:.1f} × {share['value']:.0%} = {score['points']:.1f}"
             if share["value"] else i18n.t("assess.excluded_score", lang))
    ax.set_title(f"{i18n.t('export.assess_breakdown', lang)}\n{total}", fontsize=7.5, loc="right")


FIGURE_PT = 6.8  # the figures' table, on A4
ROW_LEADING = 1.75  # a table row's height in type sizes


def _figures(fig: Figure, rect, rep: Mapping[str, Any], lang: str, size: float) -> None:
    figures = list(rep["figures"])
    half = (len(figures) + 1) // 2
    x, y, w, h = rect
    fig.text(x, y + h + 0.006, i18n.t("export.assess_figures", lang), fontsize=size * 1.3,
             fontweight="bold")
    row_h = size * ROW_LEADING / 72 / (h * fig.get_size_inches()[1])
    for i, part in enumerate((figures[:half], figures[half:])):
        ax = fig.add_axes((x + i * (w / 2 + 0.01), y, w / 2 - 0.01, h))
        ax.set_axis_off()
        if not part:
            continue
        tbl = ax.table(cellText=[[label, value] for label, value in part], loc="upper center",
                       colWidths=[0.72, 0.28], cellLoc="left")
        tbl.auto_set_font_size(False)
        tbl.set_fontsize(size)
        for cell in tbl.get_celld().values():
            cell.set_edgecolor("#cfd8dc")
            cell.set_height(row_h)


def _notes_rows(rep: Mapping[str, Any], lang: str, k: float) -> list[layout.Row]:
    hit = rep["constraints_hit"]
    if hit:
        text = "；".join(
            f"{c['label']} {c['mu']:,.1f} {i18n.t('unit.mu', lang)}（{c['share']:.0%}，"
            f"{i18n.t('assess.hard_yes' if c['hard'] else 'assess.hard_no', lang)}）" for c in hit)
    else:
        text = i18n.t("assess.no_constraints", lang)
    rows = [layout.Row(left=layout.Text(f"{i18n.t('assess.constraints_hit', lang)}：{text}",
                                        7.5 * k, "black"))]
    return rows + [layout.Row(left=layout.Text(f"· {note}", 7 * k, "#5d4037"))
                   for note in rep["notes"][:4]]


def _header_rows(rep: Mapping[str, Any], ctx: sheet.SheetContext, k: float) -> list[layout.Row]:
    lang = ctx.lang
    sub = _subtitle(rep, lang)
    if ctx.as_of is not None:
        sub += f" · {i18n.t('export.as_of', lang, date=ctx.as_of.isoformat())}"
    demo = layout.Text(DEMO_MARKER, 8 * k, "#c62828", bold=True) if ctx.demo else None
    return [layout.Row(left=layout.Text(rep["title"], 15 * k, "black", bold=True), right=demo),
            layout.Row(left=layout.Text(sub, 9 * k))]


def _footer_rows(ctx: sheet.SheetContext, k: float, scale: str) -> list[layout.Row]:
    lang = ctx.lang
    left = (f"{i18n.t('export.source', lang, source=ctx.source or '-')} · "
            f"{i18n.t('export.exported_at', lang, time=sheet.exported_text(ctx))} · "
            f"{i18n.t('export.scale', lang, scale=scale)}")
    return [layout.Row(left=layout.Text(left, 6.5 * k, "#444444"),
                       right=layout.Text(i18n.t("export.internal", lang), 8 * k, "#b71c1c",
                                         bold=True))]


def draw_report(fig: Figure, rep: Mapping[str, Any], layers: Mapping[str, pd.DataFrame],
                ctx: sheet.SheetContext) -> sheet.SheetInfo:
    """Lay the report out on ``fig`` (any paper); returns the map's measures.

    From the top: the measured header, the map with legend and score breakdown beside
    it, the figures' table (as tall as its rows), the constraints and notes, the footer.
    """
    lang = ctx.lang
    w_in, h_in = fig.get_size_inches()
    k = sheet.paper_scale((w_in * sheet.MM_PER_IN, h_in * sheet.MM_PER_IN))
    mx, edge = 0.06 * w_in, 6 * k / sheet.MM_PER_IN
    x1 = w_in - mx
    gap = 4 * k / sheet.MM_PER_IN
    head = layout.draw_rows(fig, _header_rows(rep, ctx, k), x0=mx, x1=x1, y=h_in - edge)
    widest = "99,999,999"
    foot = layout.height_in(fig, _footer_rows(ctx, k, widest), x1 - mx)
    notes = _notes_rows(rep, lang, k)
    notes_h = layout.height_in(fig, notes, x1 - mx)
    layout.draw_rows(fig, notes, x0=mx, x1=x1, y=edge + foot + gap, down=False)
    size = FIGURE_PT * k
    rows = (len(rep["figures"]) + 1) // 2
    table_h = rows * size * ROW_LEADING / 72 + size / 72
    table_y = edge + foot + gap + notes_h + gap
    _figures(fig, (mx / w_in, table_y / h_in, 1 - 2 * mx / w_in, table_h / h_in), rep, lang, size)
    top = h_in - edge - head - gap
    bottom = table_y + table_h + size * 1.3 * LEADING_IN + gap
    map_w = 0.52 * (x1 - mx)
    spec = candidate_spec(rep, layers, lang)
    map_rect = (mx / w_in, bottom / h_in, map_w / w_in, (top - bottom) / h_in)
    side_x = (mx + map_w + gap) / w_in
    side_w = (x1 - mx - map_w - gap) / w_in
    block = (top - bottom) / h_in
    legend_rect = (side_x, map_rect[1] + 0.55 * block, side_w, 0.45 * block)
    info = sheet.draw_map(fig, map_rect, spec, ctx, k=0.8 * k, rasterize=True)
    sheet.draw_legend(fig.add_axes(legend_rect), spec, 0.8 * k, lang)
    _breakdown(fig, (side_x + 0.3 * side_w, map_rect[1] + 0.02, 0.7 * side_w, 0.42 * block), rep,
               lang)
    layout.draw_rows(fig, _footer_rows(ctx, k, f"{info.scale_denominator:,.0f}"), x0=mx, x1=x1,
                     y=edge, down=False)
    return info


def render_report(rep: Mapping[str, Any], layers: Mapping[str, pd.DataFrame],
                  ctx: sheet.SheetContext, *, fmt: str = "pdf", dpi: int = 150,
                  paper: str = "A4", orientation: str = "portrait") -> bytes:
    """The one-page report as PDF (default) or PNG bytes, A4 portrait unless asked."""
    opts = sheet.SheetOptions(paper, orientation, dpi, fmt)
    missing = [k for k in ("title", "name", "score", "rank", "of", "figures", "breakdown",
                           "constraints_hit", "notes", "geometry_metric") if k not in rep]
    if missing:
        raise ExportError(i18n.Message.of("err.export.report_lacks", keys=missing))
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=opts.size_in, dpi=opts.dpi)
        draw_report(fig, rep, layers, ctx)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Title": rep["title"]})
    return buf.getvalue()

"""The one-page assessment report of a candidate site (A4 portrait PDF or PNG).

Takes what :func:`geo.assess.report` returns for one candidate and lays it out
for print: the site on a map of its surroundings (parcels, platforms,
constraints, roads; scale bar and north arrow), the score breakdown, every
figure of the assessment, the constraints it touches and the notes, with the
same source, export-time, internal-use and demo lines as the map sheets.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from geo import i18n
from geo.export import fonts, maps, sheet
from geo.export.draw import POLYGON, DrawLayer, Symbol
from geo.export.errors import ExportError
from geo.settings import DEMO_MARKER

CANDIDATE = Symbol(POLYGON, face="#ffeb3b", edge="#d50000", linewidth_pt=2.2, face_alpha=0.25)
SURROUNDINGS = ["county", "platforms", "parcels", "parks", "roads", "constraints", "towns"]
MIN_SURROUNDINGS_M = 600.0


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


def _figures(fig: Figure, rect, rep: Mapping[str, Any], lang: str) -> None:
    figures = list(rep["figures"])
    half = (len(figures) + 1) // 2
    x, y, w, h = rect
    fig.text(x, y + h + 0.006, i18n.t("export.assess_figures", lang), fontsize=9,
             fontweight="bold")
    for i, part in enumerate((figures[:half], figures[half:])):
        ax = fig.add_axes((x + i * (w / 2 + 0.01), y, w / 2 - 0.01, h))
        ax.set_axis_off()
        if not part:
            continue
        tbl = ax.table(cellText=[[label, value] for label, value in part], loc="upper center",
                       colWidths=[0.72, 0.28], cellLoc="left")
        tbl.auto_set_font_size(False)
        tbl.set_fontsize(6.8)
        tbl.scale(1, 1.08)
        for cell in tbl.get_celld().values():
            cell.set_edgecolor("#cfd8dc")


def _constraints_and_notes(fig: Figure, y: float, rep: Mapping[str, Any], lang: str) -> None:
    hit = rep["constraints_hit"]
    if hit:
        text = "；".join(
            f"{c['label']} {c['mu']:,.1f} {i18n.t('unit.mu', lang)}（{c['share']:.0%}，"
            f"{i18n.t('assess.hard_yes' if c['hard'] else 'assess.hard_no', lang)}）" for c in hit)
    else:
        text = i18n.t("assess.no_constraints", lang)
    fig.text(0.06, y, f"{i18n.t('assess.constraints_hit', lang)}：{text}", fontsize=7.5,
             wrap=True)
    for i, note in enumerate(rep["notes"][:4]):
        fig.text(0.06, y - 0.016 * (i + 1), f"· {note}", fontsize=7, color="#5d4037", wrap=True)


def draw_report(fig: Figure, rep: Mapping[str, Any], layers: Mapping[str, pd.DataFrame],
                ctx: sheet.SheetContext) -> sheet.SheetInfo:
    """Lay the report out on an A4 portrait figure; returns the map's measures."""
    lang = ctx.lang
    fig.text(0.06, 0.965, rep["title"], fontsize=15, fontweight="bold", va="top")
    sub = _subtitle(rep, lang)
    if ctx.as_of is not None:
        sub += f" · {i18n.t('export.as_of', lang, date=ctx.as_of.isoformat())}"
    fig.text(0.06, 0.935, sub, fontsize=9, va="top", color="#333333")
    if ctx.demo:
        fig.text(0.94, 0.965, DEMO_MARKER, fontsize=8, ha="right", va="top", color="#c62828",
                 fontweight="bold")
    spec = candidate_spec(rep, layers, lang)
    info = sheet.draw_map(fig, (0.06, 0.55, 0.52, 0.36), spec, ctx, k=0.8, rasterize=True)
    sheet.draw_legend(fig.add_axes((0.61, 0.765, 0.33, 0.145)), spec, 0.8, lang)
    _breakdown(fig, (0.75, 0.555, 0.19, 0.15), rep, lang)
    _figures(fig, (0.06, 0.15, 0.88, 0.36), rep, lang)
    _constraints_and_notes(fig, 0.125, rep, lang)
    exported = ctx.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fig.text(0.06, 0.03, f"{i18n.t('export.source', lang, source=ctx.source or '-')} · "
             f"{i18n.t('export.exported_at', lang, time=exported)} · "
             f"{i18n.t('export.scale', lang, scale=f'{info.scale_denominator:,.0f}')}",
             fontsize=6.5, color="#444444")
    fig.text(0.94, 0.05, i18n.t("export.internal", lang), fontsize=8, ha="right",
             color="#b71c1c", fontweight="bold")
    return info


def render_report(rep: Mapping[str, Any], layers: Mapping[str, pd.DataFrame],
                  ctx: sheet.SheetContext, *, fmt: str = "pdf", dpi: int = 150) -> bytes:
    """The one-page report as PDF (default) or PNG bytes, A4 portrait."""
    opts = sheet.SheetOptions("A4", "portrait", dpi, fmt)
    missing = [k for k in ("title", "name", "score", "rank", "of", "figures", "breakdown",
                           "constraints_hit", "notes", "geometry_metric") if k not in rep]
    if missing:
        msg = f"Assessment report: the report data lacks {missing} (from geo.assess.report)."
        raise ExportError(msg)
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=opts.size_in, dpi=opts.dpi)
        draw_report(fig, rep, layers, ctx)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Title": rep["title"]})
    return buf.getvalue()

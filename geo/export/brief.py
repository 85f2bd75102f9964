"""The meeting brief: one multi-page PDF (and optionally a PPTX deck) for a quarter.

Pages: cover, the county overview map, the KPI table against the plan's
targets, the micro-park table, the land-supply chart, the inefficient-land
progress, the per-mu class map and the platform ranking with its flags. Each
section is a function drawing its page(s) (A4 landscape unless the context asks
for another paper) from the layers as they stood at the quarter's end
(:func:`geo.asof.layers_as_of`); a table too long for one page goes on over the
next ones. A section whose computation module is not in this build is left out,
and the cover says so. Headers and footers are measured rows
(:mod:`geo.export.layout`), so no two texts print over each other.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geo import asof, figures, i18n
from geo.errors import PlannerError
from geo.export import fonts, layout, maps, sheet
from geo.export.errors import ExportError
from geo.plan import Plan
from geo.settings import DEMO_MARKER

MM_PER_IN = sheet.MM_PER_IN


@dataclass
class BriefContext:
    """Inputs of every page of the brief."""

    layers: Mapping[str, pd.DataFrame]
    plan: Plan
    quarter: str
    lang: str = "zh"
    demo: bool = False
    source: str = ""
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    paper: str = "A4"
    orientation: str = "landscape"

    def __post_init__(self) -> None:
        self.options = sheet.SheetOptions(self.paper, self.orientation, 150, "pdf")
        try:
            end = asof.period_end(self.quarter)
        except ValueError as exc:
            raise ExportError(i18n.Message.of("err.brief.quarter", quarter=self.quarter)) from exc
        if end is None or "Q" not in self.quarter:
            raise ExportError(i18n.Message.of("err.brief.quarter", quarter=self.quarter))
        self.as_of: date = end.date()
        self.at = asof.layers_as_of(dict(self.layers), end)
        self.figures = figures.figures(self.layers, self.plan, as_of=end)

    @classmethod
    def for_store(cls, store, quarter: str, lang: str = "zh", **kwargs) -> BriefContext:
        """The brief of ``store`` (a :class:`geo.store.Store`) against its plan (``kwargs``:
        ``paper``, ``orientation``, ``exported_at``)."""
        return cls(store, store.plan, quarter, lang=lang, demo=store.is_demo,
                   source=sheet.source_text(store, lang), **kwargs)

    def t(self, key: str, **fmt) -> str:
        return i18n.t(key, self.lang, **fmt)

    def sheet_context(self) -> sheet.SheetContext:
        return sheet.SheetContext(lang=self.lang, demo=self.demo, as_of=self.as_of,
                                  source=self.source, exported_at=self.exported_at)


@dataclass
class Brief:
    """The built brief: PDF bytes, the sections included, and those left out."""

    pdf: bytes
    sections: list[str]
    missing: list[str]
    pages: int
    pptx: bytes | None = None


# -- page frame ------------------------------------------------------------------------------

MARGIN_MM, EDGE_MM = 10.0, 6.0  # side margin; header and footer from the paper's edge
MIN_TABLE_PT = 6.0  # below this a table goes on over another page instead of shrinking
RED = "#b71c1c"


def _figure(ctx: BriefContext) -> Figure:
    return Figure(figsize=ctx.options.size_in, dpi=ctx.options.dpi)


def _frame(fig: Figure) -> tuple[float, float, float, float]:
    """The paper's scale (relative to A4), its width and height and side margin, in inches."""
    w_in, h_in = fig.get_size_inches()
    k = sheet.paper_scale((w_in * MM_PER_IN, h_in * MM_PER_IN))
    return k, w_in, h_in, MARGIN_MM * k / MM_PER_IN


def footer_rows(ctx: BriefContext, number: int | None, k: float) -> list[layout.Row]:
    """Source and export time on the left, the internal-use line (and page) on the right."""
    left = (f"{ctx.t('export.source', source=ctx.source or '-')} · "
            f"{ctx.t('export.exported_at', time=sheet.exported_text(ctx))}")
    right = ctx.t("export.internal")
    if number is not None:
        right = f"{right} · {ctx.t('brief.page', n=number)}"
    return [layout.Row(left=layout.Text(left, 7 * k, "#444444"),
                       right=layout.Text(right, 8 * k, RED, bold=True))]


def _page(ctx: BriefContext, title: str, number: int) -> tuple[Figure, tuple[float, ...]]:
    """A page with header, footer and watermark; returns the content rect (figure fractions)
    between the measured header and footer."""
    fig = _figure(ctx)
    k, w_in, h_in, m = _frame(fig)
    edge = EDGE_MM * k / MM_PER_IN
    q = quarter_label(ctx.quarter, ctx.lang)
    rows = [layout.Row(left=layout.Text(title, 17 * k, "black", bold=True),
                       right=layout.Text(f"{ctx.t('brief.title')} · {q}", 9 * k, "#444444"))]
    if ctx.demo:
        rows.append(layout.Row(right=layout.Text(DEMO_MARKER, 8 * k, "#c62828", bold=True)))
    head = layout.draw_rows(fig, rows, x0=m, x1=w_in - m, y=h_in - edge)
    rule = (h_in - edge - head - 1.5 * k / MM_PER_IN) / h_in
    fig.add_artist(mpl.lines.Line2D([m / w_in, 1 - m / w_in], [rule, rule], color=RED,
                                    lw=1.2 * k))
    foot = layout.draw_rows(fig, footer_rows(ctx, number, k), x0=m, x1=w_in - m, y=edge,
                            down=False)
    if ctx.demo:
        _watermark(fig, k)
    gap = 6 * k / MM_PER_IN
    bottom, top = (edge + foot + gap) / h_in, rule - gap / h_in
    x0 = m / w_in + 0.015
    return fig, (x0, bottom, 1 - 2 * x0, top - bottom)


def _watermark(fig: Figure, k: float, y: float = 0.47) -> None:
    fig.text(0.5, y, DEMO_MARKER, fontsize=34 * k, rotation=25, ha="center", va="center",
             color=(0.75, 0.1, 0.1, 0.12), fontweight="bold", zorder=50)


def quarter_label(quarter: str, lang: str) -> str:
    year, q = quarter.split("Q")
    return f"{year}年第{'一二三四'[int(q) - 1]}季度" if lang == "zh" else f"{year} Q{q}"


@dataclass(frozen=True)
class TableFit:
    """How a table fits its rect: type size, column widths and row height (axes fractions),
    and the rows of each page."""

    size: float
    col_widths: list[float]
    row_h: float
    header_h: float
    pages: list[tuple[int, int]]


def fit_table(fig: Figure, df: pd.DataFrame, rect, font_size: float) -> TableFit:
    """Measure the table's texts and fit it to ``rect``: columns as wide as their widest
    text, the type shrunk (not below :data:`MIN_TABLE_PT`) until the columns fit the width,
    and the rows cut into pages of what fits the height."""
    w_in, h_in = fig.get_size_inches()
    avail_w, avail_h = rect[2] * w_in, rect[3] * h_in

    def widths(size: float) -> list[float]:
        out = []
        for j, col in enumerate(df.columns):
            texts = [str(col), *(str(v) for v in df.iloc[:, j])]
            out.append(max(layout.width_in(fig, layout.Text(t, size, bold=(t == str(col))))
                           for t in texts) + 0.9 * size / 72)
        return out

    size = font_size
    cols = widths(size)
    while sum(cols) > avail_w and size > MIN_TABLE_PT:
        size = max(MIN_TABLE_PT, size * min(0.95, avail_w / sum(cols)))
        cols = widths(size)
    spare = max(avail_w - sum(cols), 0.0) / len(cols)  # the rest shared out evenly
    col_widths = [(c + spare) / avail_w for c in cols]
    row_in, head_in = size * 1.9 / 72, size * 2.1 / 72
    per_page = max(int((avail_h - head_in) // row_in), 1)
    n = len(df)
    pages = [(i, min(i + per_page, n)) for i in range(0, n, per_page)] or [(0, 0)]
    return TableFit(size, col_widths, row_in / avail_h, head_in / avail_h, pages)


def _table(ax: Axes, df: pd.DataFrame, fit: TableFit, *,
           colors: list[list[str]] | None = None) -> None:
    ax.set_axis_off()
    tbl = ax.table(cellText=df.to_numpy().tolist() or None, colLabels=list(df.columns),
                   loc="upper center", cellLoc="center", cellColours=colors or None,
                   colColours=["#eceff1"] * df.shape[1], colWidths=fit.col_widths)
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(fit.size)
    for (row, _), cell in tbl.get_celld().items():
        cell.set_edgecolor("#b0bec5")
        cell.set_height(fit.header_h if row == 0 else fit.row_h)
        if row == 0:
            cell.set_text_props(fontweight="bold")


FOOTNOTE_PT = 11.0


def table_pages(ctx: BriefContext, title: str, number: int, df: pd.DataFrame, *,
                colors: list[list[str]] | None = None, font_size: float = 9,
                footnote: str | None = None) -> list[Figure]:
    """The table on as many pages as it needs (titled "（续）" after the first), each page
    with its header and footer; a ``footnote`` goes under the table on every page, in room
    kept free for it."""
    fig, rect = _page(ctx, title, number)
    k, w_in, h_in, _ = _frame(fig)
    note = layout.Text(footnote, FOOTNOTE_PT * k, "black", bold=True) if footnote else None
    note_h = layout.height_in(fig, [layout.Row(left=note)], rect[2] * w_in) if note else 0.0
    rect = (rect[0], rect[1] + note_h / h_in, rect[2], rect[3] - note_h / h_in)
    fit = fit_table(fig, df, rect, font_size * k)
    figs = []
    for i, (a, b) in enumerate(fit.pages):
        if i:
            fig, _ = _page(ctx, f"{title}{ctx.t('brief.continued')}", number + i)
        _table(fig.add_axes(rect), df.iloc[a:b], fit,
               colors=colors[a:b] if colors is not None else None)
        if note:
            layout.draw_rows(fig, [layout.Row(left=note)], x0=rect[0] * w_in,
                             x1=(rect[0] + rect[2]) * w_in, y=rect[1] * h_in - note_h,
                             down=False)
        figs.append(fig)
    return figs


def _fmt(value: float, unit: str = "") -> str:
    if unit in ("percent", "%"):
        return f"{value:,.1f}%"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


# -- sections --------------------------------------------------------------------------------

def overview_map_page(ctx: BriefContext, number: int) -> Figure:
    fig = _figure(ctx)
    spec = maps.overview_spec(ctx.at, lang=ctx.lang)
    sheet.draw_sheet(fig, spec, ctx.sheet_context(), rasterize=True,
                     page=ctx.t("brief.page", n=number))
    return fig


def kpi_rows(ctx: BriefContext) -> pd.DataFrame:
    """The KPI table: every figure of the plan that has a target (:mod:`geo.figures`), as of
    the quarter's end: the same figures as the overview and each page."""
    rows = [(f.label.text(ctx.lang), f.value, f.target, f.unit, f.share, bool(f.met), f.key)
            for f in ctx.figures if f.target is not None]
    return pd.DataFrame(rows, columns=["name", "value", "target", "unit", "share", "met", "key"])


def kpi_page(ctx: BriefContext, number: int) -> list[Figure]:
    rows = kpi_rows(ctx)
    t = ctx.t
    df = pd.DataFrame({
        t("brief.col.indicator"): rows["name"],
        t("brief.col.value"): [_fmt(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)],
        t("brief.col.target"): [_fmt(v, u) for v, u in zip(rows["target"], rows["unit"], strict=True)],
        t("brief.col.share"): [f"{s:.0%}" for s in rows["share"]],
        t("brief.col.verdict"): [t("kpi.met") if m else t("kpi.not_met") for m in rows["met"]],
    })
    colors = [["white"] * 4 + ["#c8e6c9" if m else "#ffcdd2"] for m in rows["met"]]
    return table_pages(ctx, ctx.t("brief.section.kpis"), number, df, colors=colors)


def parks_page(ctx: BriefContext, number: int) -> list[Figure]:
    from geo.units import area_mu

    parks = ctx.at["parks"]
    towns = ctx.layers["towns"]
    town_name = dict(zip(towns["town_code"], towns[i18n.name_column(ctx.lang)],
                         strict=True))
    t = ctx.t
    df = pd.DataFrame({
        t("field.name"): parks["name_zh"],
        t("field.town"): parks["town_code"].map(town_name),
        t("field.status"): [i18n.enum_label("park_status", s, ctx.lang) for s in parks["status"]],
        t("field.planned_area_mu"): parks["planned_area_mu"].map(lambda v: f"{v:,.0f}"),
        t("field.area_mu"): area_mu(parks).map(lambda v: f"{v:,.0f}"),
        t("field.floor_area_m2"): parks["floor_area_m2"].map(lambda v: f"{v:,.0f}"),
        t("field.enterprises_in"): parks["enterprises_in"].map(lambda v: f"{v:,.0f}"),
        t("field.star_rating"): parks["star_rating"].map(lambda v: "★" * int(v) if v else "-"),
    }).reset_index(drop=True)
    return table_pages(ctx, ctx.t("brief.section.parks"), number, df, font_size=8)


def land_supply_page(ctx: BriefContext, number: int) -> Figure:
    fig, rect = _page(ctx, ctx.t("brief.section.land_supply"), number)
    sold = pd.Series({f.year: f.value for f in ctx.figures if f.base == "land.sold_mu"},
                     dtype=float)
    target = ctx.plan.target("land_sold_mu").value
    ax = fig.add_axes((rect[0] + 0.04, rect[1] + 0.05, rect[2] - 0.08, rect[3] - 0.1))
    years = [str(y) for y in sold.index]
    colors = ["#2e7d32" if v >= target else "#ef6c00" for v in sold]
    bars = ax.bar(years, sold.to_numpy(), color=colors, width=0.55, label=ctx.t("brief.sold"))
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in sold], fontsize=10, padding=3)
    ax.axhline(target, color="#b71c1c", linestyle="--", linewidth=1.5,
               label=ctx.t("brief.target_line", value=f"{target:,.0f}"))
    ax.set_ylabel(ctx.t("brief.sold"))
    ax.set_xlabel(ctx.t("brief.year"))
    ax.set_ylim(0, max(float(sold.max()) if len(sold) else 0.0, target) * 1.2)
    ax.legend(loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def inefficient_page(ctx: BriefContext, number: int) -> Figure:
    fig, rect = _page(ctx, ctx.t("brief.section.inefficient"), number)
    from geo.units import area_mu

    cases = ctx.at["cases"]
    years = [y for y in ctx.plan.years if y <= ctx.as_of.year]
    done = cases[cases["status"] == "revitalised"]
    by_year = (area_mu(done).groupby(pd.to_datetime(done["revitalised_date"]).dt.year.to_numpy())
               .sum().reindex(years, fill_value=0.0)) if len(done) else pd.Series(0.0, index=years)
    cum = by_year.cumsum()
    target = ctx.plan.target("revitalised_mu").value
    ax = fig.add_axes((rect[0] + 0.03, rect[1] + 0.05, rect[2] * 0.48, rect[3] - 0.1))
    ax.plot([str(y) for y in years], cum.to_numpy(), marker="o", color="#1565c0", lw=2,
            label=ctx.t("brief.revitalised_cum"))
    for x, v in zip([str(y) for y in years], cum, strict=True):
        ax.annotate(f"{v:,.0f}", (x, v), textcoords="offset points", xytext=(0, 6), ha="center")
    ax.axhline(target, color="#b71c1c", ls="--", lw=1.5,
               label=ctx.t("brief.target_total", value=f"{target:,.0f}"))
    ax.set_ylim(0, max(float(cum.max()) if len(cum) else 0.0, target) * 1.2)
    ax.set_xlabel(ctx.t("brief.year"))
    ax.legend(loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax2 = fig.add_axes((rect[0] + rect[2] * 0.6, rect[1] + 0.05, rect[2] * 0.38, rect[3] - 0.1))
    mu = area_mu(cases).groupby(cases["status"].to_numpy()).sum() if len(cases) else pd.Series()
    statuses = ["identified", "in_progress", "revitalised"]
    vals = [float(mu.get(s, 0.0)) for s in statuses]
    bars = ax2.barh([i18n.enum_label("case_status", s, ctx.lang) for s in statuses], vals,
                    color=["#bdbdbd", "#ffb74d", "#43a047"])
    ax2.bar_label(bars, labels=[f"{v:,.0f}" for v in vals], padding=3)
    ax2.set_title(ctx.t("brief.cases_by_status"), fontsize=10)
    ax2.spines[["top", "right"]].set_visible(False)
    return fig


def per_mu_map_page(ctx: BriefContext, number: int) -> Figure:
    from geo.maps.performance import latest_figures_year

    try:
        year = latest_figures_year(ctx.at, until=ctx.as_of.year)
    except PlannerError as exc:
        raise ExportError(exc.message) from exc
    from geo import evaluation

    spec = maps.per_mu_spec(ctx.at, lang=ctx.lang, plan=ctx.plan, year=year)
    fig = _figure(ctx)
    partial = evaluation.renormalised(evaluation.scores(ctx.at, ctx.plan, year))
    # the leaders read that some scores rest on fewer indicators
    notes = [ctx.t("ev.renormalised", n=len(partial))] if len(partial) else []
    sheet.draw_sheet(fig, spec, ctx.sheet_context(), rasterize=True, notes=notes,
                     page=ctx.t("brief.page", n=number))
    return fig


def ranking_page(ctx: BriefContext, number: int) -> list[Figure]:
    from geo import ranking, styles

    flagged = ranking.flags(ctx.layers, ctx.plan, ctx.quarter)
    t = ctx.t
    name_col = i18n.name_column(ctx.lang)
    df = pd.DataFrame({
        t("col.rank"): flagged["rank"].astype(int),
        t("col.name"): flagged[name_col],
        t("rank.kind.platform") + "/" + t("field.town"): [
            t("rank.kind.platform") if k == "platform" else t("field.town")
            for k in flagged["kind"]],
        t("col.score"): flagged["score"].map(lambda v: f"{v:,.1f}"),
        t("brief.col.verdict"): [t("kpi.met") if m else t("kpi.not_met")
                                 for m in flagged["met_all"]],
        t("col.flag_label"): [t(f"rank.flag.{f}") for f in flagged["flag"]],
    })
    tint = {"red": "#f4a6a7", "yellow": "#fff3a0", "blue": "#a9cbe6"}
    colors = [["white"] * 5 + [tint.get(f, styles.RANK_FLAG_COLORS[f])] for f in flagged["flag"]]
    counts = flagged["flag"].value_counts()
    summary = " · ".join(f"{t(f'rank.flag.{f}')} {int(counts.get(f, 0))}" for f in ranking.FLAGS)
    return table_pages(ctx, ctx.t("brief.section.ranking"), number, df, colors=colors,
                       footnote=summary)


def _optional(module: str, *names: str):
    """The module if it is in this build and has ``names``; else None (section left out)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return mod if all(hasattr(mod, n) for n in names) else None


Section = Callable[[BriefContext, int], Figure | list[Figure]]
# key -> (page function, the modules (and functions) it needs)
SECTIONS: dict[str, tuple[Section, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "overview_map": (overview_map_page, ()),
    "kpis": (kpi_page, ()),
    "parks": (parks_page, ()),
    "land_supply": (land_supply_page, ()),
    "inefficient": (inefficient_page, ()),
    "per_mu_map": (per_mu_map_page, (("geo.evaluation", ("scores", "method_from_plan",
                                                          "class_counts")),
                                      ("geo.styles", ("EVAL_CLASS_COLORS",)))),
    "ranking": (ranking_page, (("geo.ranking", ("flags", "FLAGS")),
                               ("geo.styles", ("RANK_FLAG_COLORS",)))),
}
ORDER = ("overview_map", "kpis", "parks", "land_supply", "inefficient", "per_mu_map", "ranking")


def available_sections() -> tuple[list[str], list[str]]:
    """Sections this build can draw, and those left out (their module is missing)."""
    have, missing = [], []
    for key in ORDER:
        entry = SECTIONS.get(key)
        if entry is None or any(_optional(m, *names) is None for m, names in entry[1]):
            missing.append(key)
        else:
            have.append(key)
    return have, missing


def cover_page(ctx: BriefContext, sections: list[str], missing: list[str],
               starts: Mapping[str, int] | None = None) -> Figure:
    """The cover: title band, quarter and plan, the contents with each section's first page
    (``starts``; by default one page each), what is left out, source and internal-use line."""
    fig = _figure(ctx)
    k, w_in, h_in, _ = _frame(fig)
    t = ctx.t
    m = 0.07 * w_in
    x1 = w_in - m
    T = layout.Text  # noqa: N806
    pad = 8 * k / MM_PER_IN
    title = [layout.Row(left=T(t("brief.title"), 28 * k, "white", bold=True))]
    band = layout.height_in(fig, title, x1 - m) + 2 * pad
    fig.add_artist(mpl.patches.Rectangle((0, 1 - band / h_in), 1, band / h_in, color=RED))
    layout.draw_rows(fig, title, x0=m, x1=x1, y=h_in - pad)
    sub = T(t("brief.subtitle", quarter=quarter_label(ctx.quarter, ctx.lang),
              date=ctx.as_of.isoformat()), 16 * k, "black")
    demo = T(DEMO_MARKER, 14 * k, "#c62828", bold=True) if ctx.demo else None
    rows = [layout.Row(left=sub, right=demo),
            layout.Row(left=T(t("brief.plan", plan=ctx.plan.title(ctx.lang)), 11 * k)),
            layout.Row(left=T(" ", 11 * k)),
            layout.Row(left=T(t("brief.contents"), 13 * k, "black", bold=True))]
    y = h_in - band - 12 * k / MM_PER_IN
    y -= layout.draw_rows(fig, rows, x0=m, x1=x1, y=y)
    starts = starts or {key: i + 2 for i, key in enumerate(sections)}
    items = [layout.Row(left=T(f"{starts[key]}. {t(f'brief.section.{key}')}", 12 * k, "black"))
             for key in sections]
    layout.draw_rows(fig, items, x0=m + 0.02 * w_in, x1=x1, y=y)
    edge = EDGE_MM * k / MM_PER_IN
    foot = [layout.Row(left=T(f"{t('export.source', source=ctx.source or '-')} · "
                              f"{t('export.exported_at', time=sheet.exported_text(ctx))}",
                              9 * k, "#444444"),
                       right=T(t("export.internal"), 12 * k, RED, bold=True))]
    if missing:
        names = t("export.list_sep").join(t(f"brief.section.{key}") for key in missing)
        foot.insert(0, layout.Row(left=T(t("brief.missing", sections=names), 10 * k,
                                         "#6d4c41")))
    layout.draw_rows(fig, foot, x0=m, x1=x1, y=edge + 4 * k / MM_PER_IN, down=False)
    if ctx.demo:
        _watermark(fig, k, y=0.4)
    return fig


def brief_figures(ctx: BriefContext) -> tuple[list[tuple[str, Figure]], list[str]]:
    """Every page of the brief as (section key, figure), and the sections left out; a
    section of several pages (a long table) gives several."""
    have, missing = available_sections()
    pages: list[tuple[str, Figure]] = []
    starts: dict[str, int] = {}
    for key in have:
        starts[key] = len(pages) + 2
        drawn = SECTIONS[key][0](ctx, starts[key])
        pages += [(key, f) for f in (drawn if isinstance(drawn, list) else [drawn])]
    return [("cover", cover_page(ctx, have, missing, starts)), *pages], missing


def _deck(pages: list[tuple[str, Figure]], ctx: BriefContext) -> bytes:
    from pptx import Presentation
    from pptx.util import Mm

    prs = Presentation()
    w_mm, h_mm = ctx.options.size_mm
    prs.slide_width, prs.slide_height = Mm(w_mm), Mm(h_mm)
    blank = prs.slide_layouts[6]
    for key, fig in pages:
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=150)
        slide = prs.slides.add_slide(blank)
        slide.shapes.add_picture(io.BytesIO(png.getvalue()), 0, 0, prs.slide_width,
                                 prs.slide_height)
        title = ctx.t("brief.title") if key == "cover" else ctx.t(f"brief.section.{key}")
        slide.notes_slide.notes_text_frame.text = title
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def build_brief(ctx: BriefContext, *, deck: bool = False) -> Brief:
    """The brief as one PDF, and with ``deck`` the same pages as a PPTX deck
    (one picture per slide of the brief's paper, the section title in the notes)."""
    with mpl.rc_context(fonts.rc_params()):
        pages, missing = brief_figures(ctx)
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"Title": f"{ctx.t('brief.title')} {ctx.quarter}"}) as pdf:
            for _, fig in pages:
                pdf.savefig(fig)
        pptx = _deck(pages, ctx) if deck else None
    sections = list(dict.fromkeys(k for k, _ in pages[1:]))
    return Brief(buf.getvalue(), sections, missing, len(pages), pptx)

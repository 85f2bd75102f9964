"""The meeting brief: one multi-page PDF (and optionally a PPTX deck) for a quarter.

Pages: cover, the county overview map, the KPI table against the plan's
targets, the micro-park table, the land-supply chart, the inefficient-land
progress, the per-mu class map and the platform ranking with its flags. Each
section is a function drawing one A4 landscape page from the layers as they
stood at the quarter's end (:func:`geo.asof.layers_as_of`). A section whose
computation module is not in this build is left out, and the cover says so.
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
from geo.export import fonts, maps, sheet
from geo.export.errors import ExportError
from geo.plan import Plan
from geo.settings import DEMO_MARKER

A4_LANDSCAPE = sheet.SheetOptions("A4", "landscape", 150, "pdf")
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

    def __post_init__(self) -> None:
        try:
            end = asof.period_end(self.quarter)
        except ValueError as exc:
            raise ExportError(f"Brief: {exc}") from None
        if end is None or "Q" not in self.quarter:
            msg = f"Brief: quarter {self.quarter!r}: expected a quarter like 2021Q2."
            raise ExportError(msg)
        self.as_of: date = end.date()
        self.at = asof.layers_as_of(dict(self.layers), end)
        self.figures = figures.figures(self.layers, self.plan, as_of=end)

    @classmethod
    def for_store(cls, store, quarter: str, lang: str = "zh") -> BriefContext:
        """The brief of ``store`` (a :class:`geo.store.Store`) against its plan."""
        return cls(store, store.plan, quarter, lang=lang, demo=store.is_demo,
                   source=sheet.source_text(store, lang))

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

def _page(ctx: BriefContext, title: str, number: int) -> tuple[Figure, tuple[float, ...]]:
    """An A4 landscape page with header, footer and watermark; returns the content rect."""
    fig = Figure(figsize=A4_LANDSCAPE.size_in, dpi=A4_LANDSCAPE.dpi)
    fig.text(0.035, 0.955, title, fontsize=17, fontweight="bold", va="top")
    q = quarter_label(ctx.quarter, ctx.lang)
    fig.text(0.965, 0.955, f"{ctx.t('brief.title')} · {q}", fontsize=9, ha="right", va="top",
             color="#444444")
    fig.add_artist(mpl.lines.Line2D([0.035, 0.965], [0.905, 0.905], color="#b71c1c", lw=1.2))
    exported = ctx.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fig.text(0.035, 0.03, f"{ctx.t('export.source', source=ctx.source or '-')} · "
             f"{ctx.t('export.exported_at', time=exported)}", fontsize=7, color="#444444")
    fig.text(0.965, 0.03, f"{ctx.t('export.internal')} · {ctx.t('brief.page', n=number)}",
             fontsize=8, ha="right", color="#b71c1c", fontweight="bold")
    if ctx.demo:
        fig.text(0.5, 0.47, DEMO_MARKER, fontsize=34, rotation=25, ha="center", va="center",
                 color=(0.75, 0.1, 0.1, 0.12), fontweight="bold", zorder=50)
        fig.text(0.965, 0.925, DEMO_MARKER, fontsize=8, ha="right", va="top", color="#c62828",
                 fontweight="bold")
    return fig, (0.05, 0.09, 0.9, 0.78)


def quarter_label(quarter: str, lang: str) -> str:
    year, q = quarter.split("Q")
    return f"{year}年第{'一二三四'[int(q) - 1]}季度" if lang == "zh" else f"{year} Q{q}"


def _table(ax: Axes, df: pd.DataFrame, *, colors: list[list[str]] | None = None,
           font_size: float = 8.5) -> None:
    ax.set_axis_off()
    tbl = ax.table(cellText=df.to_numpy().tolist(), colLabels=list(df.columns), loc="upper center",
                   cellLoc="center", cellColours=colors, colColours=["#eceff1"] * df.shape[1])
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(font_size)
    tbl.scale(1, 1.35)
    for (row, _), cell in tbl.get_celld().items():
        cell.set_edgecolor("#b0bec5")
        if row == 0:
            cell.set_text_props(fontweight="bold")


def _fmt(value: float, unit: str = "") -> str:
    if unit in ("percent", "%"):
        return f"{value:,.1f}%"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


# -- sections --------------------------------------------------------------------------------

def overview_map_page(ctx: BriefContext, number: int) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE.size_in, dpi=A4_LANDSCAPE.dpi)
    spec = maps.overview_spec(ctx.at, lang=ctx.lang)
    sheet.draw_sheet(fig, spec, ctx.sheet_context(), rasterize=True)
    return fig


def kpi_rows(ctx: BriefContext) -> pd.DataFrame:
    """The KPI table: every figure of the plan that has a target (:mod:`geo.figures`), as of
    the quarter's end: the same figures as the overview and each page."""
    rows = [(f.label.text(ctx.lang), f.value, f.target, f.unit, f.share, bool(f.met), f.key)
            for f in ctx.figures if f.target is not None]
    return pd.DataFrame(rows, columns=["name", "value", "target", "unit", "share", "met", "key"])


def kpi_page(ctx: BriefContext, number: int) -> Figure:
    fig, rect = _page(ctx, ctx.t("brief.section.kpis"), number)
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
    _table(fig.add_axes(rect), df, colors=colors, font_size=9)
    return fig


def parks_page(ctx: BriefContext, number: int) -> Figure:
    fig, rect = _page(ctx, ctx.t("brief.section.parks"), number)
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
    _table(fig.add_axes(rect), df, font_size=8)
    return fig


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
        raise ExportError(str(exc)) from exc
    from geo import evaluation

    spec = maps.per_mu_spec(ctx.at, lang=ctx.lang, plan=ctx.plan, year=year)
    fig = Figure(figsize=A4_LANDSCAPE.size_in, dpi=A4_LANDSCAPE.dpi)
    sheet.draw_sheet(fig, spec, ctx.sheet_context(), rasterize=True)
    partial = evaluation.renormalised(evaluation.scores(ctx.at, ctx.plan, year))
    if len(partial):  # the leaders read that some scores rest on fewer indicators
        fig.text(0.5, 0.012, ctx.t("ev.renormalised", n=len(partial)), ha="center", va="bottom",
                 fontsize=7, color="#8a4b00", wrap=True)
    return fig


def ranking_page(ctx: BriefContext, number: int) -> Figure:
    from geo import ranking, styles

    fig, rect = _page(ctx, ctx.t("brief.section.ranking"), number)
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
    _table(fig.add_axes(rect), df, colors=colors, font_size=9)
    counts = flagged["flag"].value_counts()
    summary = " · ".join(f"{t(f'rank.flag.{f}')} {int(counts.get(f, 0))}" for f in ranking.FLAGS)
    fig.text(0.05, 0.11, summary, fontsize=11, fontweight="bold")
    return fig


def _optional(module: str, *names: str):
    """The module if it is in this build and has ``names``; else None (section left out)."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return mod if all(hasattr(mod, n) for n in names) else None


Section = Callable[[BriefContext, int], Figure]
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


def cover_page(ctx: BriefContext, sections: list[str], missing: list[str]) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE.size_in, dpi=A4_LANDSCAPE.dpi)
    t = ctx.t
    fig.add_artist(mpl.patches.Rectangle((0, 0.78), 1, 0.22, color="#b71c1c"))
    fig.text(0.07, 0.88, t("brief.title"), fontsize=28, color="white", fontweight="bold",
             va="center")
    fig.text(0.07, 0.72, t("brief.subtitle", quarter=quarter_label(ctx.quarter, ctx.lang),
                           date=ctx.as_of.isoformat()), fontsize=16, va="top")
    fig.text(0.07, 0.665, t("brief.plan", plan=ctx.plan.title(ctx.lang)), fontsize=11, va="top",
             color="#333333")
    fig.text(0.07, 0.58, t("brief.contents"), fontsize=13, fontweight="bold", va="top")
    for i, key in enumerate(sections):
        fig.text(0.09, 0.535 - i * 0.045, f"{i + 2}. {t(f'brief.section.{key}')}", fontsize=12,
                 va="top")
    if missing:
        names = "、".join(t(f"brief.section.{k}") for k in missing)
        fig.text(0.07, 0.14, t("brief.missing", sections=names), fontsize=10, color="#6d4c41")
    exported = ctx.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    fig.text(0.07, 0.08, f"{t('export.source', source=ctx.source or '-')} · "
             f"{t('export.exported_at', time=exported)}", fontsize=9, color="#444444")
    fig.text(0.93, 0.08, t("export.internal"), fontsize=12, ha="right", color="#b71c1c",
             fontweight="bold")
    if ctx.demo:
        fig.text(0.93, 0.72, DEMO_MARKER, fontsize=14, ha="right", va="top", color="#c62828",
                 fontweight="bold")
        fig.text(0.5, 0.4, DEMO_MARKER, fontsize=34, rotation=25, ha="center", va="center",
                 color=(0.75, 0.1, 0.1, 0.12), fontweight="bold")
    return fig


def brief_figures(ctx: BriefContext) -> tuple[list[tuple[str, Figure]], list[str]]:
    """Every page of the brief as (section key, figure), and the sections left out."""
    have, missing = available_sections()
    pages = [("cover", cover_page(ctx, have, missing))]
    for i, key in enumerate(have):
        pages.append((key, SECTIONS[key][0](ctx, i + 2)))
    return pages, missing


def _deck(pages: list[tuple[str, Figure]], ctx: BriefContext) -> bytes:
    from pptx import Presentation
    from pptx.util import Mm

    prs = Presentation()
    prs.slide_width, prs.slide_height = Mm(297), Mm(210)
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
    (one picture per A4 landscape slide, the section title in the notes)."""
    with mpl.rc_context(fonts.rc_params()):
        pages, missing = brief_figures(ctx)
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"Title": f"{ctx.t('brief.title')} {ctx.quarter}"}) as pdf:
            for _, fig in pages:
                pdf.savefig(fig)
        pptx = _deck(pages, ctx) if deck else None
    return Brief(buf.getvalue(), [k for k, _ in pages[1:]], missing, len(pages), pptx)

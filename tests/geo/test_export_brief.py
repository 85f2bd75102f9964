"""The meeting brief on the demo store: pages, Chinese text, as-of figures, left-out sections."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pptx import Presentation
from pypdf import PdfReader

from geo import plan, store
from geo.export import brief
from geo.export.errors import ExportError
from geo.units import area_mu
from tests.geo.said import raises_said


@pytest.fixture(scope="module")
def layers(demo_store):
    return store.read_all(demo_store)


@pytest.fixture(scope="module")
def ctx(layers):
    return brief.BriefContext(layers, plan.load_plan(), "2021Q2", demo=True, source="演示库")


@pytest.fixture(scope="module")
def built(ctx):
    return brief.build_brief(ctx, deck=True)


def _pages_text(pdf: bytes, tmp_path_factory) -> list[str]:
    path = tmp_path_factory.mktemp("brief") / "brief.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [re.sub(r"\s+", "", p) for p in out.split("\f")]


def test_brief_has_a_cover_and_one_page_per_section(built):
    assert built.sections == [k for k in brief.ORDER if k not in built.missing]
    assert {"overview_map", "kpis", "parks", "land_supply", "inefficient"} <= set(built.sections)
    assert built.pages == 1 + len(built.sections)
    assert len(PdfReader(io.BytesIO(built.pdf)).pages) == built.pages


def test_brief_text_is_chinese(built, layers, tmp_path_factory):
    pages = _pages_text(built.pdf, tmp_path_factory)
    cover = pages[0]
    assert "缙云县生态工业发展季度简报" in cover
    assert "2021年第二季度" in cover and "数据截至2021-06-30" in cover
    assert "内部资料，不得公开" in cover and "演示数据（虚构）" in cover
    for i, key in enumerate(built.sections, start=1):
        title = brief.i18n.t(f"brief.section.{key}")
        assert re.sub(r"\s+", "", title) in pages[i] or re.sub(r"\s+", "", title) in cover
    kpi_page = pages[1 + built.sections.index("kpis")]
    assert "目标完成情况" in kpi_page and ("已达标" in kpi_page or "未达标" in kpi_page)
    parks_page = pages[1 + built.sections.index("parks")]
    for name in layers["parks"]["name_zh"].head(3):
        assert name in parks_page
    map_page = pages[1 + built.sections.index("overview_map")]
    assert "已批未供" in map_page and "图例" in map_page
    if "ranking" in built.sections:
        rank_page = pages[1 + built.sections.index("ranking")]
        assert "红旗" in rank_page and "蓝旗" in rank_page


def test_kpi_rows_are_as_of_the_quarter_end(ctx, layers):
    rows = brief.kpi_rows(ctx).set_index("name")
    sales = layers["land_sales"]
    sold = sales[(sales["sale_date"] >= "2021-01-01") & (sales["sale_date"] <= "2021-06-30")]
    parcels = layers["parcels"][layers["parcels"]["parcel_id"].isin(sold["parcel_id"])]
    parcels = parcels[parcels["land_use"] == "industrial"]  # the plan counts 工业用地 only
    expected = float(area_mu(parcels).sum())
    assert expected > 0
    assert rows.loc["2021年出让工业用地（亩）", "value"] == pytest.approx(expected, rel=1e-9)
    assert rows.loc["2021年出让工业用地（亩）", "target"] == 600
    # the 2021 sale after the quarter does not count
    later = sales[sales["sale_date"] > "2021-06-30"]
    assert len(later) > 0


def test_deck_has_one_slide_per_page(built):
    deck = Presentation(io.BytesIO(built.pptx))
    assert len(deck.slides) == built.pages
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides]
    assert notes[0] == "缙云县生态工业发展 季度简报"
    assert "目标完成情况" in notes


def test_section_without_its_module_is_left_out_and_named(monkeypatch, ctx, tmp_path_factory):
    monkeypatch.setitem(brief.SECTIONS, "ranking",
                        (brief.ranking_page, (("geo.no_such_ranking_module", ("flags",)),)))
    have, missing = brief.available_sections()
    assert "ranking" in missing and "ranking" not in have
    cover = brief.cover_page(ctx, have, missing)
    buf = io.BytesIO()
    import matplotlib as mpl

    from geo.export import fonts

    with mpl.rc_context(fonts.rc_params()):
        cover.savefig(buf, format="pdf")
    text = _pages_text(buf.getvalue(), tmp_path_factory)[0]
    assert "本期未包含：平台比学赶超排名（红黄蓝旗）" in text


@pytest.mark.parametrize("quarter", ["2021Q5", "2021", "Q2-2021"])
def test_bad_quarter_is_refused(layers, quarter):
    with raises_said(ExportError, "Brief"):
        brief.BriefContext(layers, plan.load_plan(), quarter)


def test_quarter_label():
    assert brief.quarter_label("2020Q3", "zh") == "2020年第三季度"
    assert brief.quarter_label("2020Q3", "en") == "2020 Q3"


def test_cli_brief(demo_store, tmp_path, capsys):
    from geo import cli

    out = tmp_path / "brief.pdf"
    assert cli.main(["brief", "--quarter", "2021Q2", "--out", str(out),
                     "--store", str(demo_store)]) == 0
    assert len(PdfReader(out).pages) >= 6
    assert "brief 2021Q2 (pdf)" in capsys.readouterr().out
    assert cli.main(["brief", "--quarter", "2021Q2", "--format", "docx", "--out", str(out),
                     "--store", str(demo_store), "--lang", "en"]) == 2
    assert "format 'docx'" in capsys.readouterr().err
    assert cli.main(["brief", "--quarter", "2021Q2", "--paper", "A3", "--orientation", "portrait",
                     "--out", str(out), "--store", str(demo_store)]) == 0
    w, h = (float(v) for v in PdfReader(out).pages[0].mediabox.upper_right)
    assert (w, h) == (pytest.approx(842, abs=1.5), pytest.approx(1191, abs=1.5))  # A3 portrait
    assert cli.main(["brief", "--quarter", "2021Q2", "--paper", "A5", "--out", str(out),
                     "--store", str(demo_store), "--lang", "en"]) == 2
    assert "paper 'A5'" in capsys.readouterr().err

"""The export page in AppTest: builds a PNG sheet and a brief, offers their downloads."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _app() -> AppTest:
    # The page script on its own: through app.py, ui.ensure_navigation() calls st.rerun()
    # on every AppTest run (AppTest resets the pages-directory flag), and that rerun
    # consumes a button's click before the page sees it. tests/pages/test_app.py covers
    # the page rendering inside the frame.
    at = AppTest.from_file(str(ROOT / "pages" / "export.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def test_export_page_builds_a_sheet_and_a_brief():
    at = _app()
    assert at.title[0].value == "地图导出与会议简报"
    at.radio(key="export_format").set_value("png")
    at.radio(key="export_dpi").set_value(150)
    at.button(key="export_build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    fmt, (body, scale, bar_m, unplaced) = at.session_state["export_sheet"]
    assert fmt == "png" and body[:8] == b"\x89PNG\r\n\x1a\n"
    assert scale > 10_000 and bar_m >= 1000
    assert any("比例尺 1:" in c.value for c in at.caption)
    # the names the sheet had no room for are listed under it, and only then
    listed = [c.value for c in at.caption if "未标注的名称" in c.value]
    assert len(listed) == (1 if unplaced else 0)
    assert all(name in listed[0] for name in unplaced)
    at.radio(key="export_brief_orientation").set_value("portrait")
    at.button(key="export_build_brief").click().run()
    assert not at.exception, at.exception
    quarter, result, paper = at.session_state["export_brief"]
    assert quarter == "2021Q4" and paper == ("A4", "portrait")
    assert result.pdf[:5] == b"%PDF-" and result.pages == 1 + len(result.sections)
    import io

    from pypdf import PdfReader

    w, h = (float(v) for v in PdfReader(io.BytesIO(result.pdf)).pages[0].mediabox.upper_right)
    assert round(w) < round(h)  # the brief on the paper chosen: A4 portrait

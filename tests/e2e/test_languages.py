"""Every page in both languages in Chromium at 1366x768, a small monitor's screen: no text of
the other language's script, no cut metric label, no translation key shown raw.

The text checked is what a planner reads: the page's own text nodes, the titles and tooltips
of the maps (their iframes), and the cells and headers of the tables (Streamlit draws those
on a canvas, so they are read from the grid's accessible copy). Whatever the product keeps
in one language on purpose is listed below, short and explicit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo import i18n
from tests.e2e.conftest import MAP_IFRAME, assert_no_exception, map_frame, screenshot, wait_for_app

ROOT = Path(__file__).resolve().parents[2]
APP = (ROOT / "app.py").read_text(encoding="utf-8")
PAGES = []
for block in APP.split("st.Page(")[1:]:
    file = re.match(r'\s*"(pages/[\w/]+\.py)"', block).group(1)
    url = re.search(r'url_path="([\w-]+)"', block).group(1)
    PAGES.append(("" if "default=True" in block else url, Path(file).stem))

VIEWPORT = {"width": 1366, "height": 768}

# Chinese kept in the English interface on purpose: the demo marker (every page says it in
# both languages), the switch's own label, and the plan's title as a quoted source.
HAN_ALLOWED = ("演示数据（虚构）", "语言", "中文", "内部资料，不得公开")
# ... and the English half of the demo marker and of the switch, in the Chinese interface
LATIN_PHRASES = ("synthetic demo data", "Language", "English")
# Latin kept in the Chinese interface: units, codes, file formats, the switch's own label.
LATIN_ALLOWED = {
    "mu", "km", "ID", "USCC", "PDF", "PNG", "GeoPackage", "Language", "English", "Excel",
    "Shapefile", "CSV", "XLSX", "XLS", "KML", "KMZ", "DBF", "GPKG", "HTML", "ZIP", "zip",
    "GCJ", "WGS", "CGCS", "EPSG", "GPS", "PostGIS", "OpenStreetMap", "Leaflet", "tce", "DEM",
    "gpkg", "shp", "csv", "xlsx", "kml", "kmz", "pdf", "png", "html", "json", "GeoJSON",
    "YYYY", "MM", "DD", "A", "B", "C", "D", "m", "km²", "m²", "OSM", "TOML", "toml", "CRS",
    "JSON", "SQLite", "Tianditu", "dpi", "MB", "WKT", "GeoTIFF", "yyyy", "mm", "dd",
}
HAN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z²³]*")
FILE_NAME = re.compile(r".*\.(gpkg|shp|zip|csv|xlsx|toml|tif|pdf|png|html)$")
FILE_WORD = re.compile(r"[\w\-]+\.(gpkg|shp|zip|csv|xlsx|toml|tif|pdf|png|html)\b")
RAW_KEY = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")

# every text node a planner can see, in the document and in same-origin iframes (maps), and
# the tooltips of the map's controls (zoom, layers, drawing tools); Material icon names and
# Streamlit's screen-reader texts (aria labels, its own "skip to content") are not shown and
# not checked
TEXTS_JS = """
() => {
  const out = [];
  const hidden = (el) => el.closest("[data-testid='stIconMaterial'], .stSkipToMain, "
                                    + "[data-testid='stSkipToMainContent']")
                         || !el.checkVisibility({visibilityProperty: true})
                         || getComputedStyle(el).fontSize === '0px';
  const walk = (doc) => {
    const w = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const p = n.parentElement;
      if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName) || hidden(p)) continue;
      const s = n.textContent.trim();
      if (s) out.push(s);
    }
    doc.querySelectorAll('.leaflet-control a[title]').forEach(e => out.push(e.title.trim()));
    // a prompt is on screen only while its box is empty
    doc.querySelectorAll('input[placeholder], textarea[placeholder]').forEach(e => {
      if (!e.value && e.checkVisibility() && e.placeholder.trim()) out.push(e.placeholder.trim());
    });
    doc.querySelectorAll('iframe').forEach(f => {
      try { if (f.contentDocument && f.contentDocument.body) walk(f.contentDocument); }
      catch (e) { /* another origin: not the app's */ }
    });
  };
  walk(document);
  return out;
}
"""

# metric labels and values wider than their box, and any other text Streamlit cuts with an
# ellipsis (badges, widget labels)
CUT_JS = """
() => {
  const cut = [];
  const wide = e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0;
  document.querySelectorAll(
      "[data-testid='stMetricLabel'], [data-testid='stMetricLabel'] *, "
      + "[data-testid='stMetricValue'], [data-testid='stMetricValue'] *").forEach(e => {
    if (wide(e)) cut.push(e.innerText.trim());
  });
  document.querySelectorAll("[data-testid='stMain'] *").forEach(e => {
    if (getComputedStyle(e).textOverflow === 'ellipsis' && wide(e)) cut.push(e.innerText.trim());
  });
  return [...new Set(cut)];
}
"""


# the tables' headers and cells, from the grid's accessible copy (visible columns only)
TABLES_JS = """
() => [...document.querySelectorAll("[data-testid='stDataFrame'] table")].map(t => ({
  headers: [...t.querySelectorAll('th')].map(h => h.innerText.trim()).filter(Boolean),
  cells: [...t.querySelectorAll('td')].map(c => c.innerText.trim()),
}))
"""
EMPTY_WORDS = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}


def table_findings(tables: list[dict], lang: str) -> list[str]:
    """Headers follow the page's rules; an empty cell never reads "None" or "nan"."""
    bad = []
    for t in tables:
        bad += [f"table header {p}" for p in findings(t["headers"], lang)]
        bad += [f"table header raw name {h!r}" for h in t["headers"]
                if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+|[a-z]+", h) and h not in LATIN_ALLOWED]
        bad += [f"table cell {c!r}" for c in set(t["cells"]) & EMPTY_WORDS]
    return bad


def _streamlit_chrome(text: str) -> bool:
    # Streamlit's own controls (the running man, "Deploy", keyboard hints) are not the app's
    # (the skip link appears only to keyboard users, and Streamlit gives it no other text)
    return text in {"Running...", "Deploy", "Stop", "Rerun", "Skip to main content"}


def findings(texts: list[str], lang: str) -> list[str]:
    """The texts that break the rules for ``lang``."""
    bad = []
    for text in dict.fromkeys(texts):
        if _streamlit_chrome(text):
            continue
        if RAW_KEY.match(text) and not FILE_NAME.match(text):
            bad.append(f"raw key: {text!r}")
            continue
        if lang == "en":
            rest = text
            for allowed in HAN_ALLOWED:
                rest = rest.replace(allowed, "")
            if HAN.search(rest):
                bad.append(f"Chinese in English: {text[:120]!r}")
        else:
            rest = FILE_WORD.sub(" ", text)
            for allowed in LATIN_PHRASES:
                rest = rest.replace(allowed, "")
            words = set(LATIN_WORD.findall(re.sub(r"\S*\d\S*", " ", rest)))
            if words - LATIN_ALLOWED:
                bad.append(f"Latin in Chinese: {sorted(words - LATIN_ALLOWED)} in {text[:120]!r}")
    return bad


def test_findings_catch_each_kind_of_fault():
    # the checker itself: each rule fires on a fault and passes what is allowed
    assert findings(["parks.heading"], "zh") == ["raw key: 'parks.heading'"]
    assert findings(["Parks 小微园"], "en") and not findings(["⚠️ 演示数据（虚构）: demo"], "en")
    assert findings(["计划文件 [inefficient]"], "zh")
    assert not findings(["面积 12.5 mu，编号 P01，PDF 导出"], "zh")
    assert table_findings([{"headers": ["town_code"], "cells": ["None"]}], "en") == [
        "table header raw name 'town_code'", "table cell 'None'"]


@pytest.fixture
def small_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    yield pg
    context.close()


def _open(pg, url: str) -> None:
    pg.goto(url)
    wait_for_app(pg)
    pg.wait_for_timeout(1200)  # maps and charts draw after the run ends
    assert_no_exception(pg)
    for i in range(pg.locator(MAP_IFRAME).count()):
        map_frame(pg, i)  # the map's controls are drawn, so their tooltips are read too
    # what folded sections hold is checked too (an expander opens in the browser, no rerun)
    pg.evaluate("""() => document.querySelectorAll("[data-testid='stExpander'] details:not([open]) > summary")
                          .forEach(s => s.click())""")
    pg.wait_for_timeout(500)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_speaks_one_language_and_cuts_no_label(small_page, app_url, lang):
    problems = []
    for url_path, name in PAGES:
        _open(small_page, f"{app_url}/{url_path}" + ("?lang=en" if lang == "en" else ""))
        texts = small_page.evaluate(TEXTS_JS)
        problems += [f"{name}: {p}" for p in findings(texts, lang)]
        problems += [f"{name}: cut text {c!r}" for c in small_page.evaluate(CUT_JS)]
        problems += [f"{name}: {p}" for p in table_findings(small_page.evaluate(TABLES_JS), lang)]
        screenshot(small_page, f"lang-{lang}-{name}")
    assert problems == [], "\n".join(problems)


def test_english_survives_a_reload_and_a_page_change(small_page, app_url):
    _open(small_page, f"{app_url}/parks")
    assert small_page.get_by_role("heading", name="小微企业园建设进度").count() == 1
    small_page.get_by_text("English", exact=True).click()
    wait_for_app(small_page)
    assert "lang=en" in small_page.url
    small_page.reload()
    wait_for_app(small_page)
    assert small_page.get_by_role("heading", name="Micro-enterprise parks: progress").count() == 1
    small_page.locator("[data-testid='stSidebarNav'] a[href$='/land']").click()
    wait_for_app(small_page)
    small_page.wait_for_url(re.compile(r"/land\?lang=en"), timeout=15000)
    small_page.reload()
    wait_for_app(small_page)
    assert HAN.search(small_page.locator("h1").first.inner_text()) is None


def test_parks_map_is_wide_and_the_table_shows_status_without_scrolling(small_page, app_url):
    for lang in ("zh", "en"):
        _open(small_page, f"{app_url}/parks" + ("?lang=en" if lang == "en" else ""))
        small_page.wait_for_selector(MAP_IFRAME, timeout=60000)
        widths = small_page.evaluate("""(sel) => {
          const map = document.querySelector(sel);
          const row = map.closest("[data-testid='stHorizontalBlock']");
          return {map: map.getBoundingClientRect().width, row: row.getBoundingClientRect().width};
        }""", MAP_IFRAME)
        assert widths["map"] >= 0.6 * widths["row"], widths
        table = small_page.locator("[data-testid='stDataFrame']").filter(
            has=small_page.locator("th")).last
        headers = table.locator("th").all_inner_texts()
        status = i18n.column_label("status", lang)
        # the grid's accessible copy holds only the columns drawn in view, so being listed is
        # being on screen before any sideways scroll
        assert status in headers, headers
        assert headers[0] == i18n.column_label("name_zh", lang), headers

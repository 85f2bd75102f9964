"""AppTest: the frame and every page registered in app.py render without exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import figures, plan, store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = re.findall(r'st\.Page\(\s*"(pages/[\w/]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))


@pytest.fixture
def app(demo_store, monkeypatch):
    monkeypatch.setenv("JINYUN_STORE", str(demo_store))
    return AppTest.from_file(APP, default_timeout=180)


def test_every_page_file_is_registered():
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_")}
    assert on_disk == set(PAGES)


def test_overview_shows_the_kpis_computed_from_the_demo(app, demo_store):
    at = app.run()
    assert not at.exception
    expected = figures.overview(figures.figures(store.read_all(demo_store), plan.load_plan()))
    shown = {m.label: m.value for m in at.metric}
    assert list(shown)[:3] == ["已开工小微园（个）", "已建成小微园（个）", "已开工小微园规划占地（亩）"]
    for f in expected:
        assert shown[f.label.text("zh")] == (f"{f.value:,.1f}" if f.unit == "mu"
                                             else f"{f.value:,.0f}"), f.key
    assert any("演示数据（虚构）" in w.value for w in at.warning)


def test_switching_to_english_changes_the_labels(app):
    at = app.run()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert "overview" in at.title[0].value
    assert any(m.label == "Micro parks completed" for m in at.metric)
    assert any("synthetic demo data" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_with_the_demo_banner(app, page):
    at = app.run()
    at.switch_page(page).run()
    assert not at.exception, f"{page}: {at.exception}"
    assert any("演示数据（虚构）" in w.value for w in at.warning), page


def test_a_broken_store_is_reported_not_crashed(monkeypatch, tmp_path):
    bad = tmp_path / "broken.gpkg"
    bad.write_text("not a geopackage", encoding="utf-8")
    monkeypatch.setenv("JINYUN_STORE", str(bad))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("broken.gpkg：不是 GeoPackage 文件" in e.value for e in at.error)  # Chinese by default

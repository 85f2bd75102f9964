"""AppTest: the assessment page with drawn, picked and bad candidates, weights and site search."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import store

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/assess.py"


def square(lon: float, lat: float, d: float = 0.004) -> dict:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture
def app(demo_store, monkeypatch):
    monkeypatch.setenv("JINYUN_STORE", str(demo_store))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def platform_point(demo_store):
    c = store.read_layer(demo_store, "platforms").to_crs("EPSG:4326").geometry.iloc[0].centroid
    return c.x, c.y


def draw(at: AppTest, *features: dict) -> AppTest:
    at.session_state["assess_map"] = {"all_drawings": list(features)}
    return at.run()


def test_page_starts_empty(app):
    assert "候选扩容地块评估" in app.title[0].value
    assert any("尚无候选地块" in i.value for i in app.info)


def test_drawn_candidate_gets_its_score_card(app, platform_point):
    at = draw(app, square(*platform_point))
    assert not at.exception, at.exception
    assert any(m.label == "适宜性评分" for m in at.metric)
    table = at.dataframe[0].value
    assert list(table.columns) == ["绘制1"]
    assert "面积（亩）" in table.index
    assert float(table.loc["面积（亩）", "绘制1"].replace(",", "")) > 100


def test_self_intersecting_drawing_is_repaired_and_outside_county_refused(app, platform_point):
    lon, lat = platform_point
    bow = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
        [lon, lat], [lon + 0.004, lat + 0.004], [lon + 0.004, lat], [lon, lat + 0.004], [lon, lat]]]}}
    at = draw(app, bow, square(100.0, 20.0))
    assert not at.exception, at.exception
    assert any("已自动修复" in w.value for w in at.warning)
    assert any("县界外" in e.value for e in at.error)
    assert list(at.dataframe[0].value.columns) == ["绘制1"]


def test_picked_parcels_are_compared_side_by_side_and_weights_change_scores(app, demo_store):
    ids = sorted(store.read_layer(demo_store, "parcels")["parcel_id"])[:2]
    at = app.multiselect(key="assess_parcels").set_value(ids).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert sorted(table.columns) == ids
    before = list(table.loc["适宜性评分"])
    assert all(v != "—" for v in before)
    at.slider(key="assess_w_road").set_value(0)
    at.slider(key="assess_w_industry").set_value(0)
    at.run()
    assert not at.exception
    assert list(at.dataframe[0].value.loc["适宜性评分"]) != before


def test_find_sites_and_surface_overlay(app):
    app.number_input(key="assess_min_mu").set_value(300.0)
    app.number_input(key="assess_top").set_value(2)
    app.toggle(key="assess_find").set_value(True)
    at = app.checkbox(key="assess_show_surface").check().run()
    assert not at.exception, at.exception
    assert any("找到 2 处地块" in s.value for s in at.subheader)
    assert any("推荐地块1" in md.value for md in at.markdown)
    sites = at.dataframe[0].value  # no candidates: the first table is the sites side by side
    assert sorted(sites.columns) == ["推荐地块1", "推荐地块2"]
    areas = [float(v.replace(",", "")) for v in sites.loc["面积（亩）"]]
    assert all(a >= 300 for a in areas)

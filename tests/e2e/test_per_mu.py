"""Inefficient land, per-mu evaluation and ranking flags in a real browser, offline."""

from __future__ import annotations

import time

from geo import plan, ranking, store
from tests.e2e.conftest import (
    assert_no_exception,
    leaflet_stats,
    map_frame,
    screenshot,
    wait_for_app,
)


def _show_map(page):
    """Scroll the map into the viewport (Streamlit scrolls inside its own container)."""
    page.locator("iframe[title='streamlit_folium.st_folium']").first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)


POINTS_JS = ("() => { const m = Object.values(window).filter(v => v instanceof L.Map)[0];"
             " let c = 0; m.eachLayer(l => { if (l.feature && l.feature.geometry.type === 'Point')"
             " c += 1; }); return c; }")


def _proposal_markers(page, timeout_s: float = 60) -> int:
    """Point features on the inefficient-land map: only the selected parcels' markers are points."""
    deadline = time.monotonic() + timeout_s
    count = 0
    while time.monotonic() < deadline:
        count = map_frame(page).evaluate(POINTS_JS)
        if count:
            break
        page.wait_for_timeout(1000)
    return count


def _open(page, url, path):
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    assert_no_exception(page)
    return map_frame(page)


def test_ranking_flags_on_the_map(page, app_url, demo_store):
    frame = _open(page, app_url, "ranking")
    layers = store.read_all(demo_store)
    units = ranking.units(layers, ranking.rules_from_plan(plan.load_plan()))
    frame.wait_for_selector(".rank-flag")
    assert frame.locator(".rank-flag").count() == len(units)
    assert "红旗" in frame.locator(".planner-legend").inner_text()
    assert page.get_by_text("2021Q4 排名与旗帜").count() == 1
    assert page.errors == [], page.errors
    _show_map(page)
    screenshot(page, "ranking")


def test_evaluation_choropleth_draws_and_reclassifies(page, app_url):
    frame = _open(page, app_url, "evaluation")
    before = leaflet_stats(frame)
    assert before["features"] > 0
    legend = frame.locator(".planner-legend").inner_text()
    assert "综合得分" in legend and "能耗超 0.57" in legend
    assert page.errors == [], page.errors
    _show_map(page)
    screenshot(page, "evaluation")


def test_inefficient_map_and_proposal(page, app_url):
    frame = _open(page, app_url, "inefficient")
    stats = leaflet_stats(frame)
    assert stats["features"] > 100
    assert "闲置土地" in frame.locator(".planner-legend").inner_text() or \
        "容积率偏低" in frame.locator(".planner-legend").inner_text()
    assert page.get_by_text("本年度盘活建议（按增收最大的组合）").count() == 1
    # as of mid-2020 there is land still to revitalise: the proposal is drawn on the map
    page.locator("[data-testid='stSelectbox']").filter(has_text="数据截至").click()
    page.keyboard.type("2020年第2季度")  # the option list is virtual: filter it by typing
    page.get_by_role("option", name="2020年第2季度末").click()
    wait_for_app(page)
    assert_no_exception(page)
    assert _proposal_markers(page) > 0
    assert page.errors == [], page.errors
    _show_map(page)
    screenshot(page, "inefficient")

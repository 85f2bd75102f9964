"""Two planners in two browsers on the PostGIS team store: no save silently overwrites another."""

from __future__ import annotations

import pytest

from geo import settings, store
from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tests.e2e.test_sign_in import _sign_in, choose_status
from tests.e2e.test_tracking import _choose
from tests.pages.conftest import PASSWORD, with_accounts


@pytest.fixture(scope="module")
def team_url(app_server_factory, demo_store, pg_server):
    url = pg_server.new_database("team")
    store.copy_store(demo_store, url)
    with_accounts(url, "王工", "李工")  # a team's store: each planner signs in
    return url, app_server_factory(url, env={"JINYUN_DEM": str(settings.dem_path(demo_store))})


def _open_edit(page, app, status: str, user: str) -> None:
    _sign_in(page, app, user, PASSWORD)
    choose_status(page, status)


def test_the_second_of_two_planners_is_refused_with_the_first_ones_change(browser, team_url):
    url, app = team_url
    first = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    _open_edit(first, app, "在建", "王工")
    _open_edit(second, app, "建成", "李工")  # both read P01 before either saved

    first.get_by_role("button", name="保存修改").click()
    wait_for_app(first)
    first.get_by_text("已保存").wait_for(timeout=30000)

    second.get_by_role("button", name="保存修改").click()
    wait_for_app(second)
    refusal = second.get_by_text("已被 王工 修改")
    refusal.wait_for(timeout=30000)
    assert_no_exception(second)
    assert "状态：规划 → 在建" in refusal.inner_text()  # what changed, in the planner's words
    refusal.scroll_into_view_if_needed()
    screenshot(second, "team_store_stale_edit")
    assert store.read_layer(url, "parks").set_index("park_id").loc["P01", "status"] == \
        "under_construction"  # the first planner's save stands

    second.get_by_role("button", name="重新载入").click()  # sees the new value, saves again
    wait_for_app(second)
    _choose(second, "parks.edit.value.P01.status", "建成")
    second.get_by_role("button", name="保存修改").click()
    wait_for_app(second)
    second.get_by_text("已保存").wait_for(timeout=30000)
    audit = store.read_layer(url, "audit")
    rows = audit[(audit["feature_id"] == "P01") & (audit["field"] == "status")]
    assert rows.sort_values("audit_id")[["user", "new_value"]].values.tolist()[-2:] == \
        [["王工", "under_construction"], ["李工", "completed"]]
    history = second.locator("[data-testid='stTable']").last.inner_text()
    assert "王工" in history and "李工" in history
    first.context.close()
    second.context.close()

"""Sign-in in a real browser: built-in accounts (wrong password, rate limit, a scoped editor,
a viewer, sign-out) and single sign-on through Streamlit's st.login against a real OIDC
provider on 127.0.0.1 (oidc-provider-mock)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from geo import accounts, settings, store
from tests.e2e.conftest import _free_port, assert_no_exception, screenshot, wait_for_app
from tests.e2e.test_tracking import _choose
from tests.pages.conftest import PASSWORD, with_accounts


@pytest.fixture(scope="module")
def team_store(demo_store, tmp_path_factory):
    target = tmp_path_factory.mktemp("signin") / "store.gpkg"
    shutil.copy2(demo_store, target)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(target))
    parks = store.read_layer(target, "parks").set_index("park_id")
    other = next(c for c in store.read_layer(target, "towns")["town_code"]
                 if c != parks.loc["P01", "town_code"])
    with_accounts(target, "王工", "镇干部", viewers=["访客", "查看员"], scoped={"镇干部": [other]})
    return target


@pytest.fixture(scope="module")
def team_app(app_server_factory, team_store):
    return app_server_factory(team_store)


def _sign_in(page, app, name, password):
    page.goto(app + "/parks")
    page.get_by_text("请登录", exact=True).wait_for(timeout=60000)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)


def choose_status(page, status):
    """Open the parks page's edit form and pick a new status for P01 (not saved yet)."""
    page.get_by_text("修改数据（留痕）").wait_for(timeout=60000)  # the first visit warms the store
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("修改数据（留痕）").click()
    wait_for_app(page)
    _choose(page, "parks.edit.feature", "P01")
    _choose(page, "parks.edit.field", "状态")
    _choose(page, "parks.edit.value.P01.status", status)


def _edit_status(page, status):
    choose_status(page, status)
    page.get_by_role("button", name="保存修改").click()
    wait_for_app(page)


def test_wrong_password_then_rate_limit(page, team_app):
    for _ in range(accounts.MAX_FAILURES):
        _sign_in(page, team_app, "访客", "not the password")
        page.get_by_text("用户名或密码不正确").wait_for(timeout=30000)
    _sign_in(page, team_app, "访客", PASSWORD)  # the right one, too late
    page.get_by_text("暂时锁定").wait_for(timeout=30000)
    assert page.get_by_text("小微企业园建设进度").count() == 0
    assert_no_exception(page)


def test_a_scoped_editor_is_refused_outside_their_town(page, team_app, team_store):
    _sign_in(page, team_app, "镇干部", PASSWORD)
    page.get_by_text("当前用户：镇干部（编辑者）").wait_for(timeout=60000)
    _edit_status(page, "在建")
    page.get_by_text("只能修改").wait_for(timeout=30000)
    assert store.read_layer(team_store, "parks").set_index("park_id").loc["P01", "status"] == \
        "planned"
    screenshot(page, "sign_in_scoped_refusal")


def test_an_editor_edits_under_their_name_and_signs_out(page, team_app, team_store):
    _sign_in(page, team_app, "王工", PASSWORD)
    _edit_status(page, "在建")
    page.get_by_text("已保存").wait_for(timeout=30000)
    audit = store.read_layer(team_store, "audit")
    row = audit[(audit["layer"] == "parks") & (audit["field"] == "status")].iloc[-1]
    assert (row["user"], row["new_value"]) == ("王工", "under_construction")
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("请登录", exact=True).wait_for(timeout=30000)
    log = accounts.actions(team_store)
    assert {"sign_in", "sign_out", "sign_in_failed"} <= set(log["action"])


def test_a_viewer_sees_but_cannot_edit(page, team_app):
    _sign_in(page, team_app, "查看员", PASSWORD)
    page.get_by_text("当前用户：查看员（查看者）").wait_for(timeout=60000)
    page.get_by_text("修改数据（留痕）").click()
    page.get_by_text("您的角色是查看者").wait_for(timeout=30000)
    assert page.get_by_role("button", name="保存修改").count() == 0
    assert page.get_by_text("账号与日志").count() == 0  # not an admin's page for a viewer


def test_the_admin_sees_accounts_and_the_action_log(page, team_app):
    _sign_in(page, team_app, "admin", PASSWORD)
    link = page.get_by_text("账号与日志").first
    link.wait_for(timeout=60000)
    link.click()  # a new address would be a new session, signed out
    page.get_by_text("操作日志").wait_for(timeout=60000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "sign_in_admin")


# --------------------------------------------------------------------- single sign-on

@pytest.fixture(scope="module")
def oidc_provider():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def sso_app(app_server_factory, team_store, oidc_provider, tmp_path_factory):
    port = _free_port()
    secrets = tmp_path_factory.mktemp("sso") / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a test cookie secret, not a real one"
client_id = "jinyun-test"
client_secret = "jinyun-test-secret"
server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    return app_server_factory(team_store, env={"JINYUN_AUTH": "oidc",
                                               "STREAMLIT_SECRETS_FILES": str(secrets)},
                              port=port).replace("127.0.0.1", "localhost")


def _sso_sign_in(browser, app, provider, subject):
    """A new browser signed in at the provider as ``subject`` (the mock's login form)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app + "/parks")
    page.get_by_role("button", name="通过单位统一身份认证登录").click()
    page.wait_for_url(f"{provider}/**", timeout=30000)
    page.locator("input[name='sub']").fill(subject)
    page.locator("form button, form input[type='submit']").first.click()
    return context, page


def test_single_sign_on_editor_and_viewer(browser, sso_app, oidc_provider, team_store):
    context, page = _sso_sign_in(browser, sso_app, oidc_provider, "王工")
    page.get_by_text("当前用户：王工（编辑者）").wait_for(timeout=60000)
    page.get_by_role("link", name="小微企业园").click()  # the provider sends us back to the start
    _edit_status(page, "建成")
    page.get_by_text("已保存").wait_for(timeout=30000)
    audit = store.read_layer(team_store, "audit")
    assert audit[audit["field"] == "status"].iloc[-1]["user"] == "王工"
    page.get_by_role("button", name="退出登录").click()
    # Streamlit ends the session at the provider too (its end-session page), then comes back
    page.wait_for_url(f"{oidc_provider}/**", timeout=30000)
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="通过单位统一身份认证登录").wait_for(timeout=60000)
    assert "sign_out" in set(accounts.actions(team_store)["action"])
    context.close()
    # a name the store does not know, or a viewer: may look, may not edit
    context, page = _sso_sign_in(browser, sso_app, oidc_provider, "外单位人员")
    page.get_by_text("当前用户：外单位人员（查看者）").wait_for(timeout=60000)
    page.get_by_role("link", name="小微企业园").click()
    page.get_by_text("修改数据（留痕）").wait_for(timeout=60000)
    wait_for_app(page)
    page.get_by_text("修改数据（留痕）").click()
    page.get_by_text("您的角色是查看者").wait_for(timeout=30000)
    assert page.get_by_role("button", name="保存修改").count() == 0
    context.close()

"""Accounts, roles and scope, checked where the write happens, on both stores."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from geo import accounts, cli, edits, store
from geo.accounts import AccessDenied
from tests.fixtures import tiny_layers

PASSWORD = "correct horse 9"


@pytest.fixture(params=["gpkg", "postgis"])
def team(request, tmp_path):
    """A tiny store with an admin, a county-wide editor, a town-scoped editor and a viewer."""
    location = (tmp_path / "team.gpkg" if request.param == "gpkg"
                else request.getfixturevalue("pg_url"))
    store.write_store(location, tiny_layers(), meta={"demo": "0"})
    towns = store.read_layer(location, "towns")["town_code"].tolist()
    accounts.add_user(location, "admin", role="admin", password=PASSWORD, actor="setup")
    accounts.add_user(location, "王工", role="editor", password=PASSWORD, actor="admin")
    accounts.add_user(location, "镇干部", role="editor", password=PASSWORD, actor="admin",
                      towns=["999999999"])  # a town none of the parks lies in
    accounts.add_user(location, "访客", role="viewer", password=PASSWORD, actor="admin")
    return location, towns


def _park(location, fid="P1"):
    return store.read_layer(location, "parks").set_index("park_id").loc[fid]


def test_a_store_without_accounts_is_the_local_users_own_copy(tmp_path):
    path = store.write_store(tmp_path / "own.gpkg", tiny_layers(), meta={"demo": "0"})
    assert not accounts.has_accounts(store.Store(path))
    edits.apply_edit(path, "parks", "P1", {"star_rating": 2}, user=accounts.local_user())
    assert store.read_layer(path, "audit")["user"].tolist() == [accounts.LOCAL_USER]


def test_roles_are_enforced_in_the_write_itself(team):
    location, _ = team
    edits.apply_edit(location, "parks", "P1", {"star_rating": 2}, user="王工")
    with pytest.raises(AccessDenied, match="查看者"):
        edits.apply_edit(location, "parks", "P1", {"star_rating": 3}, user="访客")
    with pytest.raises(AccessDenied, match="没有可用的账号"):
        edits.apply_edit(location, "parks", "P1", {"star_rating": 3}, user="路人")
    assert _park(location)["star_rating"] == 2
    assert store.read_layer(location, "audit").query("layer == 'parks'")["user"].tolist() == \
        ["王工"]


def test_a_scoped_editor_is_refused_outside_their_town_and_told_so(team):
    location, towns = team
    with pytest.raises(AccessDenied) as info:
        edits.apply_edit(location, "parks", "P1", {"star_rating": 3}, user="镇干部")
    text = info.value.text("zh")
    assert "只能修改 999999999 的数据" in text and "P1" in text
    assert _park(location)["star_rating"] == 0
    accounts.update_user(location, "镇干部", towns=towns, actor="admin")  # now in scope
    edits.apply_edit(location, "parks", "P1", {"star_rating": 3}, user="镇干部")
    assert _park(location)["star_rating"] == 3


def test_a_disabled_account_cannot_write_or_sign_in(team):
    location, _ = team
    accounts.update_user(location, "王工", disabled=True, actor="admin")
    with pytest.raises(AccessDenied):
        edits.apply_edit(location, "parks", "P1", {"star_rating": 3}, user="王工")
    with pytest.raises(AccessDenied, match="用户名或密码不正确"):
        accounts.authenticate(location, "王工", PASSWORD)


def test_only_an_admin_undoes_someone_elses_change(team):
    location, _ = team
    edits.apply_edit(location, "parks", "P1", {"star_rating": 2}, user="王工")
    first = int(store.read_layer(location, "audit").query("layer == 'parks'")["audit_id"].iloc[0])
    with pytest.raises(AccessDenied, match="只能撤销自己的修改"):
        edits.revert(location, [first], user="镇干部")
    edits.revert(location, [first], user="admin")
    assert _park(location)["star_rating"] == 0


def test_passwords_are_hashed_checked_and_failures_rate_limited(team):
    location, _ = team
    users = store.read_layer(location, "users").set_index("username")
    assert users.loc["王工", "password_hash"].startswith("$argon2id$")
    assert PASSWORD not in users.to_string()
    assert accounts.authenticate(location, "王工", PASSWORD).role == "editor"
    now = dt.datetime.now(dt.UTC)
    for i in range(accounts.MAX_FAILURES):
        with pytest.raises(AccessDenied, match="不正确"):
            accounts.authenticate(location, "王工", f"wrong {i}", now=now)
    with pytest.raises(AccessDenied, match="暂时锁定"):  # even the right password, for now
        accounts.authenticate(location, "王工", PASSWORD, now=now)
    later = now + accounts.FAILURE_WINDOW + dt.timedelta(minutes=1)
    assert accounts.authenticate(location, "王工", PASSWORD, now=later).name == "王工"
    log = accounts.actions(location)
    assert set(log["action"]) == {"sign_in", "sign_in_failed", "users"}
    assert not log["detail"].str.contains("wrong").any()  # nothing about a password is logged


def test_only_admins_manage_accounts_and_one_admin_remains(team):
    location, _ = team
    with pytest.raises(AccessDenied, match="不是管理员"):
        accounts.add_user(location, "新人", role="editor", password=PASSWORD, actor="王工")
    with pytest.raises(AccessDenied, match="至少要保留一个"):
        accounts.update_user(location, "admin", role="editor", actor="admin")
    history = store.read_layer(location, "audit").query("layer == 'users'")
    assert set(history["user"]) == {"setup", "admin"}  # every account change names its maker
    assert "hash" not in " ".join(history["new_value"].astype(str))


def test_an_import_outside_the_editors_town_is_refused(team, tmp_path):
    location, _ = team
    from geo import importer

    parks = store.read_layer(location, "parks").iloc[:1].assign(star_rating=5)
    path = tmp_path / "parks.geojson"
    parks.to_file(path)
    plan = importer.plan_import(path, location, layer="parks")
    with pytest.raises(AccessDenied, match="只能修改"):
        importer.apply_import(plan, user="镇干部")
    with pytest.raises(AccessDenied, match="查看者"):
        importer.apply_import(plan, user="访客")
    importer.apply_import(plan, user="王工")
    assert _park(location)["star_rating"] == 5
    assert "import" in set(accounts.actions(location)["action"])


def test_users_command_line(tmp_path, monkeypatch, capsys):
    path = store.write_store(tmp_path / "cli.gpkg", tiny_layers(), meta={"demo": "0"})
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    assert cli.main(["users", "add", "admin", "--role", "admin", "--store", str(path)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\nsomething else\n"))
    assert cli.main(["users", "add", "李工", "--role", "editor", "--store", str(path),
                     "--user", "admin"]) == 2
    assert "不一致" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n{PASSWORD}\n"))
    assert cli.main(["users", "add", "李工", "--role", "viewer", "--towns", "331122001",
                     "--store", str(path), "--user", "admin"]) == 0
    assert cli.main(["users", "set-role", "李工", "editor", "--store", str(path),
                     "--user", "admin"]) == 0
    assert cli.main(["users", "list", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert "李工" in out and "editor" in out and "argon2" not in out
    assert cli.main(["users", "disable", "李工", "--store", str(path), "--user", "admin"]) == 0
    assert cli.main(["users", "set-role", "admin", "viewer", "--store", str(path),
                     "--user", "李工"]) == 2  # a disabled account acts for nobody
    users = store.read_layer(path, "users").set_index("username")
    assert bool(users.loc["李工", "disabled"]) and users.loc["admin", "role"] == "admin"


def test_the_command_line_is_held_to_the_same_rules(team, tmp_path, capsys):
    location, _ = team
    parks = store.read_layer(location, "parks").iloc[:1].assign(star_rating=4)
    path = tmp_path / "parks.geojson"
    parks.to_file(path)
    base = ["import", str(path), "--layer", "parks", "--store", str(location)]
    assert cli.main([*base, "--user", "镇干部"]) == 2
    assert "只能修改" in capsys.readouterr().err
    assert cli.main([*base, "--user", "访客"]) == 2
    assert "查看者" in capsys.readouterr().err
    assert cli.main(base) == 2  # a store with accounts: the CLI must say who it acts for
    assert _park(location)["star_rating"] == 0
    assert cli.main([*base, "--user", "王工"]) == 0
    assert _park(location)["star_rating"] == 4

"""The team store: the same tools on a GeoPackage and on a real PostgreSQL + PostGIS.

Every test here runs on both backends (``tiny`` is parametrised); the
PostgreSQL server is started by the tests themselves (:mod:`tests.pg_server`).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from geo import cli, edits, figures, plan, postgis, schema, store, units
from geo.errors import StoreBusyError, StoreChangedError, StoreError
from tests.fixtures import tiny_layers
from tests.geo.said import raises_said


@pytest.fixture(params=["gpkg", "postgis"])
def tiny(request, tmp_path):
    location = (tmp_path / "tiny.gpkg" if request.param == "gpkg"
                else request.getfixturevalue("pg_url"))
    return store.write_store(location, tiny_layers(), meta={"demo": "0"})


def _park(location, fid="P1"):
    return store.read_layer(location, "parks").set_index("park_id").loc[fid]


def test_layers_read_back_with_values_dates_types_and_crs(tiny):
    parks = store.read_layer(tiny, "parks")
    original = tiny_layers()["parks"].to_crs("EPSG:4490")
    assert parks.crs == "EPSG:4490" and parks.geom_type.eq("MultiPolygon").all()
    assert list(parks["park_id"]) == ["P1", "P2", "P3", "P4"]
    assert parks["completion_date"].iloc[2] == pd.Timestamp("2020-12-01")
    assert pd.isna(parks["start_date"].iloc[0]) and parks["platform_id"].iloc[2] is None
    assert list(parks["is_smart"]) == [False, False, False, True]
    assert str(store.read_layer(tiny, "parcels")["approved_year"].dtype) == "int64"
    assert (units.area_mu(parks) - units.area_mu(original)).abs().max() < 1e-6


def test_both_backends_give_the_same_layers_and_figures(tmp_path, pg_url):
    gpkg = store.write_store(tmp_path / "a.gpkg", tiny_layers(), meta={"demo": "0"})
    store.copy_store(gpkg, pg_url)
    for name in schema.LAYERS:
        a, b = store.read_layer(gpkg, name), store.read_layer(pg_url, name)
        if len(a):
            pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)
    p = plan.load_plan()
    for as_of in (None, "2020-12-31", "2021-06-30"):  # as stored, and the as-of views
        assert [f.value for f in figures.figures(store.Store(gpkg), p, as_of=as_of)] == \
            [f.value for f in figures.figures(store.Store(pg_url), p, as_of=as_of)], as_of


def test_every_write_gives_a_new_version(tiny):
    s = store.Store(tiny)
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 3}, user="王工")
    assert s.changed()
    after_edit = store.Store(tiny)
    after_edit.replace_layers({"parks": after_edit.parks.assign(star_rating=1)})
    assert len({s.version, after_edit.version, store.version(tiny)}) == 3


def test_an_edit_lands_with_its_history_and_a_stale_one_is_refused(tiny):
    seen = edits.feature_version(store.read_layer(tiny, "audit"), "parks", "P1")
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 2, "is_smart": True}, user="王工",
                     expected_version=seen)
    with pytest.raises(edits.StaleEditError) as info:
        edits.apply_edit(tiny, "parks", "P1", {"star_rating": 4}, user="李工",
                         expected_version=seen)
    assert "王工" in info.value.text("zh") and "星级：0 → 2" in info.value.text("zh")
    park = _park(tiny)
    assert park["star_rating"] == 2 and bool(park["is_smart"]) is True
    audit = store.read_layer(tiny, "audit")
    assert sorted(audit["field"]) == ["is_smart", "star_rating"] and set(audit["user"]) == {"王工"}
    assert audit["at"].str.endswith("Z").all()


def test_twenty_planners_at_once_lose_no_update(tiny):
    from bench.concurrent_edits import run

    counts = run(tiny, "parks", "park_id", "enterprises_in", writers=20, per_writer=2)
    assert counts["errors"] == 0 and counts["landed"] == 40 and counts["lost"] == 0
    audit = store.read_layer(tiny, "audit")
    assert audit.sort_values("audit_id")["at"].is_monotonic_increasing


def test_an_import_checked_before_an_edit_is_refused_and_the_edit_kept(tiny):
    s = store.Store(tiny).load()
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 3}, user="王工")
    with pytest.raises(StoreChangedError):
        s.replace_layers({"parks": s.parks.assign(star_rating=5)})
    assert _park(tiny)["star_rating"] == 3


def test_a_write_that_fails_half_way_changes_nothing(tiny, monkeypatch):
    before = {n: store.read_layer(tiny, n) for n in ("parks", "parcels")}
    layers = tiny_layers()
    if isinstance(tiny, str):
        real, target, fn = postgis._write_table, postgis, "_write_table"
    else:
        real, target, fn = store._write_layer, store, "_write_layer"
    written = []

    def write_then_crash(where, name, df):
        if written:
            raise OSError("disk full")
        written.append(name)
        real(where, name, df)

    monkeypatch.setattr(target, fn, write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        store.replace_layers(tiny, {"parks": layers["parks"].iloc[:1],
                                    "parcels": layers["parcels"].iloc[:1]})
    assert written == ["parks"]
    for name, frame in before.items():
        pd.testing.assert_frame_equal(store.read_layer(tiny, name), frame)


def test_history_and_revert_from_the_command_line(tiny, capsys):
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 2}, user="王工")
    edits.apply_edit(tiny, "parks", "P2", {"star_rating": 4}, user="李工")
    assert cli.main(["history", "--store", str(tiny), "--user", "王工", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["user"], r["feature_id"], r["new_value"]) for r in rows] == [("王工", "P1", "2")]
    edits.revert(tiny, [rows[0]["audit_id"]], user="管理员")
    assert _park(tiny)["star_rating"] == 0 and _park(tiny, "P2")["star_rating"] == 4
    audit = edits.history_since(store.read_layer(tiny, "audit"))
    assert (audit.iloc[0]["user"], audit.iloc[0]["new_value"]) == ("管理员", "0")  # a row too
    # a change made again since cannot be undone blindly
    edits.apply_edit(tiny, "parks", "P2", {"star_rating": 5}, user="王工")
    second = int(audit[audit["feature_id"] == "P2"]["audit_id"].iloc[0])
    with pytest.raises(edits.StaleEditError):
        edits.revert(tiny, [second], user="管理员")
    assert _park(tiny, "P2")["star_rating"] == 5


def test_another_schema_version_is_refused_with_the_fix(tiny):
    with store.transaction(tiny) as tx:
        tx.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with raises_said(StoreError, r"schema version '2'.*python -m geo migrate --store"):
        store.Store(tiny)


def test_a_missing_table_is_named(tiny):
    with store.transaction(tiny) as tx:
        tx.execute("DROP TABLE roads")
        if isinstance(tiny, type(store.Path())):
            tx.execute("DELETE FROM gpkg_contents WHERE table_name = 'roads'")
            tx.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'roads'")
    with raises_said(StoreError, r"missing layers roads\."):
        store.check_store(tiny)


def test_copy_store_round_trip_is_identical_with_history(tmp_path, pg_url):
    first = store.write_store(tmp_path / "first.gpkg", tiny_layers(), meta={"demo": "0"})
    edits.apply_edit(first, "parks", "P1", {"star_rating": 2, "start_date": "2020-03-01"},
                     user="王工")
    assert cli.main(["copy-store", str(first), pg_url]) == 0
    edits.apply_edit(pg_url, "parks", "P2", {"occupancy_pct": 55.5}, user="李工")  # team work
    edits.apply_edit(first, "parks", "P2", {"occupancy_pct": 55.5}, user="李工")
    back = tmp_path / "back.gpkg"
    assert cli.main(["copy-store", pg_url, str(back)]) == 0
    for name in schema.LAYERS:
        a, b = store.read_layer(first, name), store.read_layer(back, name)
        if name == "audit":  # the same rows; their times differ by the second they were made
            a, b = a.drop(columns="at"), b.drop(columns="at")
        if name == "meta":
            continue
        if a.empty and b.empty:
            assert list(a.columns) == list(b.columns)
            continue
        geometry = "geometry" in a.columns
        pd.testing.assert_frame_equal(a.drop(columns="geometry") if geometry else a,
                                      b.drop(columns="geometry") if geometry else b, obj=name)
        if geometry:
            assert a.geometry.geom_equals_exact(b.geometry, tolerance=1e-9).all(), name
    assert len(store.read_layer(back, "audit")) == 3
    assert store.read_meta(back)["demo"] == "0"


def test_init_makes_an_empty_store_and_refuses_to_wipe_one(pg_url, tmp_path):
    assert cli.main(["init", "--store", pg_url]) == 0
    s = store.Store(pg_url)
    assert s.parks.empty and s.meta["schema_version"] == str(schema.SCHEMA_VERSION)
    with raises_said(StoreError, "already there"):
        store.init_store(pg_url)
    gpkg = store.write_store(tmp_path / "a.gpkg", tiny_layers(), meta={"demo": "0"})
    store.copy_store(gpkg, pg_url)  # an empty team store takes a copy
    with raises_said(StoreError, "already holds data"):
        store.copy_store(gpkg, pg_url)
    assert len(store.read_layer(pg_url, "parks")) == 4


def test_a_busy_team_store_says_so_and_writes_nothing(pg_url, monkeypatch):
    store.write_store(pg_url, tiny_layers(), meta={"demo": "0"})
    monkeypatch.setattr(store, "WRITE_WAIT_S", 0.3)
    with postgis.engine(pg_url).connect() as other, other.begin():
        other.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": postgis._LOCK_ID})
        with pytest.raises(StoreBusyError) as err:
            edits.apply_edit(pg_url, "parks", "P1", {"star_rating": 1}, user="王工")
    assert "still being written" in err.value.text("en") and "请稍后再试" in err.value.text("zh")
    assert _park(pg_url)["star_rating"] == 0
    edits.apply_edit(pg_url, "parks", "P1", {"star_rating": 1}, user="王工")
    assert _park(pg_url)["star_rating"] == 1


def test_whole_numbers_stay_integers_in_postgis(pg_url):
    store.write_store(pg_url, tiny_layers(), meta={"demo": "0"})
    s = store.Store(pg_url)
    s.replace_layers({"parcels": s.parcels.assign(approved_year=[2015.0] * 10)})
    with postgis.engine(pg_url).connect() as con:
        types = dict(con.execute(sa.text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'parcels'")).fetchall())
    assert types["approved_year"] == "bigint"
    assert str(store.read_layer(pg_url, "parcels")["approved_year"].dtype) == "int64"


def test_an_unreachable_server_is_named_without_its_password():
    url = "postgresql://planner:secret@127.0.0.1:9/jinyun"
    with pytest.raises(StoreError) as info:
        store.Store(url)
    assert "cannot connect" in info.value.text("en") and "无法连接" in str(info.value)
    assert "secret" not in info.value.text("en") and "secret" not in str(info.value)
    assert "jinyun" in str(info.value)
    assert store.display_name(url) == "jinyun (PostGIS)"


def test_a_version_3_store_is_migrated_on_both_backends(tiny):
    with store.transaction(tiny) as tx:  # as version 3 wrote it: no accounts table
        tx.execute("DROP TABLE users")
        tx.execute("ALTER TABLE parcels DROP COLUMN holder")  # as version 5 wrote them
        tx.execute("ALTER TABLE parcels DROP COLUMN holder_uscc")
        if not isinstance(tiny, str):
            tx.execute("DELETE FROM gpkg_contents WHERE table_name = 'users'")
        tx.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with raises_said(StoreError, "version '3'"):
        store.Store(tiny)
    assert store.migrate(tiny) == ["3", "4", "5"]
    s = store.Store(tiny)
    assert s.meta["schema_version"] == "6" and s["users"].empty
    assert list(s.parks["park_id"]) == ["P1", "P2", "P3", "P4"]  # nothing else touched

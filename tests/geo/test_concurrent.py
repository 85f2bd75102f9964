"""Several planners at once on the embedded store: no write silently overwrites another."""

from __future__ import annotations

import sqlite3

import pytest

from geo import edits, importer, store
from geo.errors import StoreBusyError, StoreChangedError
from tests.fixtures import tiny_layers


@pytest.fixture
def tiny(tmp_path):
    return store.write_store(tmp_path / "tiny.gpkg", tiny_layers(), meta={"demo": "0"})


def _version(path, fid="P1") -> int:
    return edits.feature_version(store.read_layer(path, "audit"), "parks", fid)


def test_a_stale_edit_is_refused_naming_who_changed_what(tiny):
    seen = _version(tiny)
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 2}, user="王工", expected_version=seen)
    with pytest.raises(edits.StaleEditError) as info:  # the second planner read it before
        edits.apply_edit(tiny, "parks", "P1", {"star_rating": 4}, user="李工",
                         expected_version=seen)
    text = info.value.text("zh")
    assert "王工" in text and "星级：0 → 2" in text and "北京时间" in text
    assert "changed by 王工" in info.value.text("en")
    assert store.read_layer(tiny, "parks").set_index("park_id").loc["P1", "star_rating"] == 2
    assert list(info.value.changes["user"]) == ["王工"]


def test_twenty_planners_at_once_lose_no_update(tiny):
    from bench.concurrent_edits import run

    # 20 writers x 3 saves on one park, each as the edit form does it (bench/concurrent_edits.py)
    counts = run(tiny, "parks", "park_id", "enterprises_in", writers=20, per_writer=3)
    assert counts["errors"] == 0
    assert counts["landed"] == 60
    assert counts["lost"] == 0  # every saved update is in the final value
    audit = store.read_layer(tiny, "audit")
    values = audit[audit["feature_id"] == "P1"].sort_values("audit_id")["new_value"].astype(float)
    assert values.is_monotonic_increasing  # history order is time order
    assert audit.sort_values("audit_id")["at"].is_monotonic_increasing


def test_an_import_checked_before_an_edit_is_refused_and_the_edit_kept(tiny, tmp_path):
    s = store.Store(tiny).load()  # the import's check read the store
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 3}, user="王工")
    with pytest.raises(StoreChangedError):
        s.replace_layers({"parks": s.parks})  # computed from the store before the edit
    assert store.read_layer(tiny, "parks").set_index("park_id").loc["P1", "star_rating"] == 3


def test_two_imports_of_one_check_only_one_writes(tiny):
    s = store.Store(tiny)
    parks = s.parks.assign(star_rating=1)
    s.replace_layers({"parks": parks})
    with pytest.raises(StoreChangedError):
        s.replace_layers({"parks": parks.assign(star_rating=5)})
    assert set(store.read_layer(tiny, "parks")["star_rating"]) == {1}
    assert importer  # the importer writes through Store.replace_layers (see test_importer)


def test_a_locked_file_gives_a_clear_message_not_a_traceback(tiny, monkeypatch):
    monkeypatch.setattr(store, "WRITE_WAIT_S", 0.2)
    other = sqlite3.connect(tiny, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        with pytest.raises(StoreBusyError) as err:
            edits.apply_edit(tiny, "parks", "P1", {"star_rating": 1}, user="王工")
        # in the planner's language, without SQLite's own words
        assert "in use by another program" in err.value.text("en")
        assert "正被其他程序占用" in str(err.value) and "locked" not in str(err.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 1}, user="王工")  # works once free


def test_a_killed_write_leaves_nothing_behind_after_the_next_write(tiny):
    leftover = tiny.with_name(f".{tiny.stem}-abc123.gpkg")
    leftover.write_bytes(b"x" * 1000)
    journal = tiny.with_name(f".{tiny.stem}-abc123.gpkg-journal")
    journal.write_bytes(b"x")
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 1}, user="王工")
    assert not leftover.exists() and not journal.exists()


def test_a_write_keeps_whole_numbers_integer_in_the_file(tiny):
    s = store.Store(tiny)
    parcels = s.parcels.assign(approved_year=[2015.0] * 10)  # as an import's float column
    s.replace_layers({"parcels": parcels})
    with sqlite3.connect(tiny) as con:
        types = {r[1]: r[2] for r in con.execute("PRAGMA table_info(parcels)")}
        audit = {r[1]: r[2] for r in con.execute("PRAGMA table_info(audit)")}
    assert types["approved_year"] == "INTEGER" and audit["audit_id"] == "INTEGER"
    back = store.read_layer(tiny, "parcels")["approved_year"]
    assert back.iloc[0] == 2015 and str(back.dtype) == "int64"


# history, undo and a stale undo refused: tests/geo/test_team_store.py (both stores)

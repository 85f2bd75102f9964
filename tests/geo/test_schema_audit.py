"""Schema version 6: the history table (with effective date and batch) and the accounts, present
and empty in a freshly built store; a version-2 store is migrated."""

from __future__ import annotations

import sqlite3

import pandas as pd

from geo import schema, store
from tests.geo.said import raises_said


def test_audit_layer_in_schema():
    assert schema.SCHEMA_VERSION == 6
    audit = schema.LAYERS["audit"]
    assert audit.geometry is None and audit.key == "audit_id"
    assert audit.field_names == ["audit_id", "at", "user", "layer", "feature_id", "field",
                                 "old_value", "new_value", "effective", "batch"]
    assert not audit.get("old_value").required and audit.get("user").required


def test_empty_frame_has_schema_types():
    df = schema.empty_frame("audit")
    assert df.empty and list(df.columns) == schema.LAYERS["audit"].field_names
    assert str(df["audit_id"].dtype) == "int64"
    assert schema.validate("audit", df) == []


def test_demo_store_has_an_empty_audit_table(demo_store):
    meta = store.check_store(demo_store)
    assert meta["schema_version"] == "6"
    with sqlite3.connect(f"file:{demo_store}?mode=ro", uri=True) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(audit)")]
        count = con.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert set(schema.LAYERS["audit"].field_names) <= set(cols)
    assert count == 0


def _make_version_2(con) -> None:
    """No effective date, no batch, no accounts: a store as version 2 wrote it."""
    con.execute("ALTER TABLE audit DROP COLUMN effective")
    con.execute("ALTER TABLE audit DROP COLUMN batch")
    con.execute("ALTER TABLE parcels DROP COLUMN holder")
    con.execute("ALTER TABLE parcels DROP COLUMN holder_uscc")
    for table in ("users", "candidate_sets"):
        con.execute(f"DROP TABLE {table}")
        con.execute(f"DELETE FROM gpkg_contents WHERE table_name = '{table}'")
        con.execute(f"DELETE FROM gpkg_geometry_columns WHERE table_name = '{table}'")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_a_version_2_store_is_refused_with_the_fix_then_migrated(tmp_path):
    import shutil

    from geo import edits, settings
    from geo.errors import StoreError
    from tests.fixtures import tiny_layers

    path = store.write_store(tmp_path / "old.gpkg", tiny_layers())
    with store.transaction(path) as con:  # make it a version-2 store: no effective, no batch
        _make_version_2(con)
    backup = tmp_path / "backup.gpkg"
    shutil.copy2(path, backup)
    with raises_said(StoreError, r"version '2'.*python -m geo migrate --store"):
        store.check_store(path)
    assert store.migrate(path) == ["2", "3", "4", "5"]
    assert store.check_store(path)["schema_version"] == "6"
    assert store.read_layer(path, "users").empty  # no account: no sign-in
    edits.apply_edit(path, "parks", "P1", {"star_rating": 1}, user="测试", effective="2021-05-01")
    audit = store.read_layer(path, "audit")
    assert audit["effective"].iloc[0] == pd.Timestamp("2021-05-01")
    assert settings  # the migrated store is usable by every tool


def test_migrate_command(tmp_path, capsys):
    from geo import cli
    from tests.fixtures import tiny_layers

    path = store.write_store(tmp_path / "old.gpkg", tiny_layers())
    with store.transaction(path) as con:
        _make_version_2(con)
    assert cli.main(["check", "--store", str(path)]) == 2
    assert "geo migrate" in capsys.readouterr().err
    assert cli.main(["migrate", "--store", str(path)]) == 0
    assert "from schema version 2 to 6" in capsys.readouterr().out
    assert cli.main(["check", "--store", str(path)]) == 0

"""Schema version 2: the audit table, present and empty in a freshly built store."""

from __future__ import annotations

import sqlite3

from geo import schema, store


def test_audit_layer_in_schema():
    assert schema.SCHEMA_VERSION == 2
    audit = schema.LAYERS["audit"]
    assert audit.geometry is None and audit.key == "audit_id"
    assert audit.field_names == ["audit_id", "at", "user", "layer", "feature_id", "field",
                                 "old_value", "new_value"]
    assert not audit.get("old_value").required and audit.get("user").required


def test_empty_frame_has_schema_types():
    df = schema.empty_frame("audit")
    assert df.empty and list(df.columns) == schema.LAYERS["audit"].field_names
    assert str(df["audit_id"].dtype) == "int64"
    assert schema.validate("audit", df) == []


def test_demo_store_has_an_empty_audit_table(demo_store):
    meta = store.check_store(demo_store)
    assert meta["schema_version"] == "2"
    with sqlite3.connect(f"file:{demo_store}?mode=ro", uri=True) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(audit)")]
        count = con.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    assert set(schema.LAYERS["audit"].field_names) <= set(cols)
    assert count == 0

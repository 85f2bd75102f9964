"""Audited edits on a real GeoPackage: valid changes land with their audit rows, invalid
ones are refused with a clear message and leave the file byte for byte as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3

import pandas as pd
import pytest

from geo import edits, i18n, store
from geo.errors import ValidationError

NOW = dt.datetime(2026, 11, 27, 10, 30, 0, tzinfo=dt.UTC)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_edit_lands_in_store_and_audit(store_copy):
    before = store.read_layer(store_copy, "parks").set_index("park_id").loc["P01"]
    assert before["status"] == "planned"
    rows = edits.apply_edit(store_copy, "parks", "P01",
                            {"status": "under_construction", "start_date": "2021-03-01"},
                            user="张工", now=NOW)
    assert list(rows["field"]) == ["status", "start_date"]
    parks = store.read_layer(store_copy, "parks").set_index("park_id")
    assert parks.loc["P01", "status"] == "under_construction"
    assert parks.loc["P01", "start_date"] == pd.Timestamp("2021-03-01")
    audit = store.read_layer(store_copy, "audit")
    assert len(audit) == 2
    first = audit.sort_values("audit_id").iloc[0]
    assert (first["audit_id"], first["user"], first["layer"], first["feature_id"], first["field"],
            first["old_value"], first["new_value"], first["at"]) == (
        1, "张工", "parks", "P01", "status", "planned", "under_construction", "2026-11-27T10:30:00Z")
    assert pd.isna(audit.sort_values("audit_id").iloc[1]["old_value"])
    # the store still opens, and its spatial index still finds the park
    store.check_store(store_copy)
    geom = parks.loc["P01", "geometry"]
    hit = store.read_layer(store_copy, "parks", bbox=tuple(geom.bounds))
    assert "P01" in set(hit["park_id"])


def test_numbers_and_flags(store_copy):
    edits.apply_edit(store_copy, "parks", "P02", {"floor_area_m2": "130000", "is_smart": True,
                                                  "star_rating": 3}, user="u", now=NOW)
    p = store.read_layer(store_copy, "parks").set_index("park_id").loc["P02"]
    assert p["floor_area_m2"] == 130000.0 and bool(p["is_smart"]) and p["star_rating"] == 3
    edits.apply_edit(store_copy, "parcels", "331122-00001", {"plot_ratio": 1.75}, user="u", now=NOW)
    parcels = store.read_layer(store_copy, "parcels").set_index("parcel_id")
    assert parcels.loc["331122-00001", "plot_ratio"] == 1.75
    audit = store.read_layer(store_copy, "audit")
    assert len(audit) == 4 and list(audit["audit_id"]) == [1, 2, 3, 4]


def test_second_edit_continues_numbering_and_history_is_newest_first(store_copy):
    edits.apply_edit(store_copy, "parks", "P03", {"enterprises_in": 30}, user="a", now=NOW)
    edits.apply_edit(store_copy, "parks", "P03", {"enterprises_in": 35}, user="b",
                     now=NOW + dt.timedelta(hours=1))
    hist = edits.history(store.read_layer(store_copy, "audit"), "parks", "P03")
    assert list(hist["new_value"]) == ["35", "30"]
    assert list(hist["old_value"]) == ["30", "24"]
    assert list(hist["audit_id"]) == [2, 1]
    assert edits.history(store.read_layer(store_copy, "audit"), "parks", "P04").empty


def test_unchanged_value_writes_nothing(store_copy):
    sha = _sha(store_copy)
    rows = edits.apply_edit(store_copy, "parks", "P01", {"status": "planned"}, user="u", now=NOW)
    assert rows.empty
    assert store.read_layer(store_copy, "audit").empty
    assert _sha(store_copy) == sha


@pytest.mark.parametrize(("layer", "fid", "changes", "message"), [
    ("parks", "P02", {"completion_date": "2027-01-01"}, "in the future"),
    ("parks", "P02", {"floor_area_m2": -5}, "negative"),
    ("parks", "P02", {"status": "demolished"}, "unknown value “demolished”"),
    ("parks", "P02", {"star_rating": 6}, "outside"),
    ("parks", "P02", {"occupancy_pct": "101"}, "outside"),
    ("parks", "P02", {"enterprises_in": "12.5"}, "whole number"),
    ("parks", "P02", {"floor_area_m2": "many"}, "not a number"),
    ("parks", "P02", {"completion_date": "2020-13-01"}, "not a date"),
    ("parks", "P02", {"completion_date": "2015-01-01"}, "before the Start date"),
    ("parks", "P02", {"status": ""}, "required"),
    ("parks", "P02", {"name_zh": "x"}, "cannot be edited"),
    ("parks", "P99", {"status": "planned"}, "no such feature"),
    ("parcels", "331122-00001", {"lifecycle": "sold"}, "unknown value"),
    ("cases", "DX001", {"revitalised_date": "2030-01-01"}, "in the future"),
])
def test_invalid_edit_refused_and_store_unchanged(store_copy, layer, fid, changes, message):
    sha = _sha(store_copy)
    with pytest.raises(ValidationError) as err:
        edits.apply_edit(store_copy, layer, fid, changes, user="u", now=NOW)
    english, chinese = err.value.text("en"), err.value.text("zh")
    assert message in english
    assert f"{i18n.t(f'layer.{layer}', 'en')} {fid}" in english and "nothing was written" in english
    # the Chinese names the layer and the field by their labels, in Chinese only
    assert f"{i18n.t(f'layer.{layer}', 'zh')} {fid}" in chinese and "未写入任何内容" in chinese
    field = next(iter(changes))
    if field in edits.EDITABLE[layer] and message != "no such feature":
        assert i18n.column_label(field, "zh") in chinese and f"：{field}：" not in chinese
    # the planner's own value is quoted as typed; nothing else is in English
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"“[^”]*”", "", chinese.replace(fid, ""))), chinese
    assert _sha(store_copy) == sha


def test_mixed_valid_and_invalid_writes_nothing(store_copy):
    sha = _sha(store_copy)
    with pytest.raises(ValidationError) as err:
        edits.apply_edit(store_copy, "parks", "P02", {"status": "operating", "floor_area_m2": -1},
                         user="u", now=NOW)
    assert "negative" in err.value.text("en") and "负数" in err.value.text("zh")
    assert _sha(store_copy) == sha


def test_empty_user_refused(store_copy):
    with pytest.raises(ValidationError) as err:
        edits.apply_edit(store_copy, "parks", "P02", {"status": "operating"}, user="  ", now=NOW)
    assert "who" in err.value.text("en") and "修改人" in err.value.text("zh")


def test_failure_inside_the_transaction_rolls_back(store_copy):
    # the order check runs inside the transaction, after the row is read
    with pytest.raises(ValidationError):
        edits.apply_edit(store_copy, "parks", "P03", {"start_date": "2021-01-01"}, user="u", now=NOW)
    with sqlite3.connect(store_copy) as con:
        assert con.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
        assert con.execute("SELECT start_date FROM parks WHERE park_id='P03'").fetchone()[0] == "2018-06-22"


def test_validate_converts_values():
    today = dt.date(2026, 1, 1)
    assert edits.validate("parks", "P1", "floor_area_m2", "12.5", today=today) == 12.5
    assert edits.validate("parks", "P1", "enterprises_in", "12", today=today) == 12
    assert edits.validate("parks", "P1", "is_smart", False, today=today) == 0
    assert edits.validate("parks", "P1", "completion_date", "2026-01-01", today=today) == "2026-01-01"
    assert edits.validate("parks", "P1", "completion_date", "", today=today) is None
    assert edits.validate("cases", "K", "status", "revitalised", today=today) == "revitalised"

"""The Store value: a mapping of layers at one version, with meta, demo flag and plan."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import edits, figures, plan, store
from geo.errors import StoreError
from tests.fixtures import tiny_layers
from tests.geo.said import raises_said


@pytest.fixture
def tiny(tmp_path):
    return store.write_store(tmp_path / "tiny.gpkg", tiny_layers(), meta={"demo": "0"})


def test_a_store_is_a_mapping_of_every_layer(tiny):
    s = store.Store(tiny)
    assert list(s) == list(store.schema.LAYERS) and len(s) == len(store.schema.LAYERS)
    assert list(s.parks["park_id"]) == ["P1", "P2", "P3", "P4"]
    assert s["parks"] is s.parks  # read once, then shared
    with pytest.raises(KeyError):
        s["nope"]
    # a tool that takes every layer takes the store as it is
    assert [f.value for f in figures.figures(s, plan.load_plan())] == \
        [f.value for f in figures.figures(store.read_all(tiny), plan.load_plan())]


def test_meta_demo_flag_and_plan(tiny, demo_store):
    s = store.Store(tiny)
    assert s.meta["schema_version"] == str(store.schema.SCHEMA_VERSION)
    assert not s.is_demo and store.Store(demo_store).is_demo
    assert s.plan.path == plan.load_plan().path
    assert s.name == "tiny.gpkg" and s.key.startswith(f"{tiny}@")


def test_every_write_gives_a_new_version(tiny):
    s = store.Store(tiny)
    assert not s.changed()
    assert len(s.parks) == 4  # read before the edit
    edits.apply_edit(tiny, "parks", "P1", {"star_rating": 2}, user="测试")
    assert s.changed()
    after_edit = s.reopen()
    assert after_edit.version != s.version
    assert s.parks.set_index("park_id").loc["P1", "star_rating"] == 0  # the old value is as it was
    assert after_edit.parks.set_index("park_id").loc["P1", "star_rating"] == 2
    with raises_said(StoreError, "changed while it was being read"):
        len(s.parcels)  # first asked for after the edit: not read at another version
    parks = after_edit.parks.assign(floor_area_m2=after_edit.parks["floor_area_m2"] + 1)
    after_replace = after_edit.replace_layers({"parks": parks})
    assert after_replace.version not in (s.version, after_edit.version)
    assert (after_replace.parks["floor_area_m2"] - after_edit.parks["floor_area_m2"]).eq(1).all()


def test_a_missing_or_foreign_store_is_refused(tmp_path):
    with raises_said(StoreError, "not found"):
        store.Store(tmp_path / "none.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"not sqlite")
    with raises_said(StoreError, "not a GeoPackage"):
        store.Store(bad)
    assert store.file_version(tmp_path / "none.gpkg") == ""


def test_plan_of_prefers_the_given_then_the_stores_plan(tiny):
    s = store.Store(tiny)
    own = s.plan
    assert plan.plan_of(s) is own
    other = plan.load_plan()
    assert plan.plan_of(s, other) is other
    assert isinstance(plan.plan_of({"parks": pd.DataFrame()}), plan.Plan)

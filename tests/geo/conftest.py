"""Fixtures shared by the geo tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.geo.import_support import build_store

_BASE: dict[str, bytes] = {}


@pytest.fixture
def small_store(tmp_path_factory, tmp_path) -> Path:
    """A small hand-made store (built once per session, copied for each test)."""
    if "bytes" not in _BASE:
        _BASE["bytes"] = build_store(tmp_path_factory.mktemp("base") / "base.gpkg").read_bytes()
    path = tmp_path / "store.gpkg"
    path.write_bytes(_BASE["bytes"])
    return path


@pytest.fixture(params=["gpkg", "postgis"])
def any_small_store(request, small_store):
    """The small store on each backend: the GeoPackage file, or a PostGIS copy of it."""
    if request.param == "gpkg":
        return small_store
    from geo import store

    url = request.getfixturevalue("pg_url")
    store.copy_store(small_store, url)
    return url


def snapshot(location) -> dict:
    """Every layer of a store, to show that a refused write changed nothing (on both backends)."""
    from geo import store

    return {name: store.read_layer(location, name) for name in store.schema.LAYERS}


def same_snapshot(a: dict, b: dict) -> bool:
    import pandas as pd

    for name in a:
        try:
            pd.testing.assert_frame_equal(a[name], b[name], check_dtype=False)
        except AssertionError:
            return False
    return True

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

"""Shared fixtures: the demo store (built once if missing) and throw-away copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geo import settings


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """The demo GeoPackage (``make`` builds data/jinyun_demo.gpkg; built here if missing)."""
    from geo import schema, store

    path = settings.DEFAULT_STORE
    current = (path.exists() and settings.dem_path(path).exists()
               and store.read_meta(path).get("schema_version") == str(schema.SCHEMA_VERSION))
    if not current:
        from geo import demo

        path = tmp_path_factory.mktemp("demo") / "jinyun_demo.gpkg"
        demo.build(path)
    return path


@pytest.fixture
def store_copy(demo_store, tmp_path) -> Path:
    """A private copy of the demo store (and its DEM) for tests that write."""
    target = tmp_path / "store.gpkg"
    shutil.copy2(demo_store, target)
    shutil.copy2(settings.dem_path(demo_store), settings.dem_path(target))
    return target


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL + PostGIS server for the session (:mod:`tests.pg_server`)."""
    from tests.pg_server import Server

    server = Server().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """A fresh empty PostGIS database (the team store before ``geo init``)."""
    from geo import postgis

    url = pg_server.new_database()
    yield url
    postgis.dispose(url)

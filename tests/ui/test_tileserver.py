"""The tile endpoint of supplied basemaps, on Starlette with real tile files, and asgi.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from geo import tilesources
from tests.tile_fixtures import png, tiles_over, write_mbtiles, write_pmtiles, write_xyz
from ui import tileserver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    d = tmp_path / "basemaps"
    d.mkdir()
    tiles = tiles_over(zooms=[9, 10])
    write_mbtiles(d / "县 底图 <1>.mbtiles", tiles)
    write_pmtiles(d / "b.pmtiles", tiles_over(zooms=[9], rgb=(0, 0, 255)))
    write_xyz(d / "c", tiles_over(zooms=[9], rgb=(0, 255, 0)), ext="webp")
    (tmp_path / "secret.txt").write_text("not for the browser")
    monkeypatch.setenv("JINYUN_BASEMAPS", str(d))
    return d


@pytest.fixture
def client():
    return TestClient(Starlette(routes=tileserver.routes()))


def _ids(folder):
    return {s.name: s.id for s in tilesources.list_sources(folder)}


def test_tiles_come_back_with_their_type_from_each_kind_of_file(folder, client):
    ids = _ids(folder)
    z, x, y = sorted(tiles_over(zooms=[9]))[0]
    r = client.get(f"/basemap/{ids['县 底图 <1>.mbtiles']}/{z}/{x}/{y}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content == png()
    r = client.get(f"/basemap/{ids['b.pmtiles']}/{z}/{x}/{y}")
    assert r.status_code == 200 and r.content == png((0, 0, 255))
    r = client.get(f"/basemap/{ids['c']}/{z}/{x}/{y}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"
    assert r.content == png((0, 255, 0))  # the bytes of the file, whatever its extension says


def test_a_missing_tile_inside_the_zooms_is_transparent_and_outside_them_404(folder, client):
    sid = _ids(folder)["县 底图 <1>.mbtiles"]
    r = client.get(f"/basemap/{sid}/10/0/0")  # far from the county: no tile there
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert client.get(f"/basemap/{sid}/12/0/0").status_code == 404
    assert client.get(f"/basemap/{sid}/9/600/0").status_code == 404


@pytest.mark.parametrize("path", [
    "/basemap/../secret.txt/9/0/0", "/basemap/..%2Fsecret.txt/9/0/0", "/basemap/c/9/0/0",
    "/basemap/%2e%2e/9/0/0", "/basemap/0123456789abcdef/9/0/0", "/basemap/x/9/0/-1",
    "/basemap/x/a/b/c", "/basemap/x/9/0/0/../../../secret.txt",
])
def test_no_request_reaches_a_file_by_name_or_path(folder, client, path):
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert b"not for the browser" not in r.content


def test_asgi_py_is_an_st_app_that_streamlit_run_finds():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "asgi.py")
    assert found.is_asgi_app and found.import_string == "asgi:app"

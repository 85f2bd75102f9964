"""AppTest: above the tile threshold the overview builds the parcel tiles and says how to zoom."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo import cadastre, i18n, settings, store

ROOT = Path(__file__).resolve().parents[2]


def test_overview_switches_to_tiles_above_the_threshold(demo_store, monkeypatch):
    monkeypatch.setenv("JINYUN_STORE", str(demo_store))
    monkeypatch.setenv("JINYUN_TILE_THRESHOLD", "100")
    parcels = store.read_layer(demo_store, "parcels")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception
    hint = i18n.t("cadastre.zoom_hint", "zh", n=f"{len(parcels):,}", zoom=cadastre.TILE_MIN_ZOOM)
    assert hint in [c.value for c in at.caption]
    tiles = settings.TILES_DIR / cadastre.content_key(parcels)
    assert (tiles / "metadata.json").exists()
    assert list((tiles / str(cadastre.TILE_MIN_ZOOM)).rglob("*.pbf"))


def test_overview_keeps_geojson_below_the_threshold(demo_store, monkeypatch):
    monkeypatch.setenv("JINYUN_STORE", str(demo_store))
    monkeypatch.delenv("JINYUN_TILE_THRESHOLD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert not at.exception
    assert not [c for c in at.caption if "500" in c.value and "宗地" in c.value]

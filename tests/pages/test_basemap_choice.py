"""The sidebar's basemap: the hillshade by default, none without a DEM, supplied ones by name."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo import i18n, settings, tilesources
from tests.tile_fixtures import tiles_over, write_mbtiles
from ui import tileserver


def _script():
    import streamlit as st

    from geo.basemaps import Basemap
    from ui import frame

    frame.sidebar()
    chosen, _ = frame.effective_basemap()
    if isinstance(chosen, Basemap):
        st.write(f"tiles={chosen.tiles[0]} local={chosen.local} max={chosen.max_native_zoom}")
    else:
        st.write(f"tiles=none:{chosen}")


def _run(store, monkeypatch, **env) -> AppTest:
    monkeypatch.setenv("JINYUN_STORE", str(store))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_function(_script, default_timeout=240).run()
    assert not at.exception, at.exception
    return at


def test_the_hillshade_is_the_default_and_built_under_static(store_copy, monkeypatch):
    at = _run(store_copy, monkeypatch)
    assert at.selectbox(key="basemap").value == "hillshade"
    out = at.markdown[0].value
    assert out.startswith("tiles=/app/static/basemap/hillshade-") and "local=True" in out
    folder = out.split("/app/static/", 1)[1].split("/{z}", 1)[0]
    assert (settings.PROJECT_DIR / "static" / folder / "metadata.json").exists()
    assert "无底图（离线）" in at.selectbox(key="basemap").options  # options as labelled


def test_a_store_without_a_dem_shows_no_basemap_and_says_why(store_copy, monkeypatch):
    settings.dem_path(store_copy).unlink()
    at = _run(store_copy, monkeypatch)
    assert at.markdown[0].value == "tiles=none:none"
    assert [i.value for i in at.info] == [i18n.t("basemap.no_dem")]


def test_a_supplied_basemap_is_offered_by_name_and_forgotten_once_removed(store_copy, tmp_path,
                                                                          monkeypatch):
    tileserver.routes()  # this process serves the tiles, as asgi.py makes it
    folder = tmp_path / "basemaps"
    folder.mkdir()
    path = write_mbtiles(folder / "县 影像.mbtiles", tiles_over(zooms=[9, 10]))
    sid = tilesources.source_id(path.name)
    at = _run(store_copy, monkeypatch, JINYUN_BASEMAPS=str(folder))
    box = at.selectbox(key="basemap")
    assert box.options[-1] == "本地底图：县 影像.mbtiles"
    box.set_value(f"user:{sid}").run()
    assert at.markdown[0].value == f"tiles=/basemap/{sid}/{{z}}/{{x}}/{{y}} local=True max=10"
    path.unlink()
    import streamlit as st

    st.cache_data.clear()  # the listing is kept 30 s
    # a session that still remembers the removed file's choice
    again = AppTest.from_function(_script, default_timeout=240)
    again.session_state["basemap"] = f"user:{sid}"
    again.run()
    assert not again.exception
    assert again.selectbox(key="basemap").value == "hillshade"
    assert again.markdown[0].value.startswith("tiles=/app/static/basemap/hillshade-")

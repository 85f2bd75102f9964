"""The basemaps offered in the sidebar that the app serves itself: the hillshade of the
store's DEM (built once per content into ``static/basemap/``) and the supplied ones."""

from __future__ import annotations

import logging
import os

import streamlit as st

from geo import basemaps, hillshade, settings, tilesources
from geo.basemaps import Basemap
from layers.assets import URL_PREFIX
from ui import data, state, tileserver

logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=4)
def _hillshade(dem: str, dem_mtime: float, store_key: str) -> tuple[str, dict] | None:
    current = data.current()
    roads = current.get("roads")
    water = hillshade.water_of(current.get("constraints"))
    key = hillshade.content_key(dem, roads=roads, water=water)
    folder = settings.BASEMAP_TILES_DIR / f"hillshade-{key}"
    try:
        hillshade.build_tiles(dem, folder, roads=roads, water=water)
        os.utime(folder)  # in use again: the pruning below keeps the recently used ones
        hillshade.prune(settings.BASEMAP_TILES_DIR, folder)
    except (ValueError, OSError) as exc:  # rasterio's errors are OSError or ValueError
        logger.warning("hillshade from %s not built: %s", dem, exc)
        return None
    rel = folder.relative_to(settings.PROJECT_DIR / "static").as_posix()
    return f"{URL_PREFIX}{rel}/{{z}}/{{x}}/{{y}}.png", hillshade.metadata(folder) | {
        "folder": str(folder)}


def hillshade_basemap() -> Basemap | None:
    """The hillshade of the store's DEM, built on first use; ``None`` (with a note) when the
    store has none or it cannot be drawn."""
    dem = settings.dem_path(data.store_path())
    if not dem.exists():
        st.info(state.t("basemap.no_dem"))
        return None
    with st.spinner(state.t("basemap.building")):
        built = _hillshade(str(dem), os.stat(dem).st_mtime, data.current().key)
    if built is None:
        st.info(state.t("basemap.dem_unusable"))
        return None
    url, meta = built
    return Basemap(basemaps.HILLSHADE, (url,), state.t("basemap.hillshade_attr"), local=True,
                   min_native_zoom=meta["minzoom"], max_native_zoom=meta["maxzoom"],
                   bounds=tuple(meta["bounds"]), folder=meta["folder"])


@st.cache_data(ttl=30, show_spinner=False)
def _sources(folder: str) -> list[tilesources.TileSource]:
    return tilesources.list_sources(folder)


def supplied() -> dict[str, tilesources.TileSource]:
    """The supplied basemaps by choice key (``user:<id>``); none unless this server serves
    their tiles (:mod:`ui.tileserver`)."""
    if not tileserver.serving():
        return {}
    return {basemaps.USER_PREFIX + s.id: s for s in _sources(str(settings.basemaps_dir()))}


def supplied_basemap(choice: str) -> Basemap | None:
    source = supplied().get(choice)
    if source is None:
        st.info(state.t("basemap.user_missing"))
        return None
    attribution = source.attribution or state.t("basemap.user_attr", name=source.name)
    return Basemap(choice, (tileserver.url_template(source.id),), attribution, local=True,
                   min_native_zoom=source.min_zoom, max_native_zoom=source.max_zoom,
                   bounds=source.bounds)


def label(choice: str) -> str:
    """The sidebar's label of a choice (a supplied basemap by its file or folder name)."""
    if choice.startswith(basemaps.USER_PREFIX):
        source = supplied().get(choice)
        return state.t("basemap.user", name=source.name if source else "?")
    return state.t(f"basemap.{choice}")


def for_print(choice: str) -> Basemap | None:
    """The basemap a printed sheet draws for ``choice``: the hillshade from its tiles on disk,
    OSM or 天地图 over the network; a supplied basemap is not printed."""
    if choice == basemaps.HILLSHADE:
        return hillshade_basemap()
    return basemaps.BASEMAPS.get(choice)

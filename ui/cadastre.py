"""Vector tiles of a large store's parcels, built once per parcel content.

The tiles go to ``static/tiles/<content key>/`` (gitignored), which Streamlit
serves at ``/app/static/tiles/<content key>/{z}/{x}/{y}.pbf``. An edit that
changes a parcel's lifecycle, town or shape gives a new key and new tiles;
other edits keep the tiles.
"""

from __future__ import annotations

import streamlit as st

from geo import cadastre, settings
from layers.assets import URL_PREFIX
from ui import data


@st.cache_resource(show_spinner=False, max_entries=4)
def _tiles_url(store_key: str) -> str:
    current = data.current()
    parcels = current["parcels"]
    key = cadastre.content_key(parcels)
    if current.is_team:  # made by PostGIS from its own table
        cadastre.build_tiles_postgis(current.location, parcels, settings.TILES_DIR / key)
    else:
        cadastre.build_tiles(parcels, settings.TILES_DIR / key)
    rel = settings.TILES_DIR.relative_to(settings.PROJECT_DIR / "static").as_posix()
    return f"{URL_PREFIX}{rel}/{key}/{{z}}/{{x}}/{{y}}.pbf"


def parcel_tiles_url() -> str:
    """URL template of the current store's parcel tiles (built on first use)."""
    return _tiles_url(data.current().key)

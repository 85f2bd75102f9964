"""Showing folium maps in a page."""

from __future__ import annotations

import copy

import folium
from streamlit_folium import st_folium

from layers import assets


def show(m: folium.Map, *, key: str, returned_objects: list[str] | None = None,
         height: int = 640, **kwargs):
    """Render ``m`` with streamlit-folium, asking only for ``returned_objects`` (default none,
    so pan and zoom never rerun the page).

    st_folium rewrites the map it is given while rendering it, so a map that is
    cached across reruns or sessions is copied first; the copy costs about a
    third of building the map again.
    """
    m = assets.localize(copy.deepcopy(m))
    return st_folium(m, key=key, returned_objects=returned_objects or [], height=height,
                     use_container_width=True, **kwargs)

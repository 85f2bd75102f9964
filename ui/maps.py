"""Showing folium maps in a page, with the export of the map shown under it."""

from __future__ import annotations

import copy

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers import assets
from layers.printable import bounds_to_bbox
from ui import snapshot as snapshots


def show(m: folium.Map, *, key: str, returned_objects: list[str] | None = None,
         height: int = 640, export: snapshots.Snapshot | None = None, **kwargs):
    """Render ``m`` with streamlit-folium, asking only for ``returned_objects`` (default none,
    so pan and zoom never rerun the page), and with ``export`` the panel that prints it.

    st_folium rewrites the map it is given while rendering it, so the map is
    copied first (a map cached across reruns or sessions would otherwise come
    out blank); the copy costs about a third of building the map again. The
    export reads the untouched original.
    """
    wanted = list(returned_objects or [])
    follow = export is not None and snapshots.follows_view(key)
    if follow and "bounds" not in wanted:
        wanted.append("bounds")
    shown = assets.localize(copy.deepcopy(m))
    # streamlit-folium fixes what its map reports when the map first draws, so following
    # the view is another component (a fresh map); its value is mirrored under ``key``,
    # where the page reads it (the drawings of the assessment map, say).
    component_key = f"{key}.view" if follow else key
    if follow:
        kwargs["on_change"] = lambda: st.session_state.__setitem__(
            key, st.session_state.get(component_key))
    result = st_folium(shown, key=component_key, returned_objects=wanted, height=height,
                       use_container_width=True, **kwargs)
    if export is not None:
        bbox = bounds_to_bbox((result or {}).get("bounds")) if follow else None
        snapshots.panel(m, key=key, snap=export, bbox=bbox)
    return result

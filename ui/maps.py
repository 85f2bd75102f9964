"""Showing folium maps in a page, with the export of the map shown under it."""

from __future__ import annotations

import copy
import hashlib
import os
import threading
import weakref
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from geo.maps import MapDescription
from layers import assets, render
from ui import snapshot as snapshots
from ui import state

MAPS_DIR = settings.PROJECT_DIR / "static" / "maps"
KEEP_PUBLISHED = 32
_published: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def publish(html: str, folder: Path = MAPS_DIR, *, url_base: str = f"{assets.URL_PREFIX}maps/",
            keep: int = KEEP_PUBLISHED) -> tuple[str, Path]:
    """Write a map page under ``static/maps`` named by its content; returns its URL and path.

    A content-named file never changes, so the browser's cache serves it again on
    the next visit; the oldest files beyond ``keep`` are removed.
    """
    data = html.encode("utf-8")
    path = folder / (hashlib.sha256(data).hexdigest()[:20] + ".html")
    if path.exists():
        path.touch()  # recently used: kept by the pruning below
    else:
        folder.mkdir(parents=True, exist_ok=True)
        # one temporary name per thread: two sessions may publish the same map at once
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        old = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
        for stale in old:
            stale.unlink(missing_ok=True)
    return f"{url_base}{path.name}", path


def published_url(m: folium.Map) -> str:
    """URL of ``m`` as a static page, rendered once per map object (a cached map is
    rendered on its first view only, and again if its file was pruned)."""
    known = _published.get(m)
    if known is None or not known[1].exists():
        html = assets.localize(copy.deepcopy(m)).get_root().render()
        known = _published[m] = publish(html)
    return known[0]


def show(desc: MapDescription, *, key: str, m: folium.Map | None = None,
         basemap: tuple[str, str | None] = ("none", None),
         returned_objects: list[str] | None = None,
         height: int = 640, export: snapshots.Snapshot | None = None, static: bool = False,
         **kwargs):
    """Draw the map ``desc`` (or ``m``, already drawn from it: a cached map, or one with a
    drawing tool) on ``basemap`` (name and key: :func:`ui.frame.effective_basemap`) with
    streamlit-folium, asking only for ``returned_objects`` (default none,
    so pan and zoom never rerun the page), and with ``export`` the panel that prints it.
    ``on_change`` runs when the map reports something new; the map's value is then
    ``st.session_state[key]``.

    ``static`` (for a map cached across runs that asks nothing back) serves the
    map as a static page in an iframe instead: no per-run rendering on the
    server, no megabyte through the WebSocket, and the browser caches it.

    st_folium rewrites the map it is given while rendering it, so the map is
    copied first (a map cached across reruns or sessions would otherwise come
    out blank); the copy costs about a third of building the map again. The
    export reads the untouched original.
    """
    on_change = kwargs.pop("on_change", None)
    if m is None:
        m = render.folium_map(desc, lang=state.lang(), basemap=basemap[0], api_key=basemap[1])
    wanted = list(returned_objects or [])
    follow = export is not None and snapshots.follows_view(key)
    if follow and "bounds" not in wanted:
        wanted.append("bounds")
    if static and not wanted:
        st.iframe(published_url(m), height=height)
        result = None
    else:
        shown = assets.localize(copy.deepcopy(m))
        # streamlit-folium fixes what its map reports when the map first draws, so
        # following the view is another component (a fresh map); its value is mirrored
        # under ``key``, where the page reads it (the assessment map's drawings, say).
        component_key = f"{key}.view" if follow else key
        if follow:
            def mirrored():
                st.session_state[key] = st.session_state.get(component_key)
                if on_change is not None:
                    on_change()
            kwargs["on_change"] = mirrored
        elif on_change is not None:
            kwargs["on_change"] = on_change
        result = st_folium(shown, key=component_key, returned_objects=wanted, height=height,
                           use_container_width=True, **kwargs)
    if export is not None:
        bbox = snapshots.bounds_to_bbox((result or {}).get("bounds")) if follow else None
        snapshots.panel(desc, key=key, snap=export, bbox=bbox)
    return result

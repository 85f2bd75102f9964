"""Cached loaders: the only place pages get data from. Keys include the file's mtime,
so an edit or import shows at once."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from geo import basemaps, plan, settings, store


def store_path() -> Path:
    return settings.store_path()


def _mtime(path: Path) -> float:
    return os.stat(path).st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner=False, max_entries=4)
def _layers(path: str, mtime: float) -> dict:
    return store.read_all(path)


def layers() -> dict:
    """Every layer of the store (shared, read-only: copy before changing)."""
    path = store_path()
    return _layers(str(path), _mtime(path))


@st.cache_data(show_spinner=False)
def _meta(path: str, mtime: float) -> dict:
    return store.read_meta(path)


def meta() -> dict:
    path = store_path()
    return _meta(str(path), _mtime(path))


@st.cache_resource(show_spinner=False)
def _plan(path: str, mtime: float) -> plan.Plan:
    return plan.load_plan(path)


def current_plan() -> plan.Plan:
    path = settings.plan_path()
    return _plan(str(path), _mtime(path))


@st.cache_data(ttl=600, show_spinner=False)
def basemap_reachable(key: str, api_key: str | None) -> bool:
    provider = basemaps.BASEMAPS[key]
    return provider is not None and basemaps.reachable(provider.probe_url(api_key))

"""Cached loaders: the only place pages get data from.

The store is one :class:`geo.store.Store` value per location and version,
shared by every session; an edit or an import gives the file a new version,
so the next run reads it afresh.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import basemaps, figures, plan, settings, store


def store_path() -> Path | str:
    """The store's location: a GeoPackage path or a PostgreSQL URL."""
    return settings.store_location()


def _mtime(path: Path) -> float:
    return os.stat(path).st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner=False, max_entries=4)
def _store(location: str, version: str, plan_location: str, plan_mtime: float) -> store.Store:
    return store.Store(location, plan_path=plan_location).load()


def current() -> store.Store:
    """The store at its current version (shared, read-only: copy a frame before changing it)."""
    location = store_path()
    plan_location = settings.plan_path()
    return _store(str(location), store.version(location), str(plan_location),
                  _mtime(plan_location))


def layers() -> store.Store:
    """Every layer of the store: the :class:`~geo.store.Store` itself, a mapping of frames."""
    return current()


def meta() -> dict:
    return current().meta


def current_plan() -> plan.Plan:
    return current().plan


@st.cache_data(show_spinner=False, max_entries=32)
def _figures(store_key: str, as_of: pd.Timestamp | None) -> list[figures.Figure]:
    return figures.figures(current(), as_of=as_of)


def figures_as_of(as_of: pd.Timestamp | None, keys=None) -> list[figures.Figure]:
    """Every figure of the plan as of ``as_of`` (:func:`geo.figures.figures`), cached per
    store version; ``keys``: only those."""
    figs = _figures(current().key, as_of)
    return figs if keys is None else [f for f in figs if f.key in keys]


@st.cache_data(ttl=600, show_spinner=False)
def basemap_reachable(key: str, api_key: str | None) -> bool:
    provider = basemaps.BASEMAPS[key]
    return provider is not None and basemaps.reachable(provider.probe_url(api_key))


@st.cache_data(show_spinner=False, max_entries=8)
def _health(store_key: str) -> list:
    from geo import health

    return health.findings(current())


def health_findings() -> list:
    """What is missing or suspect in the store (:mod:`geo.health`), cached per version."""
    return _health(current().key)

"""Session state, each key owned here and initialised once."""

from __future__ import annotations

import streamlit as st

from geo import basemaps, i18n
from ui import ensure_navigation

LANG_KEY = "lang"
BASEMAP_KEY = "basemap"


def lang() -> str:
    """The interface language (``zh`` unless the user switched)."""
    ensure_navigation()
    return st.session_state.get(LANG_KEY, i18n.DEFAULT_LANG)


def basemap() -> str:
    """The chosen basemap key (the local hillshade by default: works offline)."""
    return st.session_state.get(BASEMAP_KEY, basemaps.DEFAULT)


def keep_basemap_within(choices: list[str]) -> None:
    """Forget a chosen basemap that is no longer offered (a supplied file removed)."""
    if st.session_state.get(BASEMAP_KEY, basemaps.DEFAULT) not in choices:
        st.session_state.pop(BASEMAP_KEY, None)


def t(key: str, **fmt: object) -> str:
    """Translate in the current language."""
    return i18n.t(key, lang(), **fmt)

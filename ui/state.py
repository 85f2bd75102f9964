"""Session state, each key owned here and initialised once."""

from __future__ import annotations

import streamlit as st

from geo import basemaps, i18n
from ui import ensure_navigation

LANG_KEY = "lang"
LANG_PARAM = "lang"
BASEMAP_KEY = "basemap"


def lang() -> str:
    """The interface language (``zh`` unless the user switched, or the link says ``?lang=en``)."""
    ensure_navigation()
    if LANG_KEY not in st.session_state:
        # a reload or a shared link starts a new session: the address carries the language
        asked = st.query_params.get(LANG_PARAM)
        st.session_state[LANG_KEY] = asked if asked in i18n.LANGS else i18n.DEFAULT_LANG
    return st.session_state[LANG_KEY]


def keep_lang_in_url() -> None:
    """Write the language into the address, so a reload or a copied link opens in it.

    Called on every run: Streamlit drops the query string when the planner moves to another
    page, and this puts it back on the new page's address.
    """
    current = lang()
    if current == i18n.DEFAULT_LANG:
        if LANG_PARAM in st.query_params:
            del st.query_params[LANG_PARAM]
    elif st.query_params.get(LANG_PARAM) != current:
        st.query_params[LANG_PARAM] = current


def link_params() -> dict[str, str]:
    """Query parameters for a link to another page (``st.page_link``): the language."""
    current = lang()
    return {} if current == i18n.DEFAULT_LANG else {LANG_PARAM: current}


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

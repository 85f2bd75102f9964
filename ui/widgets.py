"""Streamlit widgets with their built-in English texts replaced from the translation table."""

from __future__ import annotations

import functools

import streamlit as st

from ui import state


def multiselect(label: str, options, *, container=None, **kwargs):
    """``st.multiselect`` whose empty-box prompt is translated (Streamlit's is "Choose options")."""
    kwargs.setdefault("placeholder", state.t("app.choose"))
    return (container or st).multiselect(label, options, **kwargs)


def multiselect_in(container):
    """:func:`multiselect` in a column or other container: ``multiselect_in(col)(label, options)``."""
    return functools.partial(multiselect, container=container)

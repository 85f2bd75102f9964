"""Streamlit widgets with their built-in English texts replaced from the translation table."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from ui import state


def multiselect(label: str, options, *, container=None, **kwargs):
    """``st.multiselect`` whose empty-box prompt is translated (Streamlit's is "Choose options")."""
    kwargs.setdefault("placeholder", state.t("app.choose"))
    return (container or st).multiselect(label, options, **kwargs)


def multiselect_in(container):
    """:func:`multiselect` in a column or other container: ``multiselect_in(col)(label, options)``."""
    return functools.partial(multiselect, container=container)


# what an empty cell shows: Streamlit's own default is the English word "None"
EMPTY = "—"


def dataframe(data, *, container=None, **kwargs):
    """``st.dataframe`` whose empty cells show a dash instead of Streamlit's "None"."""
    kwargs.setdefault("placeholder", EMPTY)
    return (container or st).dataframe(data, **kwargs)


def dataframe_in(container):
    """:func:`dataframe` in a column or other container: ``dataframe_in(col)(frame)``."""
    return functools.partial(dataframe, container=container)


def data_editor(data, **kwargs):
    """``st.data_editor`` whose empty cells show a dash instead of "None"."""
    kwargs.setdefault("placeholder", EMPTY)
    return st.data_editor(data, **kwargs)


def chart(kind: str, wide, *, x: str, y: str, series: str, container=None, **kwargs):
    """A ``line`` or ``bar`` chart of ``wide`` (index: the x values, one column per series)
    whose axes, legend and tooltip name their fields by ``x``, ``y`` and ``series``.

    Given a wide frame, Streamlit's chart says "index", "value" and "color" in its tooltip;
    a long frame with named columns says what the planner reads.
    """
    frame = wide.to_frame() if isinstance(wide, pd.Series) else wide
    long = frame.rename_axis(x).reset_index().melt(id_vars=x, var_name=series, value_name=y)
    draw = getattr(container or st, f"{kind}_chart")
    return draw(long, x=x, y=y, color=series, **kwargs)

"""The map's search box: type a park, parcel ID, enterprise or credit code, platform or town;
the map opens on the feature with its name in a popup (:mod:`geo.search`)."""

from __future__ import annotations

import streamlit as st

from geo import search
from geo.maps import Focus
from ui import state


def focus_widget(layers, *, key: str) -> Focus | None:
    """The search box and, when it finds something, the pick among the results."""
    c1, c2 = st.columns([2, 3])
    query = c1.text_input(state.t("search.label"), key=key, placeholder=state.t("search.hint"))
    if not query.strip():
        return None
    hits = search.search(layers, query)
    if not hits:
        c2.caption(state.t("search.none", q=query))
        return None
    lang = state.lang()
    pick = c2.selectbox(state.t("search.results", n=len(hits)), range(len(hits)),
                        key=f"{key}.pick", format_func=lambda i: hits[i].title(lang))
    hit = hits[pick]
    return Focus(hit.bounds, hit.point, hit.title(lang))

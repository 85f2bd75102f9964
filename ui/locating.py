"""Locate enterprises without a point: through the parcels they hold, or by a click on the map.

Every write goes through :func:`geo.edits.place` (one transaction with its history rows, the
planner's rights checked there). Session keys owned: ``locate.*``.
"""

from __future__ import annotations

import pandas as pd
import shapely
import streamlit as st

from geo import edits, i18n, locate
from geo.errors import PlannerError
from geo.maps.locate import locate_map
from ui import auth, data, frame, maps, state, widgets

CLICK_KEY = "locate.clicked"   # (lon, lat) of the last click on the map
MESSAGE_KEY = "locate.message"


def _request(action: str) -> None:
    # a callback: the click survives the rerun that app.py's navigation may make
    st.session_state[f"locate.do.{action}"] = True


def _requested(action: str) -> bool:
    return bool(st.session_state.pop(f"locate.do.{action}", False))


def _write(placements, seen: dict | None = None) -> bool:
    """``placements``: rows found through parcels, or {enterprise id: point} clicked."""
    try:
        if isinstance(placements, dict):
            edits.place(data.store_path(), "enterprises", placements, user=auth.user(),
                        expected_versions=seen)
        else:
            locate.place_found(data.store_path(), placements, user=auth.user())
    except PlannerError as exc:
        st.error(exc.text(state.lang()))
        return False
    st.session_state[MESSAGE_KEY] = state.t("locate.placed", n=len(placements))
    st.session_state.pop(CLICK_KEY, None)
    return True


def _label(column: str) -> str:
    return i18n.column_label(column, state.lang())


def _table(found: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        state.t("col.feature_id"): found["enterprise_id"],
        _label("name"): found["name"], _label("uscc"): found["uscc"],
        state.t("locate.col.how"): [state.t(f"locate.how.{h}") for h in found["how"]],
        _label("parcel_id"): found["parcel_id"],
        state.t("locate.col.holder"): found["holder"]})


def _through_parcels(found: locate.Located) -> None:
    """The sure matches in one click; the normalised ones ticked one by one."""
    if len(found.matched):
        st.markdown(f"**{state.t('locate.matched', n=len(found.matched))}**")
        widgets.dataframe(_table(found.matched), hide_index=True, use_container_width=True)
        st.button(state.t("locate.apply_matched", n=len(found.matched)), key="locate.apply",
                  on_click=_request, args=("apply",))
        if _requested("apply") and _write(found.matched):
            st.rerun()
    if len(found.to_confirm):
        st.markdown(f"**{state.t('locate.to_confirm', n=len(found.to_confirm))}**")
        table = _table(found.to_confirm)
        confirm = state.t("locate.col.confirm")
        table.insert(0, confirm, False)
        edited = widgets.data_editor(table, hide_index=True, use_container_width=True,
                                key="locate.confirm_table",
                                disabled=[c for c in table.columns if c != confirm])
        chosen = found.to_confirm[edited[confirm].to_numpy(dtype=bool)]
        if len(chosen):
            st.button(state.t("locate.confirm_selected", n=len(chosen)), key="locate.confirm",
                      on_click=_request, args=("confirm",))
        if _requested("confirm") and len(chosen) and _write(chosen):
            st.rerun()


def _by_click(todo: pd.DataFrame) -> None:
    names = dict(zip(todo["enterprise_id"], todo["name"], strict=True))
    eid = st.selectbox(state.t("locate.pick"), list(names), key="locate.pick",
                       format_func=lambda i: f"{names[i]}（{i}）")
    st.caption(state.t("locate.click_hint"))
    clicked = st.session_state.get(CLICK_KEY)
    desc = locate_map(data.layers(), lang=state.lang(), clicked=clicked)
    result = maps.show(desc, key="locate.map", basemap=frame.effective_basemap(),
                       returned_objects=["last_clicked"], height=480)
    click = (result or {}).get("last_clicked")
    if click and (click["lng"], click["lat"]) != clicked:
        # kept here: the map drawn again with its marker may report no click
        st.session_state[CLICK_KEY] = (click["lng"], click["lat"])
        st.rerun()
    if clicked is None:
        return
    st.markdown(state.t("locate.clicked", lon=f"{clicked[0]:.5f}", lat=f"{clicked[1]:.5f}"))
    seen_key = f"locate.seen.{eid}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = edits.feature_version(data.layers().audit, "enterprises",
                                                           eid)
    st.button(state.t("locate.place"), key="locate.place", type="primary", on_click=_request,
              args=("place",))
    if _requested("place"):
        point = shapely.Point(*clicked)
        if _write({eid: point}, seen={eid: st.session_state[seen_key]}):
            st.session_state.pop(seen_key, None)
            st.rerun()


@st.cache_data(show_spinner=False, max_entries=4)
def _found(store_key: str) -> locate.Located:
    """:func:`geo.locate.locate` of the unlocated enterprises, once per store version."""
    layers = data.layers()
    return locate.locate(locate.unlocated_enterprises(layers.enterprises), layers.parcels)


def section() -> None:
    """The 'locate enterprises' part of the data health page."""
    st.subheader(state.t("locate.heading"))
    st.caption(state.t("locate.intro"))
    if MESSAGE_KEY in st.session_state:
        st.success(st.session_state.pop(MESSAGE_KEY))
    layers = data.layers()
    todo = locate.unlocated_enterprises(layers.enterprises)
    if todo.empty:
        st.success(state.t("locate.none_left"))
        return
    if not auth.user().can_edit:
        st.info(state.t("auth.viewer_note"))
        return
    _through_parcels(_found(layers.key))
    _by_click(todo)

"""The edit form: change one field of one feature, with the feature's history beneath.

Usage in a page::

    from ui import edit
    edit.show("parks", parks_table["park_id"].tolist(), key="parks")

The write goes through :func:`geo.edits.apply_edit` (one transaction with its
audit row). A refused value shows the reason and writes nothing. After a
successful save the page reruns, so the map and figures, cached by the store
file's modification time (:mod:`ui.data`), show the change at once.
Session keys owned: ``<key>.edit.*``.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import streamlit as st

from geo import edits, i18n, schema
from geo.errors import PlannerError
from ui import auth, data, state


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.strftime("%Y-%m-%d")
    return str(value)


def _shown_value(layer: str, field: str, value) -> str:
    """An audit value as a planner reads it: status labels instead of codes, 是/否 for flags."""
    text = _text(value)
    f = schema.LAYERS[layer].get(field) if field in schema.LAYERS[layer].field_names else None
    if f is None or not text:
        return text
    if f.enum and text in schema.ENUMS[f.enum]:
        return i18n.enum_label(f.enum, text, state.lang())
    if f.dtype == "bool":
        return i18n.bool_label(text in ("1", "True", "true"), state.lang())
    return text


def col_label(column: str) -> str:
    """A column's label in the planner's language (:func:`geo.i18n.column_label`)."""
    return i18n.column_label(column, state.lang())


def _value_widget(layer: str, field: str, current, key: str):
    f = schema.LAYERS[layer].get(field)
    if f.enum:
        codes = list(schema.ENUMS[f.enum])
        index = codes.index(current) if current in codes else 0
        return st.selectbox(state.t("edit.value"), codes, index=index, key=key,
                            format_func=lambda c: i18n.enum_label(f.enum, c, state.lang()))
    if f.dtype == "bool":
        return st.checkbox(state.t("edit.value"), value=bool(current), key=key)
    return st.text_input(state.t("edit.value"), value=_text(current), key=key,
                         help=state.t("edit.value_help"))


def show(layer: str, feature_ids: list[str], *, key: str) -> None:
    """Draw the form for ``layer`` over ``feature_ids`` and the chosen feature's history."""
    layers = data.layers()
    table = layers[layer]
    id_col = schema.LAYERS[layer].key
    msg_key = f"{key}.edit.message"
    if msg_key in st.session_state:
        st.success(st.session_state.pop(msg_key))
    if not feature_ids:
        return
    if not auth.user().can_edit:
        st.info(state.t("auth.viewer_note"))
        return
    names = dict(zip(table[id_col], table["name_zh"], strict=True)) if "name_zh" in table else {}
    c1, c2, c3 = st.columns(3)
    fid = c1.selectbox(state.t("edit.feature"), feature_ids, key=f"{key}.edit.feature",
                       format_func=lambda i: f"{i} {names.get(i, '')}".strip())
    field = c2.selectbox(state.t("edit.field"), list(edits.EDITABLE[layer]),
                         key=f"{key}.edit.field", format_func=col_label)
    current = table.loc[table[id_col] == fid, field].iloc[0]
    with c3:
        value = _value_widget(layer, field, current, key=f"{key}.edit.value.{fid}.{field}")
    u1, u2 = st.columns(2)
    user = auth.user()  # the signed-in planner: the history names them, geo checks their rights
    u1.text_input(state.t("edit.user"), value=user.label, key=f"{key}.edit.user.{user.name}",
                  disabled=True)
    today = dt.datetime.now(dt.UTC).date()
    effective = u2.date_input(state.t("edit.effective"), value=today, max_value=today,
                              key=f"{key}.edit.effective", help=state.t("edit.effective_help"))
    # the version of the feature when this planner first saw it: a save on top of someone
    # else's later change is refused rather than overwriting it
    seen_key = f"{key}.edit.seen.{layer}.{fid}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = edits.feature_version(layers["audit"], layer, fid)
    if st.button(state.t("edit.save"), key=f"{key}.edit.save", type="primary"):
        try:
            rows = edits.apply_edit(data.store_path(), layer, fid, {field: value}, user=user,
                                    effective=effective,
                                    expected_version=st.session_state[seen_key])
        except edits.StaleEditError as exc:
            st.error(exc.text(state.lang()))
            st.button(state.t("edit.reload"), key=f"{key}.edit.reload",
                      on_click=st.session_state.pop, args=(seen_key, None))
        except PlannerError as exc:
            st.error(state.t("edit.refused_with", reason=exc.text(state.lang())))
        else:
            st.session_state.pop(seen_key, None)
            if rows.empty:
                st.info(state.t("edit.unchanged"))
            else:
                r = rows.iloc[0]
                st.session_state[msg_key] = state.t("edit.saved", field=col_label(field),
                                                    old=_shown_value(layer, field, r["old_value"]) or "∅",
                                                    new=_shown_value(layer, field, r["new_value"]) or "∅")
                st.rerun()
    st.markdown(f"**{state.t('edit.history')}**")
    hist = edits.history(layers["audit"], layer, fid)
    if hist.empty:
        st.caption(state.t("edit.no_history"))
    else:
        cols = ["at", "effective", "user", "field", "old_value", "new_value", "batch"]
        shown = hist.reindex(columns=cols).copy()
        shown["at"] = edits.beijing_time(hist["at"])
        shown["effective"] = pd.to_datetime(hist.get("effective"), errors="coerce").dt.strftime(
            "%Y-%m-%d").fillna("")
        shown["batch"] = shown["batch"].fillna("")
        for col in ("old_value", "new_value"):
            shown[col] = [_shown_value(layer, f, v) for f, v in zip(hist["field"], hist[col], strict=True)]
        shown["field"] = hist["field"].map(col_label)
        st.table(shown.rename(columns=col_label).set_index(col_label("at")))

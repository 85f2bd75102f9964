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

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import accounts, edits, i18n, outline, schema, units
from geo.errors import PlannerError
from geo.settings import STORAGE_CRS
from ui import auth, data, state


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.strftime("%Y-%m-%d")
    return str(value)


def outline_text(wkt) -> str:
    """An outline kept in the history as a planner reads it: its area, not its coordinates."""
    mu = outline.area_of_wkt(_text(wkt))
    return "" if mu is None else state.t("outline.value", mu=f"{mu:,.2f}")


def _shown_value(layer: str, field: str, value) -> str:
    """An audit value as a planner reads it: status labels instead of codes, 是/否 for flags."""
    if field == outline.FIELD:
        return outline_text(value)
    text = _text(value)
    f = schema.LAYERS[layer].get(field) if field in schema.LAYERS[layer].field_names else None
    if f is None or not text:
        return text
    if f.enum and text in schema.ENUMS[f.enum]:
        return i18n.enum_label(f.enum, text, state.lang())
    if f.dtype == "bool":
        return i18n.bool_label(text in ("1", "True", "true"), state.lang())
    return text


def user_name(name: str) -> str:
    """A planner's name as the history shows it; the no-sign-in user in the reader's language."""
    return state.t("auth.local_name") if name == accounts.LOCAL_USER else name


def col_label(column: str) -> str:
    """A column's label in the planner's language (:func:`geo.i18n.column_label`)."""
    return i18n.column_label(column, state.lang())


def _value_widget(layer: str, field: str, current, key: str, label: str | None = None):
    f = schema.LAYERS[layer].get(field)
    label = label or state.t("edit.value")
    if f.enum:
        codes = list(schema.ENUMS[f.enum])
        index = codes.index(current) if current in codes else 0
        return st.selectbox(label, codes, index=index, key=key,
                            format_func=lambda c: i18n.enum_label(f.enum, c, state.lang()))
    if f.dtype == "bool":
        return st.checkbox(label, value=bool(current), key=key)
    return st.text_input(label, value=_text(current), key=key, help=state.t("edit.value_help"))


def _saved(write, *, seen_key: str, reload_key: str) -> pd.DataFrame | None:
    """Run ``write`` (an edit) and return the history rows it wrote; when it is refused, say
    why (after someone else's change, with a button to reload first) and return None."""
    try:
        rows = write()
    except edits.StaleEditError as exc:
        st.error(exc.text(state.lang()))
        st.button(state.t("edit.reload"), key=reload_key, on_click=st.session_state.pop,
                  args=(seen_key, None))
        return None
    except PlannerError as exc:
        st.error(state.t("edit.refused_with", reason=exc.text(state.lang())))
        return None
    st.session_state.pop(seen_key, None)
    return rows


def _differs(value, stored) -> bool:
    """Whether a form's value changes the stored one (a flag read as a flag, text as text)."""
    if isinstance(value, bool):
        return pd.isna(stored) or bool(stored) != value
    return _text(value).strip() != _text(stored)


def quick_form(layer: str, feature_id: str | None, *, key: str) -> None:
    """Every editable field of the selected feature in one form, saved together: the same
    validation, version check and history as :func:`show` (one history row per changed
    field), for the planner who has just clicked the feature on the map."""
    if feature_id is None or not auth.user().can_edit:
        return
    layers = data.layers()
    table, id_col = layers[layer], schema.LAYERS[layer].key
    row = table.loc[table[id_col].astype(str) == str(feature_id)]
    if row.empty:
        return
    row = row.iloc[0]
    seen_key = f"{key}.quick.seen.{layer}.{feature_id}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = edits.feature_version(layers["audit"], layer, feature_id)
    msg_key = f"{key}.quick.message"
    if msg_key in st.session_state:
        st.success(st.session_state.pop(msg_key))
    name = row.get("name_zh", "") if "name_zh" in row.index else ""
    fields = list(edits.EDITABLE[layer])
    with st.form(f"{key}.quick.{feature_id}", border=True):
        st.markdown(f"**{state.t('edit.quick', id=feature_id, name=name or '')}**")
        values = {}
        for start in range(0, len(fields), 3):
            for col, field in zip(st.columns(3), fields[start:start + 3], strict=False):
                with col:
                    values[field] = _value_widget(layer, field, row[field],
                                                  key=f"{key}.quick.{feature_id}.{field}",
                                                  label=col_label(field))
        saved = st.form_submit_button(state.t("edit.quick_save"), type="primary")
    if not saved:
        return
    changed = {f: v for f, v in values.items() if _differs(v, row[f])}
    if not changed:
        st.info(state.t("edit.unchanged"))
        return
    rows = _saved(lambda: edits.apply_edit(data.store_path(), layer, feature_id, changed,
                                           user=auth.user(),
                                           expected_version=st.session_state[seen_key]),
                  seen_key=seen_key, reload_key=f"{key}.quick.reload")
    if rows is not None:
        st.session_state[msg_key] = "；".join(
            state.t("edit.saved", field=col_label(r.field),
                    old=_shown_value(layer, r.field, r.old_value) or "∅",
                    new=_shown_value(layer, r.field, r.new_value) or "∅")
            for r in rows.itertuples())
        st.rerun()


def _follow_selection(key: str, feature_ids: list[str], selected: str | None) -> None:
    """Open the form on the feature selected on the map or in the table, once per selection
    (the planner may still pick another feature in the form)."""
    synced = f"{key}.edit.synced"
    if selected is not None and selected in feature_ids and st.session_state.get(synced) != selected:
        st.session_state[f"{key}.edit.feature"] = selected
    st.session_state[synced] = selected


def show(layer: str, feature_ids: list[str], *, key: str, selected: str | None = None,
         on_pick=None) -> None:
    """Draw the form for ``layer`` over ``feature_ids`` and the chosen feature's history.

    ``selected``: the feature selected on the page's map or table, which the form opens
    on; ``on_pick(feature_id)`` is called when the planner picks another one in the form."""
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
    _follow_selection(key, feature_ids, selected)
    c1, c2, c3 = st.columns(3)
    picked = (lambda: on_pick(st.session_state[f"{key}.edit.feature"])) if on_pick else None
    fid = c1.selectbox(state.t("edit.feature"), feature_ids, key=f"{key}.edit.feature",
                       format_func=lambda i: f"{i} {names.get(i, '')}".strip(), on_change=picked)
    field = c2.selectbox(state.t("edit.field"), list(edits.EDITABLE[layer]),
                         key=f"{key}.edit.field", format_func=col_label)
    current = table.loc[table[id_col] == fid, field].iloc[0]
    with c3:
        value = _value_widget(layer, field, current, key=f"{key}.edit.value.{fid}.{field}")
    u1, u2 = st.columns(2)
    user = auth.user()  # the signed-in planner: the history names them, geo checks their rights
    u1.text_input(state.t("edit.user"), value=user_name(user.label), key=f"{key}.edit.user.{user.name}",
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
        rows = _saved(lambda: edits.apply_edit(data.store_path(), layer, fid, {field: value},
                                               user=user, effective=effective,
                                               expected_version=st.session_state[seen_key]),
                      seen_key=seen_key, reload_key=f"{key}.edit.reload")
        if rows is not None and rows.empty:
            st.info(state.t("edit.unchanged"))
        elif rows is not None:  # (None: refused, and _saved has said why)
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
        shown["user"] = shown["user"].map(user_name)
        for col in ("old_value", "new_value"):
            shown[col] = [_shown_value(layer, f, v) for f, v in zip(hist["field"], hist[col], strict=True)]
        shown["field"] = hist["field"].map(col_label)
        st.table(shown.rename(columns=col_label).set_index(col_label("at")))



def outline_on(key: str, feature_id: str | None) -> bool:
    """Whether the page's map shows ``feature_id``'s outline for reshaping (the toggle of
    :func:`outline_panel`, read before the map is drawn)."""
    return feature_id is not None and bool(st.session_state.get(f"{key}.outline.on", False)) \
        and auth.user().can_edit


def _save_outline(layer: str, feature_id: str, drawn, key: str, seen_key: str,
                  areas: tuple[float, float]) -> None:
    """The save button's callback (it may switch the toggle off, which the page cannot once
    the toggle is drawn); what happened is left in the session for the panel to say."""
    try:
        rows = outline.apply_outline_edit(data.store_path(), layer, feature_id, drawn,
                                          user=auth.user(),
                                          expected_version=st.session_state.get(seen_key))
    except edits.StaleEditError as exc:
        st.session_state[f"{key}.outline.error"] = (exc.text(state.lang()), True)
    except PlannerError as exc:
        st.session_state[f"{key}.outline.error"] = (
            state.t("edit.refused_with", reason=exc.text(state.lang())), False)
    else:
        st.session_state.pop(seen_key, None)
        if len(rows):
            st.session_state[f"{key}.outline.message"] = state.t(
                "outline.saved", id=feature_id, old=f"{areas[0]:,.2f}", new=f"{areas[1]:,.2f}")
        st.session_state[f"{key}.outline.on"] = False


def outline_panel(layer: str, feature_id: str | None, *, key: str, map_key: str) -> None:
    """Reshape the selected feature's outline on the map above: the toggle, and once Leaflet's
    "save" has been pressed the old and new areas and the button that writes the new outline
    (validated, version-checked, with its history row keeping the old outline)."""
    if feature_id is None or layer not in outline.EDITABLE or not auth.user().can_edit:
        return
    if f"{key}.outline.message" in st.session_state:
        st.success(st.session_state.pop(f"{key}.outline.message"))
    layers = data.layers()
    seen_key = f"{key}.outline.seen.{feature_id}"
    if not st.toggle(state.t("outline.toggle"), key=f"{key}.outline.on",
                     help=state.t("outline.toggle_help")):
        st.session_state.pop(seen_key, None)
        return
    if seen_key not in st.session_state:
        st.session_state[seen_key] = edits.feature_version(layers["audit"], layer, feature_id)
    error = st.session_state.pop(f"{key}.outline.error", None)
    if error is not None:
        st.error(error[0])
        if error[1]:  # someone else changed it: reload before saving on top of it
            st.button(state.t("edit.reload"), key=f"{key}.outline.reload",
                      on_click=st.session_state.pop, args=(seen_key, None))
    id_col = schema.LAYERS[layer].key
    stored = layers[layer].loc[layers[layer][id_col].astype(str) == str(feature_id)]
    drawn = outline.from_geojson((st.session_state.get(map_key) or {}).get("all_drawings") or [])
    old = stored.geometry.iloc[0] if len(stored) else None
    if drawn is None or old is None or _same_outline(old, drawn):
        st.caption(state.t("outline.how"))
        return
    areas = (outline.area_of_wkt(old.wkt), outline.area_of_wkt(drawn.wkt))
    st.info(state.t("outline.changed", id=feature_id, old=f"{areas[0]:,.2f}",
                    new=f"{areas[1]:,.2f}"))
    st.button(state.t("outline.save"), key=f"{key}.outline.save", type="primary",
              on_click=_save_outline, args=(layer, feature_id, drawn, key, seen_key, areas))


def _same_outline(a, b, tolerance_m2: float = 0.5) -> bool:
    """Whether two lon/lat outlines are the same to half a square metre (Leaflet rounds)."""
    pair = units.to_metric(gpd.GeoSeries([a, b], crs=STORAGE_CRS))
    return pair.iloc[0].symmetric_difference(pair.iloc[1]).area < tolerance_m2

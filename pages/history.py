"""History: every change of the county's data (edits and imports), filtered; undo one or a batch."""

import pandas as pd
import streamlit as st

from geo import edits
from geo.errors import PlannerError
from ui import auth, data, edit, state, tracking, widgets

lang = state.lang()
t = state.t
audit = data.current().audit
st.title(t("history.heading"))
st.caption(t("history.intro"))

c1, c2, c3, c4 = st.columns(4)
users = widgets.multiselect_in(c1)(t("col.user"), sorted(audit["user"].dropna().unique()),
                                  key="history.users", format_func=edit.user_name)
layer = c2.selectbox(t("history.layer"), ["", *sorted(audit["layer"].dropna().unique())],
                     key="history.layer",
                     format_func=lambda n: t(f"import.layer.{n}") if n else t("history.all"))
feature = c3.text_input(t("history.feature"), key="history.feature").strip()
since = c4.date_input(t("history.since"), value=None, key="history.since")

rows = edits.history_since(audit, since=since, layer=layer or None, feature_id=feature or None)
if users:
    rows = rows[rows["user"].isin(users)]
st.caption(t("history.count", n=len(rows)))
shown = rows.assign(at=edits.beijing_time(rows["at"]),
                    effective=pd.to_datetime(rows["effective"], errors="coerce").dt.strftime(
                        "%Y-%m-%d").fillna(""),
                    batch=rows["batch"].fillna(""), user=rows["user"].map(edit.user_name))
# an outline change reads as its areas, not as a page of coordinates
is_outline = rows["field"] == "geometry"
for col in ("old_value", "new_value"):
    shown.loc[is_outline, col] = [edit.outline_text(v) for v in rows.loc[is_outline, col]]
widgets.dataframe(tracking.display(shown, ["audit_id", "at", "effective", "user", "layer", "feature_id",
                                      "field", "old_value", "new_value", "batch"], data.layers()),
             hide_index=True, height=360)

who = auth.user()  # an undo is a change made by the signed-in planner (geo checks who may)
if len(rows) and who.can_edit:
    st.subheader(t("history.undo"))
    u1, u2 = st.columns(2)
    one = u1.selectbox(t("history.one"), rows["audit_id"].tolist(), key="history.pick",
                       format_func=lambda i: f"#{i}")
    batches = sorted(b for b in rows["batch"].dropna().unique() if b)
    batch = u2.selectbox(t("history.batch"), ["", *batches], key="history.pick_batch",
                         format_func=lambda b: b or "—")
    b1, b2 = st.columns(2)
    todo = None
    if b1.button(t("history.undo_one"), key="history.undo_one"):
        todo = [one]
    if batch and b2.button(t("history.undo_batch"), key="history.undo_batch"):
        todo = audit.loc[audit["batch"] == batch, "audit_id"].tolist()
    if todo:
        try:
            written = edits.revert(data.store_path(), todo, user=who)
            st.success(t("history.undone", n=len(written)))
        except PlannerError as exc:
            st.error(exc.text(lang))

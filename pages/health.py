"""Data health: what is missing or suspect, with the features concerned and where to fix them."""

import streamlit as st

from geo import health
from ui import data, locating, state, widgets

t = state.t
st.title(t("health.heading"))
st.caption(t("health.intro"))
found = health.checks(data.current())
for check in found:
    mark = "⚠ " if check.count and check.figures else ("· " if check.count else "✓ ")
    title = f"{mark}{check.label.text(state.lang())}"
    if not check.count:
        st.markdown(title)
        continue
    with st.expander(title):
        widgets.dataframe({t("col.feature_id"): list(check.ids[:500])}, hide_index=True, height=200)
        st.page_link(f"pages/{check.page}.py", label=t("health.fix"), icon=":material/edit:",
                     query_params=state.link_params())
if not any(c.count for c in found):
    st.success(t("health.clean"))

st.divider()
locating.section()

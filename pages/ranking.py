"""Platform ranking 比学赶超: quarterly scores, red/yellow/blue flags, on the map."""

import datetime as dt

import pandas as pd
import streamlit as st

from geo import i18n, ranking
from geo.maps import performance as performance_maps
from ui import data, frame, maps, perf, snapshot, state, widgets

lang = state.lang()
layers = data.layers()
plan = data.current_plan()
rules = ranking.rules_from_plan(plan)
st.title(state.t("rank.heading"))
# the plan's words in the planner's language; in English the Chinese original is in the tooltip
st.caption(state.t("rank.rule") + f"“{state.t('rank.rule_text')}”",
           help=None if lang == "zh" else state.t("rank.rule_original",
                                                   text=i18n.t("rank.rule_text", "zh")))

quarters = ranking.quarters(plan)
today = str(pd.Period(dt.date.today(), freq="Q"))
default = quarters.index(today) if today in quarters else len(quarters) - 1
q1, q2, q3 = st.columns([2, 1, 2])
quarter = q1.selectbox(state.t("rank.quarter"), quarters, index=default, key="rank.quarter")
other = None
if q2.checkbox(state.t("rank.compare"), key="rank.compare_on"):
    other = q3.selectbox(state.t("rank.compare_with"), quarters,
                         index=max(quarters.index(quarter) - 1, 0), key="rank.compare_to")

# the indicator cells show labels, not the plan file's ids; the editor's key carries the
# language so an edit made in one language is not read back with the other's labels
labels = {code: i18n.column_label(code, lang) for code in ranking.INDICATORS}
codes = {label: code for code, label in labels.items()}
with st.expander(state.t("rank.indicators")):
    edited = widgets.data_editor(
        pd.DataFrame([{"id": labels.get(i.id, i.id), "weight": i.weight, "target": i.target}
                      for i in rules.indicators]),
        column_config={"id": st.column_config.SelectboxColumn(state.t("rank.indicator"),
                                                              options=list(labels.values()),
                                                              required=True),
                       "weight": st.column_config.NumberColumn(state.t("rank.weight"), min_value=0.0),
                       "target": st.column_config.NumberColumn(state.t("rank.target"))},
        num_rows="dynamic", hide_index=True, key=f"rank.editor.{lang}")
    st.caption(state.t("rank.ties"))
rows = edited.dropna()
picked = tuple(ranking.Indicator(codes.get(r.id, r.id), float(r.weight), float(r.target))
               for r in rows.itertuples())
rules = ranking.RankingRules(
    indicators=picked or rules.indicators,  # an emptied table falls back to the plan's
    platforms=rules.platforms, towns=rules.towns, red_requires_all_met=rules.red_requires_all_met,
    top_n=rules.top_n, bottom_n=rules.bottom_n)
ids = [i.id for i in rules.indicators]

flagged = ranking.flags(layers, plan, quarter, rules=rules)
for col, flag in zip(st.columns(3), ranking.FLAGS, strict=True):
    col.metric(state.t("rank.flag_n", flag=state.t(f"rank.flag.{flag}")),
               int((flagged["flag"] == flag).sum()), border=True)

st.subheader(state.t("rank.table", quarter=quarter))
kinds = widgets.multiselect(state.t("rank.filter_kind"), ["platform", "town"], key="rank.kinds",
                       format_func=lambda k: state.t(f"rank.kind.{k}"))
shown = flagged[perf.pick(flagged["kind"], kinds)]
name_col = i18n.name_column(lang)
perf.show_table(shown.assign(unit=shown[name_col], flag_label=shown["flag"]),
                ["rank", "unit", "kind", "flag_label", "score", "met_all", *ids], layers, key="rank.table")

if other is not None:
    before = ranking.flags(layers, plan, other, rules=rules).set_index("unit_id")
    now = flagged.set_index("unit_id")
    changed = now[now["flag"] != before["flag"].reindex(now.index)]
    st.subheader(state.t("rank.changes", other=other))
    if changed.empty:
        st.info(state.t("rank.no_changes"))
    else:
        st.table(pd.DataFrame({state.t("col.unit"): changed[name_col],
                               other: [state.t(f"rank.flag.{f}") for f in before.loc[changed.index, "flag"]],
                               quarter: [state.t(f"rank.flag.{f}") for f in changed["flag"]]}))

st.subheader(state.t("rank.map"))
basemap, api_key = frame.effective_basemap()
desc = performance_maps.ranking_map(layers, shown, lang=lang, quarter=quarter)
snap = snapshot.Snapshot("ranking", state.t("rank.heading"), f"{state.t('rank.map')} · {quarter}", None, [
    (state.t("rank.filter_kind"), [state.t(f"rank.kind.{k}") for k in kinds])])
maps.show(desc, key=f"rank-map-{lang}", basemap=(basemap, api_key), height=520,
          export=snap)

st.subheader(state.t("rank.history"))
hist = perf.history(rules)
names = dict(zip(flagged["unit_id"], flagged[name_col], strict=True))
widgets.dataframe(perf.flag_grid(hist, names), width="stretch")

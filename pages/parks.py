"""Micro-enterprise parks: progress against the plan, map, table, timeline, edits."""

import streamlit as st

from geo import asof as asof_geo
from geo import figures, parks, schema
from geo.maps import tracking as tracking_maps
from ui import asof, data, edit, frame, selection, snapshot, state, tracking, widgets

lang = state.lang()
layers = data.layers()
plan = data.current_plan()

st.title(state.t("parks.heading"))
as_of, compare_to = asof.show(key="parks")

st.subheader(f"{state.t('parks.progress')} · {asof.label(as_of)}")
park_figures = data.figures_as_of(as_of, figures.PARK_KEYS)
before_figures = data.figures_as_of(compare_to, figures.PARK_KEYS) if compare_to is not None else None
tracking.figure_cards(park_figures, before=before_figures, before_label=asof.label(compare_to))
if before_figures is not None:
    with st.expander(state.t("asof.side_by_side"), expanded=True):
        widgets.dataframe(tracking.side_by_side(park_figures, before_figures, asof.label(as_of),
                                           asof.label(compare_to)), hide_index=True)

table = parks.table(layers, plan, as_of=as_of)
st.subheader(state.t("parks.filters"))
towns, platforms = tracking.town_names(layers), tracking.platform_names(layers)
c1, c2, c3, c4 = st.columns(4)
f_town = widgets.multiselect_in(c1)(state.t("col.town_code"), sorted(table["town_code"].unique()),
                        key="parks.f_town", format_func=lambda c: towns.get(c, c))
f_plat = widgets.multiselect_in(c2)(state.t("col.platform_id"), sorted(table["platform_id"].unique()),
                        key="parks.f_platform", format_func=lambda c: platforms.get(c, c))
f_status = widgets.multiselect_in(c3)(state.t("col.status"), list(schema.ENUMS["park_status"]), key="parks.f_status",
                          format_func=lambda c: state.t(f"enum.park_status.{c}"))
f_theme = widgets.multiselect_in(c4)(state.t("col.industry_theme"), sorted(table["industry_theme"].unique()),
                         key="parks.f_theme")
shown = parks.filter_table(table, towns=f_town, platforms=f_plat, statuses=f_status, themes=f_theme)



rules = parks.rules(plan)
source, source_help = tracking.plan_source(rules.tax_per_mu_standard_source,
                                           rules.tax_per_mu_standard_source_en)
st.caption(state.t("parks.tax_standard", value=f"{rules.tax_per_mu_standard_10k:g}", source=source),
           help=source_help)
sel = selection.Selection("parks", id_col="park_id", map_key=f"parks-map-{lang}")
outlines = layers["parks"][layers["parks"]["park_id"].isin(shown["park_id"])]
# the map is what a planner reads first: two thirds of the width; the table beside it opens
# with name and status, so both show on a 1366 px screen without scrolling sideways
map_col, table_col = st.columns([2, 1])
TABLE_ORDER = ["name_zh", "status", *(c for c in parks.TABLE_COLUMNS if c not in ("name_zh", "status"))]
with map_col:
    st.markdown(f"**{state.t('parks.map')}**")
    basemap = frame.effective_basemap()
    # built on every run (17 parks, ~0.4 s): a cached folium.Map rendered again by
    # streamlit-folium in another session came out blank (its ids are rewritten in place)
    desc = tracking_maps.parks_map(layers, shown, lang=lang)
    snap = snapshot.Snapshot("parks", state.t("parks.heading"), state.t("parks.map"),
                             snapshot.as_of_date(as_of), [
        (state.t("col.town_code"), [towns.get(c, c) for c in f_town]),
        (state.t("col.platform_id"), [platforms.get(c, c) for c in f_plat]),
        (state.t("col.status"), [state.t(f"enum.park_status.{c}") for c in f_status]),
        (state.t("col.industry_theme"), f_theme)])
    sel.show_map(desc, outlines, reshape=edit.outline_on("parks", sel.current), basemap=basemap,
                 height=520, export=snap)
with table_col:
    st.markdown(f"**{state.t('parks.table')}** · {state.t('parks.count', n=len(shown))}")
    sel.view_toggle()
    rows = sel.in_view(shown, outlines)
    sel.table(tracking.display(rows, TABLE_ORDER, layers), rows["park_id"].tolist(),
              height=470)

st.subheader(state.t("edit.heading"))
st.caption(state.t("select.hint"))
edit.quick_form("parks", sel.current, key="parks")
edit.show("parks", shown["park_id"].tolist(), key="parks", selected=sel.current,
          on_pick=sel.select)
edit.outline_panel("parks", sel.current, key="parks", map_key=sel.map_key)

st.subheader(state.t("parks.timeline"))
view = asof_geo.layers_as_of(layers, as_of)["parks"]
line = parks.timeline(view).rename(columns={"started": state.t("parks.started"),
                                            "completed": state.t("parks.completed")})
# quarters as the as-of picker names them: a date axis would print English month names
line.index = line.index.to_period("Q").astype(str) if len(line) else line.index
widgets.chart("line", line, x=state.t("chart.quarter"), y=state.t("chart.parks_n"),
              series=state.t("chart.series"), height=260)


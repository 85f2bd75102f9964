"""Inefficient land (低效用地): rules, this year's proposal, cases, progress against the plan."""

import pandas as pd
import streamlit as st

from geo import asof as geo_asof
from geo import figures, inefficient
from geo.maps import performance as performance_maps
from ui import asof, data, edit, frame, perf, selection, snapshot, state, tracking, widgets

lang = state.lang()
layers = data.layers()
plan = data.current_plan()
rules = inefficient.rules_from_plan(plan)
st.title(state.t("ineff.heading"))

as_of, compare_to = asof.show(key="inefficient")
view = geo_asof.layers_as_of(layers, as_of)
date = as_of if as_of is not None else geo_asof.data_date(layers)
fig_years = sorted(view["enterprise_figures"]["year"].unique())
tax_year = min(date.year, int(fig_years[-1])) if fig_years else date.year

st.subheader(state.t("ineff.progress"))
prog = inefficient.progress(view, plan, as_of=date)
before = inefficient.progress(geo_asof.layers_as_of(layers, compare_to), plan,
                              as_of=compare_to) if compare_to is not None else None
tracking.figure_cards(
    data.figures_as_of(as_of, figures.REVITALISED_KEYS),
    before=data.figures_as_of(compare_to, figures.REVITALISED_KEYS) if compare_to is not None else None,
    before_label=asof.label(compare_to), per_row=3)
if len(prog):
    left, right = st.columns(2)
    left.caption(state.t("ineff.per_year"))
    labels = {"x": state.t("chart.year"), "y": state.t("chart.area_mu"), "series": state.t("chart.series")}
    widgets.chart("bar", prog["revitalised_mu"].rename(state.t("ineff.per_year"))
                  .set_axis(prog.index.astype(str)), container=left, **labels)
    right.caption(state.t("ineff.cumulative"))
    widgets.chart("line", pd.DataFrame({state.t("ineff.cum"): prog["revitalised_mu_cum"],
                                        state.t("ineff.target"): prog["revitalised_mu_target"]})
                  .set_axis(prog.index.astype(str)), container=right, **labels)
    perf.show_table(prog.reset_index().assign(eval_year=prog.index.to_numpy()),
                    ["eval_year", "revitalised_mu", "revitalised_mu_cum", "renovated_floor_m2",
                     "renovated_floor_m2_cum", "standard_factory_m2", "standard_factory_m2_cum"],
                    layers, key="ineff.progress")

with st.expander(state.t("ineff.rules"), expanded=False):
    values = {"low_tax": rules.tax_per_mu_min_10k, "low_plot_ratio": rules.plot_ratio_min,
              "idle": rules.idle_after_years, "use_changed": ""}
    for r in inefficient.RULES:
        st.markdown(f"- {state.t(f'ineff.rule.{r}', value=values[r], year=tax_year)}")
active = widgets.multiselect(state.t("ineff.rules_active"), list(inefficient.RULES),
                        default=list(rules.rules), key="ineff.rules",
                        format_func=lambda r: state.t(f"ineff.rule.{r}", value=values[r], year=tax_year))
rules = inefficient.Rules(**{**rules.__dict__, "rules": tuple(active)})
found = inefficient.identify(view, rules, year=tax_year, as_of=date)

st.subheader(state.t("ineff.identified"))
f1, f2 = st.columns(2)
towns = widgets.multiselect_in(f1)(state.t("ineff.filter_town"), sorted(found["town_code"].unique()),
                       key="ineff.towns", format_func=perf.names(layers, "towns", "town_code").get)
plats = widgets.multiselect_in(f2)(state.t("ineff.filter_platform"),
                       sorted(found["platform_id"].dropna().unique()), key="ineff.platforms",
                       format_func=perf.names(layers, "platforms", "platform_id").get)
shown = found[perf.pick(found["town_code"], towns) & perf.pick(found["platform_id"], plats)]
m1, m2 = st.columns(2)
m1.metric(state.t("ineff.identified_count"), f"{len(shown):,}")
m2.metric(state.t("ineff.identified_mu"), f"{shown['area_mu'].sum():,.1f}")
perf.show_table(shown, ["parcel_id", "town_code", "platform_id", "reasons", "area_mu",
                        "tax_per_mu_10k", "plot_ratio", "lifecycle", "case_id", "case_status"],
                layers, key="ineff.table", height=260)

st.subheader(state.t("ineff.proposal"))
st.caption(state.t("ineff.proposal_note", over=f"{rules.overshoot_pct:g}",
                   gap=f"{inefficient.MIP_REL_GAP:.2%}", target=f"{rules.expected_tax_per_mu_10k:g}"))
due = inefficient.remaining_mu(view, plan, date.year, as_of=date)
required = st.number_input(state.t("ineff.required"), min_value=0.0, value=round(due, 1), step=10.0,
                           key=f"ineff.required.{date:%Y%m%d}",
                           help=state.t("ineff.required_help", year=date.year))
cands = inefficient.candidates(shown, rules)
proposal = perf.cached_proposal(pd.DataFrame(cands.drop(columns="geometry")), required,
                                rules.overshoot_pct)
if not proposal.feasible:
    st.warning(state.t("ineff.infeasible", mu=f"{cands['area_mu'].sum():,.1f}"))
elif required <= 0:
    st.info(state.t("ineff.nothing_due"))
proposed = proposal.table.loc[proposal.table["chosen"], "parcel_id"].tolist()
sel_key = f"ineff.sel.{date:%Y%m%d}.{required}.{','.join(active)}.{','.join(towns)}.{','.join(plats)}"
selected = widgets.multiselect(state.t("ineff.selected"), cands["parcel_id"].tolist(), default=proposed,
                          key=sel_key)
totals = inefficient.selection_totals(cands, selected, required)
c1, c2, c3, c4 = st.columns(4)
c1.metric(state.t("ineff.sel_mu"), f"{totals['mu']:,.1f}", delta=f"{totals['mu'] - required:+,.1f}")
c2.metric(state.t("ineff.sel_gain"), f"{totals['gain_10k']:,.0f}",
          delta=f"{totals['gain_10k'] - proposal.gain_10k:+,.0f}")
c3.metric(state.t("ineff.sel_count"), totals["count"])
c4.metric(state.t("ineff.sel_meets"), state.t("kpi.met") if totals["meets"]
          else state.t("ineff.sel_short", mu=f"{totals['short_mu']:,.1f}"))
why = inefficient.explain(proposal, expected_tax_per_mu_10k=rules.expected_tax_per_mu_10k)
table = proposal.table.assign(explanation=[state.t(k, **a) for k, a in zip(why["key"], why["args"],
                                                                           strict=True)],
                              chosen=proposal.table["parcel_id"].isin(set(selected)))
table = table.sort_values(["chosen", "gain_per_mu_10k", "parcel_id"], ascending=[False, False, True])
with st.expander(state.t("ineff.candidates"), expanded=True):
    perf.show_table(table, ["parcel_id", "chosen", "town_code", "reasons", "area_mu", "tax_per_mu_10k",
                            "gain_per_mu_10k", "gain_10k", "explanation"], layers,
                    key="ineff.candidates", height=300)

st.subheader(state.t("ineff.cases"))
cases = inefficient.case_table(view, as_of=date)
g1, g2 = st.columns(2)
routes = widgets.multiselect_in(g1)(state.t("ineff.filter_route"), sorted(cases["route"].unique()), key="ineff.routes",
                        format_func=lambda c: state.t(f"enum.case_route.{c}"))
statuses = widgets.multiselect_in(g2)(state.t("ineff.filter_status"), sorted(cases["status"].unique()),
                          key="ineff.statuses", format_func=lambda c: state.t(f"enum.case_status.{c}"))
case_view = cases[perf.pick(cases["route"], routes) & perf.pick(cases["status"], statuses)]
sel = selection.Selection("ineff.cases", id_col="case_id", map_key=f"ineff-map-{lang}")
outlines = layers["cases"][layers["cases"]["case_id"].isin(case_view["case_id"])]

st.subheader(state.t("ineff.map"))
basemap, api_key = frame.effective_basemap()
desc = performance_maps.inefficient_map(layers, shown, selected, case_view, lang=lang)
snap = snapshot.Snapshot("inefficient", state.t("ineff.heading"), state.t("ineff.map"),
                         snapshot.as_of_date(as_of), [
    (state.t("ineff.filter_route"), [state.t(f"enum.case_route.{c}") for c in routes]),
    (state.t("ineff.filter_status"), [state.t(f"enum.case_status.{c}") for c in statuses])])
sel.show_map(desc, outlines, reshape=edit.outline_on("ineff.cases", sel.current),
             basemap=(basemap, api_key), height=560, export=snap)

sel.view_toggle()
case_rows = sel.in_view(case_view, outlines)
sel.table(perf.labelled(case_rows.assign(case_status=case_rows["status"]),
                        ["case_id", "parcel_id", "town_code", "platform_id", "reason", "route",
                         "case_status", "identified_year", "revitalised_date", "area_mu",
                         "renovated_floor_m2", "standard_factory_m2"], layers),
          case_rows["case_id"].tolist(), height=260)
st.subheader(state.t("edit.heading"))
st.caption(state.t("select.hint"))
edit.quick_form("cases", sel.current, key="ineff.cases")
edit.show("cases", case_view["case_id"].tolist(), key="ineff.cases", selected=sel.current,
          on_pick=sel.select)
edit.outline_panel("cases", sel.current, key="ineff.cases", map_key=sel.map_key)

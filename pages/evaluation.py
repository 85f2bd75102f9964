"""Per-mu evaluation (亩均论英雄): scores and classes, choropleths, growth, energy, outside firms."""

import pandas as pd
import streamlit as st

from geo import asof as geo_asof
from geo import evaluation
from geo.maps import performance as performance_maps
from ui import asof, data, frame, maps, perf, snapshot, state, widgets

lang = state.lang()
layers = data.layers()
plan = data.current_plan()
method = evaluation.method_from_plan(plan)
st.title(state.t("ev.heading"))

as_of, compare_to = asof.show(key="evaluation")
view = geo_asof.layers_as_of(layers, as_of)
years = sorted(int(y) for y in view["enterprise_figures"]["year"].unique())
if not years:
    st.info(state.t("ev.no_year"))
    st.stop()
year = years[-1]
with st.expander(state.t("ev.method")):
    classes = (state.t("ev.classes.shares", **method.class_shares) if method.class_method == "shares"
               else state.t("ev.classes.thresholds", **method.class_thresholds))
    st.markdown(state.t("ev.method_note", bench=state.t(f"ev.bench.{method.benchmark}"),
                        emission=f"{method.weights['emission']:g}", classes=classes))
    st.table(pd.DataFrame({state.t("rank.indicator"): [perf.alias_of(k) for k in method.weights],
                           state.t("rank.weight"): list(method.weights.values())}))

scored = evaluation.scores(view, method, year)
st.subheader(state.t("ev.class_counts", year=year))
counts = evaluation.class_counts(scored)
prior = None
if compare_to is not None:
    prior_years = sorted(int(y) for y in geo_asof.layers_as_of(layers, compare_to)
                         ["enterprise_figures"]["year"].unique())
    if prior_years:
        prior = evaluation.class_counts(evaluation.scores(layers, method, prior_years[-1]))
for col, cls in zip(st.columns(4), evaluation.CLASSES, strict=True):
    delta = None if prior is None else f"{counts.loc[cls, 'count'] - prior.loc[cls, 'count']:+d} " \
        f"{state.t('asof.delta', label=asof.label(compare_to))}"
    col.metric(state.t("ev.class_n", cls=cls), int(counts.loc[cls, "count"]), delta=delta,
               help=f"{counts.loc[cls, 'share_pct']:.1f}%", border=True)

st.subheader(state.t("ev.table"))
f1, f2, f3 = st.columns([2, 2, 1])
pick_cls = widgets.multiselect_in(f1)(state.t("ev.filter_class"), list(evaluation.CLASSES), key="ev.cls")
pick_town = widgets.multiselect_in(f2)(state.t("ev.filter_town"), sorted(scored["town_code"].dropna().unique()), key="ev.town",
                           format_func=perf.names(layers, "towns", "town_code").get)
above = f3.checkbox(state.t("ev.above_only"), key="ev.above")
rows = scored[perf.pick(scored["cls"], pick_cls) & perf.pick(scored["town_code"], pick_town)
              & (scored["above_scale"] if above else True)]
perf.show_table(rows.sort_values(["rank", "enterprise_id"]),
                ["enterprise_id", "name", "town_code", "above_scale", "tax_per_mu", "value_added_per_mu",
                 "labour_productivity", "energy_per_10k", "rnd_share", "score", "rank", "cls"],
                layers, key="ev.table", height=300)

st.subheader(state.t("ev.map"))
c1, c2, c3, c4 = st.columns(4)
level = c1.selectbox(state.t("ev.level"), list(evaluation.LEVELS), index=2, key="ev.level",
                     format_func=lambda v: state.t(f"ev.level.{v}"))
value = c2.selectbox(state.t("ev.value"), list(evaluation.MAP_VALUES), key="ev.value",
                     format_func=perf.alias_of)
scheme = c3.selectbox(state.t("ev.scheme"), list(evaluation.SCHEMES), index=1, key="ev.scheme",
                      format_func=lambda v: state.t(f"ev.scheme.{v}"))
k = c4.slider(state.t("ev.k"), 2, 7, 5, key="ev.k")
s1, s2 = st.columns(2)
limit = plan.target("energy_intensity_max_tce").value
energy = evaluation.energy_intensive(view, year, limit_tce=limit)
outside = evaluation.outside_platforms(view)
points = {"energy": energy} if s1.checkbox(state.t("ev.show_energy"), value=True, key="ev.e") else {}
if s2.checkbox(state.t("ev.show_outside"), value=True, key="ev.o"):
    points["outside"] = outside
agg = evaluation.aggregate(view, scored, level)
bounds = perf.cached_breaks(agg[value], scheme, k)
basemap, api_key = frame.effective_basemap()
desc = performance_maps.choropleth_map(layers, agg, value, bounds, lang=lang, points=points)
snap = snapshot.Snapshot(
    "per_mu", state.t("ev.heading"),
    f"{state.t(f'ev.level.{level}')} · {perf.alias_of(value)} · "
    f"{state.t(f'ev.scheme.{scheme}')} ({k}) · {year}", snapshot.as_of_date(as_of))
maps.show(desc, key=f"ev-map-{lang}", basemap=(basemap, api_key), height=560, export=snap)
# a unit's score is the land-weighted mean of its enterprises' scores: its header says so
agg_table = agg.rename(columns={"score": "score_land_weighted"})
perf.show_table(agg_table, [evaluation_key for evaluation_key in (
    "parcel_id", "park_id", "town_code", "platform_id") if evaluation_key in agg.columns]
                + ["enterprises", "land_area_mu", "score_land_weighted",
                   *(v for v in evaluation.MAP_VALUES if v != "score"), "share_a_pct", "share_d_pct"],
                layers, key="ev.agg", height=240)
partial = evaluation.renormalised(scored)
if len(partial):  # scored over the indicators their sheet has: say so, and for whom
    with st.expander(state.t("ev.renormalised", n=len(partial))):
        shown = partial.assign(missing_indicators=[
            "、".join(state.t(f"col.{k}") for k in v.split(",")) for v in
            partial["missing_indicators"]], weight_factor=partial["weight_factor"].round(3))
        perf.show_table(shown, ["enterprise_id", "name", "missing_indicators", "weight_factor"],
                        layers, key="ev.renormalised")
left_out = evaluation.unscored(view, year)
if len(left_out):
    with st.expander(state.t("ev.unscored", n=len(left_out))):
        perf.show_table(left_out, ["enterprise_id", "name", "town_code", "land_area_mu", "tax_10k"],
                        layers, key="ev.unscored")

target = plan.target("tax_per_mu_growth_pct").value
st.subheader(state.t("ev.growth", target=f"{target:g}"))
growth = evaluation.growth(view, [y for y in years if y - 1 in years]).reset_index()
growth = growth.assign(eval_year=growth["year"], growth_target_pct=target,
                       tax_growth_met=growth["tax_per_mu_growth_pct"] >= target,
                       productivity_growth_met=growth["labour_productivity_growth_pct"] >= target)
perf.show_table(growth, ["eval_year", "firms", "tax_per_mu", "tax_per_mu_growth_pct", "tax_growth_met",
                         "labour_productivity", "labour_productivity_growth_pct",
                         "productivity_growth_met", "growth_target_pct"], layers, key="ev.growth")
st.caption(state.t("ev.growth_note"))

st.subheader(state.t("ev.energy", limit=f"{limit:g}", n=len(energy)))
perf.show_table(energy, ["enterprise_id", "name", "town_code", "industry", "above_scale", "energy_tce",
                         "value_added_10k", "energy_per_10k"], layers, key="ev.energy", height=240)
st.subheader(state.t("ev.outside", n=len(outside)))
perf.show_table(outside, ["enterprise_id", "name", "town_code", "parcel_id", "industry", "above_scale",
                          "land_area_mu"], layers, key="ev.outside", height=240)

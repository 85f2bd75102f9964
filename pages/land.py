"""Industrial land supply: sales against 600 mu a year, expansion, standard-land terms,
idle land, lifecycle gaps, edits."""

import pandas as pd
import streamlit as st

from geo import asof as asof_geo
from geo import land
from geo.maps import tracking as tracking_maps
from geo.units import area_mu
from ui import asof, data, edit, frame, selection, snapshot, state, tracking, widgets

lang = state.lang()
layers = data.layers()
plan = data.current_plan()

st.title(state.t("land.heading"))
as_of, compare_to = asof.show(key="land")
flags_date = as_of if as_of is not None else asof_geo.data_date(layers)


def _land_cards(figs):
    return [f for f in figs if f.base in ("land.sold_mu", "land.expansion_mu")]


cards = _land_cards(data.figures_as_of(as_of))
before_cards = _land_cards(data.figures_as_of(compare_to)) if compare_to is not None else None
tracking.figure_cards(cards, before=before_cards, before_label=asof.label(compare_to),
                      per_row=len(cards))
before = land.summary(layers, plan, as_of=compare_to) if compare_to is not None else None
prior = dict(zip(before["key"], before["value"], strict=True)) if before is not None else {}
unmapped = land.unmapped_sales(asof_geo.layers_as_of(layers, as_of))
if len(unmapped):
    with st.expander(state.t("land.unmapped", n=len(unmapped))):
        widgets.dataframe(tracking.display(unmapped, list(unmapped.columns), layers), hide_index=True)
if before is not None:
    with st.expander(state.t("asof.side_by_side"), expanded=True):
        now = land.summary(layers, plan, as_of=as_of)
        side = pd.DataFrame({state.t("land.side.item"): [tracking.summary_label(k) for k in now["key"]],
                             asof.label(as_of): now["value"].round(1),
                             asof.label(compare_to): now["key"].map(prior).round(1)})
        widgets.dataframe(side, hide_index=True)

sold = land.sold_by_year(layers, plan, as_of=as_of)
c1, c2 = st.columns(2)
c1.markdown(f"**{state.t('land.per_year')}**")
axes = {"x": state.t("chart.year"), "y": state.t("chart.area_mu"), "series": state.t("chart.series")}
widgets.chart("bar", sold[["area_mu", "target_mu"]].rename(
    index=str, columns={"area_mu": state.t("land.sold"), "target_mu": state.t("land.target")}),
    container=c1, stack=False, height=260, **axes)
c2.markdown(f"**{state.t('land.cumulative')}**")
widgets.chart("line", sold[["cumulative_mu", "cumulative_target_mu"]].rename(
    index=str, columns={"cumulative_mu": state.t("land.cum_sold"),
                        "cumulative_target_mu": state.t("land.cum_target")}),
    container=c2, height=260, **axes)

st.subheader(state.t("land.split"))
by = st.radio(state.t("land.by"), ["platform_id", "town_code"], horizontal=True, key="land.by",
              format_func=lambda b: state.t("land.by_platform" if b == "platform_id" else "land.by_town"))
names = tracking.platform_names(layers) if by == "platform_id" else tracking.town_names(layers)
split = land.sold_by(layers, plan, by=by, as_of=as_of).rename(columns=lambda c: names.get(c, c))
s1, s2 = st.columns([1, 1])
widgets.dataframe_in(s1)(split.round(1).rename(index=str).rename_axis(index=edit.col_label), key="land.split")
widgets.chart("bar", split.rename(index=str), container=s2, height=260,
              **{**axes, "series": state.t("land.by_platform" if by == "platform_id" else "land.by_town")})

terms = land.terms_check(layers, plan, as_of=as_of)
view = asof_geo.layers_as_of(layers, as_of)
st.subheader(state.t("land.map"))
towns, platforms = tracking.town_names(layers), tracking.platform_names(layers)
f1, f2, f3 = st.columns(3)
f_town = widgets.multiselect_in(f1)(state.t("col.town_code"), sorted(terms["town_code"].dropna().unique()),
                        key="land.f_town", format_func=lambda c: towns.get(c, c))
f_plat = widgets.multiselect_in(f2)(state.t("col.platform_id"), sorted(terms["platform_id"].unique()),
                        key="land.f_platform", format_func=lambda c: platforms.get(c, c))
colour_by = f3.radio(state.t("land.colour_by"), ["year", "flag", "gap"], horizontal=True,
                     key="land.colour_by", format_func=lambda c: state.t(f"land.colour_{c}"))
mask = pd.Series(True, index=terms.index)
if f_town:
    mask &= terms["town_code"].isin(f_town)
if f_plat:
    mask &= terms["platform_id"].isin(f_plat)
shown = terms[mask]
parcels = view["parcels"].assign(gap=land.gap_of(view["parcels"]["lifecycle"]),
                                 area_mu=area_mu(view["parcels"]))
parcels = parcels[parcels["gap"].notna()]
if f_town:
    parcels = parcels[parcels["town_code"].isin(f_town)]
if f_plat:
    parcels = parcels[parcels["platform_id"].fillna(land.OUTSIDE).isin(f_plat)]
basemap, api_key = frame.effective_basemap()

# built on every run: a cached folium.Map rendered again by streamlit-folium in another
# session came out blank (streamlit-folium rewrites the map's ids in place)
desc = tracking_maps.land_map(layers, shown, colour_by=colour_by, parcels=parcels, lang=lang)
snap = snapshot.Snapshot("land", state.t("land.heading"),
                         f"{state.t('land.map')} · {state.t(f'land.colour_{colour_by}')}",
                         snapshot.as_of_date(as_of), [
    (state.t("col.town_code"), [towns.get(c, c) for c in f_town]),
    (state.t("col.platform_id"), [platforms.get(c, c) for c in f_plat])])
# a click on a sale's parcel selects the sale in the terms table and in the edit form below
sel = selection.Selection("land", id_col="sale_id", map_key=f"land-map-{lang}")
geoms = layers["parcels"][["parcel_id", "geometry"]]
sale_shapes = geoms.merge(shown[["sale_id", "parcel_id"]], on="parcel_id")
sel.show_map(desc, sale_shapes, reshape=False, basemap=(basemap, api_key), height=520,
             export=snap)

st.subheader(state.t("land.terms"))
rules = land.rules(plan)
source, source_help = tracking.plan_source(rules.idle_rules_source, rules.idle_rules_source_en)
st.caption(state.t("land.idle_note", date=flags_date.strftime("%Y-%m-%d"), source=source),
           help=source_help)
k1, k2, k3 = st.columns(3)
k1.metric(state.t("land.idle_count"), int((shown["flag"] == "idle").sum()), border=True)
k2.metric(state.t("land.reclaim_count"), int((shown["flag"] == "reclaim").sum()), border=True)
k3.metric(state.t("land.idle_fee"), f"{shown['idle_fee_10k'].sum():,.1f}", border=True)
f_flag = widgets.multiselect(state.t("land.flag_filter"), list(land.FLAGS), key="land.f_flag",
                        format_func=lambda f: state.t(f"flag.{f}"))
listed = shown[shown["flag"].isin(f_flag)] if f_flag else shown
columns = ["sale_id", "parcel_id", "town_code", "platform_id", "year", "area_mu", "buyer",
           "invest_intensity_10k_per_mu", "agreed_tax_per_mu_10k", "actual_tax_per_mu_10k",
           "tax_met", "plot_ratio_min", "plot_ratio", "plot_ratio_met", "agreed_start",
           "actual_start", "days_late", "flag", "idle_fee_10k", "agreed_completion",
           "actual_completion", "completion_late"]
sel.view_toggle()
listed = sel.in_view(listed, sale_shapes)
sel.table(tracking.display(listed, columns, layers), listed["sale_id"].tolist(), height=360)

st.subheader(state.t("edit.heading"))
st.caption(state.t("select.hint"))
target = st.radio(state.t("land.edit_layer"), ["land_sales", "parcels"], horizontal=True,
                  key="land.edit_layer",
                  format_func=lambda x: state.t("land.edit_sales" if x == "land_sales"
                                                else "land.edit_parcels"))
picked = sel.current
if target == "land_sales":
    edit.quick_form("land_sales", picked, key="land.land_sales")
else:  # the selected sale's parcel
    picked = next(iter(shown.loc[shown["sale_id"] == picked, "parcel_id"]), None)
    edit.quick_form("parcels", picked, key="land.parcels")
ids = shown["sale_id"] if target == "land_sales" else shown["parcel_id"]
edit.show(target, ids.tolist(), key=f"land.{target}", selected=picked,
          on_pick=sel.select if target == "land_sales" else None)

st.subheader(state.t("land.gaps"))
g_by = st.radio(state.t("land.by"), ["town_code", "platform_id"], horizontal=True, key="land.g_by",
                format_func=lambda b: state.t("land.by_platform" if b == "platform_id" else "land.by_town"))
gaps = land.lifecycle_gaps(view["parcels"], by=g_by)
g_names = {**(platforms if g_by == "platform_id" else towns), "total": state.t("land.total")}
gaps = gaps.rename(index=lambda c: g_names.get(c, c), columns=lambda g: state.t(f"gap.{g}"))
widgets.dataframe(gaps.round(1).rename_axis(index=edit.col_label), key="land.gaps")


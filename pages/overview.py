"""Overview: KPI cards against the plan and the county map."""

import streamlit as st

from geo import figures, i18n
from geo.cadastre import TILE_MIN_ZOOM
from geo.maps import overview as overview_maps
from geo.maps.overview import uses_parcel_tiles
from layers import render
from ui import asof, cadastre, data, frame, maps, search, snapshot, state, tracking

lang = state.lang()
layers = data.layers()
plan = data.current_plan()

st.title(state.t("overview.heading"))

as_of, compare_to = asof.show(key="overview")
st.subheader(f"{state.t('overview.kpis')} · {asof.label(as_of)}")
cards = figures.overview(data.figures_as_of(as_of))
before = figures.overview(data.figures_as_of(compare_to)) if compare_to is not None else None
tracking.figure_cards(cards, before=before, before_label=asof.label(compare_to))
weak = [c for c in data.health_findings() if c.figures]
if weak:  # a figure in front of the leaders must not hide that its data is incomplete
    st.info(state.t("health.notice", n=len(weak)), icon=":material/health_and_safety:")

st.subheader(state.t("overview.map"))
basemap, api_key = frame.effective_basemap()


# A county-wide cadastre (above the tile threshold) is drawn as vector tiles built once.
parcel_tiles = None
if uses_parcel_tiles(layers["parcels"]):
    with st.spinner(state.t("cadastre.building_tiles")):
        parcel_tiles = cadastre.parcel_tiles_url()
    st.caption(state.t("cadastre.zoom_hint", n=f"{len(layers['parcels']):,}", zoom=TILE_MIN_ZOOM))


focus = search.focus_widget(layers, key="overview.search")


@st.cache_resource(show_spinner=False, max_entries=8)
def _map(store_key: str, lang: str, basemap: str, api_key: str | None, parcel_tiles: str | None,
         focus):
    desc = overview_maps.overview(layers, lang=lang, parcel_tiles=parcel_tiles)
    desc.focus = focus
    return desc, render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key)


desc, m = _map(layers.key, lang, basemap, api_key, parcel_tiles, focus)
maps.show(desc, m=m, key=f"overview-{lang}", static=True,
          export=snapshot.Snapshot("overview", state.t("overview.heading"),
                                   state.t("export.what_overview")))

with st.expander(state.t("overview.context")):
    st.table([{"": c[i18n.name_column(lang)], "2021": c.get(f"value_{lang}", c["value"])}
              for c in plan.context])

"""Site assessment: draw, upload or pick candidates; compare them; find sites on the county surface."""

import time

import pandas as pd
import streamlit as st

from geo import assess
from geo.errors import PlannerError
from geo.maps import assess as assess_maps
from layers import render
from layers.assess import with_draw
from ui import assess as ua
from ui import data, frame, maps, snapshot, state, widgets

lang = state.lang()
layers = data.layers()

st.title(state.t("assess.heading"))
st.caption(state.t("assess.intro"))
config = ua.config_widgets(assess.load_config(data.current_plan()))
ua.take_drawings()

left, right = st.columns([3, 2])
with right:
    st.caption(state.t("assess.draw_help"))
    st.button(state.t("assess.clear"), on_click=ua.clear_drawings)
    upload = st.file_uploader(state.t("assess.upload"), key="assess_upload")
    # where the coordinates came from, as on the import page (through the same code)
    gcj02 = st.checkbox(state.t("import.gcj02"), key="assess_gcj02",
                        help=state.t("import.gcj02_help")) if upload is not None else False
    upload_crs = ua.upload_crs_choice(upload) if upload is not None else None
    st.file_uploader(state.t("assess.dem_upload"), type=["tif", "tiff"], key=ua.DEM_UPLOAD_KEY)
    st.caption(state.t("assess.dem_used", name=ua.dem_file().name))
    picked = widgets.multiselect(state.t("assess.pick"), sorted(layers["parcels"]["parcel_id"]),
                            key="assess_parcels")
    reopened = ua.saved_set_picker(layers)
    show_surface = st.checkbox(state.t("assess.show_surface"), key=ua.SURFACE_KEY)
    st.markdown(f"**{state.t('assess.find')}**")
    c1, c2 = st.columns(2)
    min_mu = c1.number_input(state.t("assess.find_min_mu"), min_value=1.0, step=50.0,
                             value=config.site_min_mu, key="assess_min_mu",
                             help=state.t("assess.find_min_mu_help", zone=f"{config.site_min_mu:g}",
                                          parcel=f"{config.parcel_min_mu:g}"))
    top = c2.number_input(state.t("assess.find_top"), min_value=1, max_value=20, value=5,
                          key="assess_top")
    find = st.toggle(state.t("assess.find_run"), key="assess_find")

parts, errors, result, sites = [ua.drawn_candidates()], [], None, None
try:
    if upload is not None:
        parts.append(ua.uploaded_candidates(upload, crs=upload_crs, gcj02=gcj02))
    if picked:
        parts.append(assess.parcels_as_candidates(layers["parcels"], picked))
    if reopened is not None:
        parts.append(reopened)
    parts = [p.to_crs("EPSG:4490") for p in parts if len(p)]
    if parts:
        good, problems = assess.prepare_candidates(pd.concat(parts, ignore_index=True), ua.context(),
                                                   on_error="skip", lang=lang)
        errors += problems
        if len(good):
            t0 = time.perf_counter()
            result = assess.assess(good, ua.context(), str(ua.dem_file()), config=config)
            elapsed = time.perf_counter() - t0
    sites = ua.find_sites(config, float(min_mu), int(top)) if find else None
    surf = ua.surface(config) if show_surface else None
except PlannerError as exc:
    errors.append(exc.text(lang))
    surf = None

with left:
    basemap, api_key = frame.effective_basemap()
    desc = assess_maps.assess_map(layers, lang=lang, result=result, sites=sites, surf=surf)
    m = with_draw(render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key), lang=lang)
    maps.show(desc, m=m, key=ua.MAP_KEY, returned_objects=["all_drawings"], height=600,
              export=snapshot.Snapshot("assess", state.t("assess.heading"), state.t("assess.map_what")))

for message in errors:
    st.error(message)
if result is None:
    st.info(state.t("assess.none"))
else:
    st.subheader(state.t("assess.compare"))
    st.caption(state.t("assess.timing", s=elapsed))
    widgets.dataframe(assess.comparison_table(result, lang, config))
    st.caption(state.t("assess.best_mark"))
    if len(result) > 1:
        ua.sensitivity_table(result, config)
    ua.save_set_form(result, config)
    ua.score_cards(result, config, with_report=True)
if sites is not None:
    st.subheader(state.t("assess.found", n=len(sites)))
    if sites.empty:
        st.info(state.t("assess.found_none", score=f"{config.site_min_score:g}", mu=f"{min_mu:g}"))
    else:
        widgets.dataframe(assess.comparison_table(sites, lang, config))
        ua.score_cards(sites, config)

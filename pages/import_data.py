"""Import: upload -> layer, CRS, mapping -> check (report) -> confirm -> write, all or nothing."""

import streamlit as st

from geo import importer
from geo.errors import PlannerError
from ui import auth, data, importing, state, widgets

lang = state.lang()
st.title(state.t("import.heading"))
st.caption(state.t("import.intro", limit_mb=importer.MAX_UPLOAD_BYTES // 2**20))
if not auth.user().can_edit:  # geo refuses a viewer's import too; this says so first
    st.info(state.t("auth.viewer_note"))
    st.stop()

path = importing.chosen_file()
if path is None:
    st.info(state.t("import.no_file"))
    st.stop()

left, right = st.columns(2)
layer = left.selectbox(state.t("import.target_layer"), importer.IMPORTABLE_LAYERS, key="import.layer",
                       index=importer.IMPORTABLE_LAYERS.index("parcels"),
                       format_func=lambda n: state.t(f"import.layer.{n}"))
try:
    sources = importer.list_sources(path)
    source = right.selectbox(state.t("import.source_layer"), sources, key="import.source") if len(sources) > 1 else None
    info = importing.inspect(path, source)
except PlannerError as exc:
    st.error(exc.text(lang))
    st.stop()
st.caption(state.t("import.file_info", rows=info.rows, crs=info.crs or state.t("import.no_crs"),
                   candidates=", ".join(info.candidates) or "-"))
widgets.dataframe(info.head, hide_index=True, use_container_width=True)

left, mid, right = st.columns(3)
crs = importing.crs_choice(info.candidates, where=left)
if info.asks_source:  # a KML/CSV in degrees cannot say whether they are Gaode's: asked, not assumed
    source_of = mid.radio(state.t("import.coord_source"), ("gcj02", "survey"), index=None,
                          key="import.coord_source", help=state.t("import.coord_source_help"),
                          format_func=lambda c: state.t(f"import.coord_source.{c}"))
    gcj02 = None if source_of is None else source_of == "gcj02"
else:
    gcj02 = mid.checkbox(state.t("import.gcj02"), key="import.gcj02", help=state.t("import.gcj02_help"))
preset_name = right.selectbox(state.t("import.preset"), [importing.NONE, *importer.list_presets()],
                              key="import.preset")
try:
    preset = importer.load_preset(preset_name) if preset_name != importing.NONE else None
except PlannerError as exc:
    st.error(exc.text(lang))
    preset = None
mapping = importing.mapping_editor(info.columns, layer, preset, scope=f"{path}|{source}|{preset_name}")
create = layer == "enterprise_figures" and st.checkbox(
    state.t("import.create_enterprises"), key="import.create_enterprises",
    help=state.t("import.create_enterprises_help"))
signature = (str(path), layer, source, crs, gcj02, mapping.to_json(), create)

st.button(state.t("import.check"), key="import.check", on_click=importing.request, args=("check",))
if importing.requested("check"):
    try:
        plan = importer.plan_import(path, data.current(), layer=layer, source_layer=source, crs=crs,
                                    gcj02=gcj02, mapping=mapping, create_enterprises=create)
        st.session_state[importing.PLAN_KEY] = (signature, plan)
    except PlannerError as exc:
        st.session_state.pop(importing.PLAN_KEY, None)
        st.error(exc.text(lang))

checked = st.session_state.get(importing.PLAN_KEY)
if checked is not None:
    plan_signature, plan = checked
    importing.show_report(plan.report)
    if plan.report.written:
        st.success(state.t("import.written_ok", n=len(plan.report.added) + len(plan.report.updated),
                           layer=state.t(f"import.layer.{plan.layer}")))
    elif plan_signature != signature:
        st.warning(state.t("import.stale"))
    else:
        st.button(state.t("import.confirm", n=len(plan.report.added) + len(plan.report.updated)),
                  key="import.confirm", type="primary", on_click=importing.request, args=("confirm",))
    if importing.requested("confirm") and not plan.report.written and plan_signature == signature:
        try:
            importer.apply_import(plan, user=auth.user())
            st.rerun()
        except PlannerError as exc:
            st.error(exc.text(lang))
    with st.expander(state.t("import.save_preset")):
        name = st.text_input(state.t("import.preset_name"), key="import.preset_name")
        st.button(state.t("import.save"), key="import.save", on_click=importing.request, args=("save",))
        if importing.requested("save") and name:
            try:
                saved = importer.save_preset(mapping, name)
                st.success(state.t("import.preset_saved", path=saved.name))
            except PlannerError as exc:
                st.error(exc.text(lang))

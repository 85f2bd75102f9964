"""State and cached loaders of the assessment page (drawn candidates, weights, surface, sites)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from geo import assess, settings, suitability, terrain
from geo.errors import PlannerError
from geo.i18n import Message
from geo.settings import WEB_CRS
from ui import data, importing, state, widgets

MAP_KEY = "assess_map"
DRAWN_KEY = "assess_drawn"        # list of GeoJSON geometries the user drew, in order
SEEN_KEY = "assess_seen"          # geometry keys already taken from the map (so "clear" sticks)
WEIGHT_KEY = "assess_w_{}"
HARD_KEY = "assess_hard"
SURFACE_KEY = "assess_show_surface"


def _geom_key(geom: dict) -> str:
    return json.dumps(geom, sort_keys=True)


def take_drawings() -> None:
    """Move polygons drawn on the map (the map's last returned value) into the page's list."""
    st.session_state.setdefault(DRAWN_KEY, [])
    st.session_state.setdefault(SEEN_KEY, set())
    returned = st.session_state.get(MAP_KEY) or {}
    for feature in returned.get("all_drawings") or []:
        geom = (feature or {}).get("geometry")
        if not geom or geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        key = _geom_key(geom)
        if key not in st.session_state[SEEN_KEY]:
            st.session_state[SEEN_KEY].add(key)
            st.session_state[DRAWN_KEY].append(geom)


def clear_drawings() -> None:
    st.session_state[DRAWN_KEY] = []


def drawn_candidates() -> gpd.GeoDataFrame:
    geoms = [shapely.geometry.shape(g) for g in st.session_state.get(DRAWN_KEY, [])]
    names = [state.t("assess.drawn_name", n=i + 1) for i in range(len(geoms))]
    return gpd.GeoDataFrame({"candidate_id": [f"D{i + 1}" for i in range(len(geoms))], "name": names},
                            geometry=geoms, crs=WEB_CRS)


def _saved(upload) -> Path:
    """The upload as a file (kept per content, like the import page's uploads)."""
    digest = hashlib.sha256(upload.getvalue()).hexdigest()[:16]
    suffix = Path(upload.name).suffix.lower() or ".geojson"
    path = Path(tempfile.gettempdir()) / "jinyun-assess" / digest / f"candidates{suffix}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.getvalue())
    return path


def upload_crs_choice(upload) -> str | None:
    """When the uploaded file has no CRS: the candidates the import page offers, chosen here."""
    try:
        info = importing.inspect(_saved(upload), None)
    except PlannerError:
        return None  # the read below says what is wrong
    if info.crs:
        return None
    return importing.crs_choice(info.candidates, key="assess.crs")


def uploaded_candidates(upload, *, crs: str | None = None,
                        gcj02: bool = False) -> gpd.GeoDataFrame:
    """Candidates from an uploaded file, read by the import code (its CRS handling and
    GCJ-02 conversion included)."""
    gdf = assess.read_candidates(_saved(upload), crs=crs, gcj02=gcj02)
    gdf["candidate_id"] = "U-" + gdf["candidate_id"].astype(str)
    return gdf


def config_widgets(base: assess.AssessConfig) -> assess.AssessConfig:
    """Weights (sliders) and hard constraints (multiselect), starting from the plan's settings."""
    with st.expander(state.t("assess.weights")):
        cols = st.columns(len(assess.CRITERIA))
        weights = {c: col.slider(state.t(f"assess.crit.{c}"), 0, 100,
                                 int(round(100 * base.weight_shares()[c])), key=WEIGHT_KEY.format(c))
                   for c, col in zip(assess.CRITERIA, cols, strict=True)}
        hard = widgets.multiselect(state.t("assess.hard"), list(assess.CONSTRAINT_KEYS),
                              default=list(base.hard_constraints), key=HARD_KEY,
                              format_func=lambda k: state.t(f"assess.cons.{k}"))
    if sum(weights.values()) == 0:
        weights = dict(base.weights)
    return dataclasses.replace(base, weights=weights, hard_constraints=tuple(hard))


def config_key(config: assess.AssessConfig) -> str:
    return json.dumps(dataclasses.asdict(config), sort_keys=True, default=list)


@st.cache_resource(show_spinner=False, max_entries=2)
def _context(store_key: str) -> assess.Context:
    return assess.build_context(data.layers())


def context() -> assess.Context:
    return _context(data.current().key)


DEM_UPLOAD_KEY = "assess_dem_upload"


def dem_file() -> Path:
    """The DEM the user uploaded on the page (kept as a temporary file), else the store's DEM."""
    upload = st.session_state.get(DEM_UPLOAD_KEY)
    if upload is not None:
        path = Path(tempfile.gettempdir()) / f"jinyun_dem_{upload.file_id}{Path(upload.name).suffix}"
        if not path.exists():
            path.write_bytes(upload.getvalue())
        return path
    return settings.dem_path(data.store_path())


@st.cache_resource(show_spinner=False, max_entries=2)
def _dem(path: str, mtime: float) -> terrain.Dem:
    return terrain.read_dem(path)


def dem() -> terrain.Dem:
    path = dem_file()
    if not path.exists():
        raise terrain.DemError(Message.of("terrain.not_found", file=path.name))
    return _dem(str(path), path.stat().st_mtime)


@st.cache_resource(show_spinner=False, max_entries=4)
def _surface(store_key: str, key: str, _config: assess.AssessConfig) -> suitability.Surface:
    return suitability.surface(context(), dem(), config=_config)


def surface(config: assess.AssessConfig) -> suitability.Surface:
    return _surface(f"{data.current().key}:{dem_file()}", config_key(config), config)


@st.cache_resource(show_spinner=False, max_entries=8)
def _sites(store_key: str, key: str, min_mu: float, top: int, lang: str,
           _config: assess.AssessConfig) -> gpd.GeoDataFrame:
    return suitability.find_sites(context(), dem(), min_mu=min_mu, top=top, config=_config,
                                  surf=surface(_config), lang=lang)


def find_sites(config: assess.AssessConfig, min_mu: float, top: int) -> gpd.GeoDataFrame:
    """The best ``top`` sites of at least ``min_mu`` mu (cached per store, settings and size)."""
    return _sites(f"{data.current().key}:{dem_file()}", config_key(config), min_mu, top,
                  state.lang(), config)


def _report_pdf(result: gpd.GeoDataFrame, candidate_id: str, config: assess.AssessConfig) -> bytes:
    from geo.export import assessment, sheet

    layers = data.current()
    ctx = sheet.context_for(layers, state.lang())
    rep = assess.report(result, candidate_id, config, state.lang())
    return assessment.render_report(rep, layers, ctx)


def score_card(row: pd.Series, config: assess.AssessConfig,
               result: gpd.GeoDataFrame | None = None, *, index: int = 0) -> None:
    """One candidate's score, breakdown, constraints hit and notes, and its one-page report."""
    st.markdown(f"**{state.t('assess.scorecard', name=row['name'])}**")
    score = "—" if pd.isna(row["score"]) else f"{row['score']:.1f}"
    if row.get("excluded", False):
        score = state.t("assess.excluded_score")
    c1, c2 = st.columns(2)
    c1.metric(state.t("assess.fig.score"), score)
    c2.metric(state.t("assess.fig.rank"), int(row["rank"]))
    # the areas in full (a metric card would cut "1,0…"): gross, in use, constrained, net
    unit = state.t("unit.mu")
    constrained = max(float(row["area_mu"]) - float(row.get("in_use_mu", 0.0))
                      - float(row["buildable_mu"]), 0.0)
    widgets.dataframe(pd.DataFrame({
        state.t("assess.area.kind"): [state.t("assess.fig.area_mu"), state.t("assess.fig.in_use_mu"),
                                      state.t("assess.area.constrained"),
                                      state.t("assess.fig.buildable_mu")],
        unit: [f"{float(row['area_mu']):,.1f}", f"{float(row.get('in_use_mu', 0.0)):,.1f}",
               f"{constrained:,.1f}", f"{float(row['buildable_mu']):,.1f}"],
    }), hide_index=True)
    widgets.dataframe(assess.breakdown_table(row, config, state.lang()), hide_index=True)
    hits = assess.constraints_hit(row, config, state.lang())
    if hits:
        st.caption(state.t("assess.constraints_hit") + "： " + "；".join(
            f"{h['label']} {h['mu']:,.1f}{state.t('unit.mu')}（{h['share']:.0%}，"
            f"{state.t('assess.hard_yes' if h['hard'] else 'assess.hard_no')}）" for h in hits))
    else:
        st.caption(state.t("assess.no_constraints"))
    for note in assess.notes_text(row, state.lang()):
        st.warning(note)
    if result is not None:
        # drawn only when the button is clicked (deferred data)
        st.download_button(state.t("export.assess_report"),
                           lambda: _report_pdf(result, row["candidate_id"], config),
                           file_name=f"assessment_{row['candidate_id']}.pdf", mime="application/pdf",
                           # keyed by position: a key from the file's data can repeat
                           on_click="ignore", key=f"assess.report.{index}")


def score_cards(result: pd.DataFrame, config: assess.AssessConfig, *, per_row: int = 3,
                with_report: bool = False) -> None:
    """Score cards of every candidate, ``per_row`` side by side (with a report download when
    ``with_report``: the result must then come from :func:`geo.assess.assess`)."""
    for start in range(0, len(result), per_row):
        chunk = result.iloc[start:start + per_row]
        for i, (col, (_, row)) in enumerate(zip(st.columns(per_row), chunk.iterrows(),
                                                strict=False)):
            with col:
                score_card(row, config, result if with_report else None, index=start + i)


def sensitivity_table(result: pd.DataFrame, config: assess.AssessConfig) -> None:
    """Each candidate's rank when one weight moves ±10 points (:func:`geo.assess.sensitivity`):
    a rank that holds under every move is a choice the meeting can rely on."""
    table = assess.sensitivity(result, config)
    crit = {c: state.t(f"assess.crit.{c}") for c in assess.CRITERIA}
    renamed = {"name": state.t("assess.fig.name"), "rank": state.t("assess.fig.rank")}
    for c, label in crit.items():
        renamed[f"{c}+"] = f"{label} +10"
        renamed[f"{c}-"] = f"{label} −10"
    st.markdown(f"**{state.t('assess.sensitivity')}**")
    st.caption(state.t("assess.sensitivity_help"))
    widgets.dataframe(table.rename(columns=renamed), hide_index=True)


SET_KEY = "assess_saved_set"


def saved_set_picker(layers) -> gpd.GeoDataFrame | None:
    """Reopen a saved set: its candidates join the page's, and its weights are set on the
    sliders (from the next run on: a widget's value is set before it is drawn)."""
    names = assess.saved_sets(layers)
    if not names:
        return None
    chosen = st.selectbox(state.t("assess.set_open"), ["", *names], key=SET_KEY,
                          format_func=lambda n: n or "—")
    if not chosen:
        return None
    candidates, weights, hard = assess.load_set(layers, chosen)
    if st.session_state.get("assess_set_applied") != chosen:
        for c, w in weights.items():
            st.session_state[WEIGHT_KEY.format(c)] = int(round(100 * w))
        st.session_state[HARD_KEY] = list(hard)
        st.session_state["assess_set_applied"] = chosen
        st.rerun()
    return candidates.assign(candidate_id="S-" + candidates["candidate_id"].astype(str))


def save_set_form(result: gpd.GeoDataFrame, config: assess.AssessConfig) -> None:
    """Save the assessed candidates with these weights under a name, for the next meeting."""
    from geo.errors import PlannerError
    from ui import auth

    if not auth.user().can_edit:
        return
    with st.form("assess_save_set"):
        c1, c2 = st.columns([3, 1])
        name = c1.text_input(state.t("assess.set_name"), key="assess_set_name")
        if c2.form_submit_button(state.t("assess.set_save")):
            try:
                assess.save_set(data.current(), name, result, config, user=auth.user())
                st.success(state.t("assess.set_saved", name=name, n=len(result)))
            except PlannerError as exc:
                st.error(exc.text(state.lang()))

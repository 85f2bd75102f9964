"""Widgets of the import page; each owns its session-state key (prefix ``import.``)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from geo import import_folder, importer, schema
from geo.errors import PlannerError
from ui import auth, state, widgets

PATH_KEY = "import.path"          # the file being imported (an upload saved to disk, or a file
SERVER_FILE_KEY = "import.server_file"  # of the configured import folder)
PLAN_KEY = "import.plan"          # (signature, ImportPlan) of the last check
_UPLOAD_DIR = Path(tempfile.gettempdir()) / "jinyun-uploads"
NONE = "—"


def chosen_file() -> Path | None:
    """The file to import: an upload (saved under a temp folder) or a file of the configured
    import folder (:mod:`geo.import_folder`); no path typed by the user is ever opened."""
    upload = st.file_uploader(state.t("import.upload"), key="import.upload",
                              type=[s.lstrip(".") for s in importer.SUPPORTED_SUFFIXES])
    # the server's import folder is an admin's (it holds files for every town)
    folder = import_folder.configured() if auth.user().is_admin or auth.user().local else None
    server = None
    if folder is not None:
        names = import_folder.list_files(folder)
        server = st.selectbox(state.t("import.server_file"), [NONE, *names], key=SERVER_FILE_KEY)
    if upload is not None:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = _UPLOAD_DIR / digest
        target = folder / Path(upload.name).name  # never a path from the browser
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        st.session_state[PATH_KEY] = str(target)
    elif server and server != NONE:
        try:
            st.session_state[PATH_KEY] = str(import_folder.resolve(folder, server))
        except PlannerError as exc:
            st.error(exc.text(state.lang()))
            return None
    path = st.session_state.get(PATH_KEY)
    return Path(path) if path else None


@st.cache_data(show_spinner=False, max_entries=8)
def _inspect(path: str, mtime: float, layer: str | None) -> importer.SourceInfo:
    return importer.inspect(path, layer=layer)


def inspect(path: Path, layer: str | None) -> importer.SourceInfo:
    """:func:`geo.importer.inspect`, cached per file version."""
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _inspect(str(path), mtime, layer)


def request(action: str) -> None:
    """Button callback: remember the click in session state.

    A callback runs even when the run is restarted through app.py's navigation
    (:func:`ui.ensure_navigation`), where a plain button's one-shot value is lost.
    """
    st.session_state[f"import.do.{action}"] = True


def requested(action: str) -> bool:
    """True once after the button of ``action`` was clicked."""
    return bool(st.session_state.pop(f"import.do.{action}", False))


def crs_choice(candidates: list[str], *, where=st, key: str = "import.crs") -> str | None:
    """None (the file's own CRS) or one of the candidates / known CRSs."""
    options = [NONE, *candidates, *(c for c in importer.CANDIDATE_CRS if c not in candidates)]
    choice = where.selectbox(state.t("import.crs"), options, key=key,
                          format_func=lambda c: state.t("import.crs_from_file") if c == NONE else (
                              f"{c} · {state.t('import.crs_candidate')}" if c in candidates else c))
    return None if choice == NONE else choice


def mapping_editor(columns: list[str], layer: str, preset: importer.ColumnMapping | None, *,
                   scope: str) -> importer.ColumnMapping:
    """One selectbox per field of ``layer``, preset from the auto-mapping and the chosen preset.

    ``scope`` (file and preset) is part of the widget keys: another file or preset starts afresh.
    """
    scope = hashlib.sha256(scope.encode()).hexdigest()[:10]
    mapping = importer.merge_mapping(importer.auto_mapping(columns, layer), preset, columns)
    # the town code of a spatial layer is taken from the nearest town seat when the file has none
    derived = {"town_code"} if schema.LAYERS[layer].geometry else set()
    required = {f.name for f in importer.schema_fields(layer) if f.required} - derived
    unmapped = sorted(required - set(mapping.columns) - set(mapping.defaults))
    with st.expander(state.t("import.mapping"), expanded=bool(unmapped)):
        if unmapped:
            st.caption(state.t("import.unmapped", fields=", ".join(
                importer.planner_label(n, state.lang()) for n in unmapped)))
        cols = st.columns(3)
        for i, name in enumerate(importer.layer_fields(layer)):
            where = cols[i % 3]
            current = mapping.columns.get(name)
            options = [NONE, *columns]
            label = importer.planner_label(name, state.lang()) + (" *" if name in required else "")
            choice = where.selectbox(label, options, index=options.index(current) if current in options else 0,
                                     key=f"import.map.{scope}.{layer}.{name}")
            if choice != NONE:
                mapping.columns[name] = choice
                continue
            mapping.columns.pop(name, None)
            if name not in required:
                continue
            value = where.text_input(state.t("import.default_value"), value=str(mapping.defaults.get(name, "")),
                                     key=f"import.default.{scope}.{layer}.{name}").strip()
            if value:
                mapping.defaults[name] = value
            else:
                mapping.defaults.pop(name, None)
    return mapping


def _problems(items: list[importer.Problem]) -> pd.DataFrame:
    return pd.DataFrame([{state.t("import.col.file"): p.file, state.t("import.col.row"): p.row,
                          state.t("import.col.id"): p.id or "", state.t("import.col.problem"): p.message.text(state.lang())}
                         for p in items])


def show_report(report: importer.ImportReport) -> None:
    """Counts, notes and one table per kind of finding."""
    figures = (("read", report.rows_read), ("add", len(report.added)), ("update", len(report.updated)),
               ("reject", len(report.rejected)), ("repaired", len(report.repaired)), ("outside", len(report.outside)))
    for col, (key, value) in zip(st.columns(len(figures)), figures, strict=True):
        col.metric(state.t(f"import.m.{key}"), f"{value:,}")
    st.caption(state.t("import.rep.crs", crs=report.crs_used or "-", file_crs=report.crs_file or "-",
                       gcj=state.t("bool.true" if report.gcj02 else "bool.false")))
    if report.created:
        st.markdown(f"**{state.t('import.rep.created', n=len(report.created))}**")
    for note in report.note_texts(state.lang()):
        st.info(note)
    for key, items in (("rejected", report.rejected), ("repaired", report.repaired),
                       ("duplicates", report.duplicates), ("outside", report.outside),
                       ("unmatched", report.unmatched), ("uscc_errors", report.uscc_errors),
                       ("located", report.located), ("to_confirm", report.to_confirm),
                       ("unlocated", report.unlocated)):
        if items:
            st.markdown(f"**{state.t(f'import.rep.{key}', n=len(items))}**")
            widgets.dataframe(_problems(items), hide_index=True, use_container_width=True)
            if key in ("to_confirm", "unlocated") and report.written:
                st.page_link("pages/health.py", label=state.t("locate.heading"),
                             icon=":material/pin_drop:", query_params=state.link_params())

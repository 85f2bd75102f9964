"""Shared rendering of the tracking pages: labelled tables and progress cards."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from geo import i18n
from ui import state
from ui.edit import col_label

OUTSIDE = "-"


def town_names(layers: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    towns = layers["towns"]
    col = i18n.name_column(state.lang())
    return dict(zip(towns["town_code"], towns[col], strict=True))


def platform_names(layers: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    plats = layers["platforms"]
    col = i18n.name_column(state.lang())
    return {**dict(zip(plats["platform_id"], plats[col], strict=True)),
            OUTSIDE: state.t("parks.outside")}


def display(df: pd.DataFrame, columns: list[str], layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``df[columns]`` with codes turned into labels and headers translated."""
    lang = state.lang()
    out = df[columns].copy()
    enums = {"status": "park_status", "lifecycle": "lifecycle", "land_use": "land_use",
             "route": "case_route"}
    for col in out.columns:
        if col == "town_code":
            out[col] = out[col].map(town_names(layers)).fillna(out[col])
        elif col == "platform_id":
            out[col] = out[col].fillna(OUTSIDE).map(platform_names(layers)).fillna(out[col])
        elif col in enums:
            out[col] = [i18n.enum_label(enums[col], v, lang) if isinstance(v, str) else v
                        for v in out[col]]
        elif col == "flag":
            out[col] = [state.t(f"flag.{v}") for v in out[col]]
        elif out[col].dtype == bool or str(out[col].dtype) == "boolean":
            out[col] = [None if pd.isna(v) else i18n.bool_label(bool(v), lang) for v in out[col]]
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out.rename(columns=col_label)


def progress_cards(progress: pd.DataFrame, *, before: pd.DataFrame | None = None,
                   before_label: str = "", per_row: int = 4) -> None:
    """One metric per target: value, share of the target, met or not; delta against ``before``."""
    lang = state.lang()
    rows = progress.to_dict("records")
    prior = dict(zip(before["target_id"], before["value"], strict=True)) if before is not None else {}
    for start in range(0, len(rows), per_row):
        for col, r in zip(st.columns(per_row), rows[start:start + per_row], strict=False):
            name = r["name_en"] if lang == "en" else r["name_zh"]
            verdict = state.t("kpi.met") if r["met"] else state.t("kpi.not_met")
            target = f"{r['target']:,.0f}"
            help_text = f"{r['share']:.0%} · {state.t('kpi.of_target', target=target)} · {verdict}"
            delta = None
            if r["target_id"] in prior:
                diff = r["value"] - prior[r["target_id"]]
                delta = f"{diff:+,.0f} {state.t('asof.delta', label=before_label)}"
            col.metric(name, f"{r['value']:,.0f}", delta=delta, help=help_text, border=True)
            col.progress(min(max(r["share"], 0.0), 1.0), text=help_text)


def summary_label(key: str) -> str:
    """Label of a :func:`geo.land.summary` key."""
    if key.startswith("sold_"):
        return state.t("land.side.sold", year=key.removeprefix("sold_"))
    if f"gap.{key}" in i18n.TABLE:
        return state.t(f"gap.{key}")
    return state.t(f"land.side.{key}")

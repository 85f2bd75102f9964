"""Shared rendering of the inefficient-land, evaluation and ranking pages: labelled tables."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from geo import evaluation, i18n, inefficient, ranking
from ui import data, state, widgets
from ui.edit import col_label

_ENUMS = {"route": "case_route", "case_status": "case_status", "lifecycle": "lifecycle",
          "land_use": "land_use", "reason": "case_reason"}


def names(layers: Mapping[str, pd.DataFrame], layer: str, key: str) -> dict[str, str]:
    """Code -> name in the current language for ``towns`` or ``platforms``."""
    df = layers[layer]
    col = i18n.name_column(state.lang())
    return dict(zip(df[key], df[col], strict=True))


def labelled(df: pd.DataFrame, columns: list[str], layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``df[columns]`` with codes as labels, numbers rounded and headers translated."""
    lang = state.lang()
    out = pd.DataFrame(df[columns]).copy()
    for col in out.columns:
        if col == "town_code":
            out[col] = out[col].map(names(layers, "towns", "town_code")).fillna(out[col])
        elif col == "platform_id":
            out[col] = out[col].map(names(layers, "platforms", "platform_id")).fillna("-")
        elif col in _ENUMS:
            out[col] = [i18n.enum_label(_ENUMS[col], v, lang) if isinstance(v, str) else v
                        for v in out[col]]
        elif col == "reasons":
            out[col] = ["、".join(i18n.enum_label("case_reason", r, lang) for r in v.split(","))
                        for v in out[col]]
        elif col == "flag_label":  # (col.flag is the idle-land flag of the land page)
            out[col] = [state.t(f"rank.flag.{v}") for v in out[col]]
        elif col == "kind":
            out[col] = [state.t(f"rank.kind.{v}") for v in out[col]]
        elif out[col].dtype == bool:
            out[col] = [i18n.bool_label(bool(v), lang) for v in out[col]]
        elif pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").fillna("")
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(3 if col in ("rnd_share", "energy_per_10k") else 2)
    for col in out.columns:  # missing text reads better blank than "None"
        if out[col].dtype == object:
            out[col] = out[col].where(out[col].notna(), "")
    return out.rename(columns=lambda c: i18n.column_label(c, lang))


def show_table(df: pd.DataFrame, columns: list[str], layers: Mapping[str, pd.DataFrame], *,
               key: str, height: int | None = None) -> None:
    """Draw a labelled table (hiding the index)."""
    kwargs = {"height": height} if height else {}
    widgets.dataframe(labelled(df, columns, layers), hide_index=True, width="stretch",
                 key=key, **kwargs)


def pick(column: pd.Series, chosen: list) -> pd.Series:
    """Rows whose ``column`` is in ``chosen``; every row when nothing is chosen."""
    return column.isin(chosen) if chosen else pd.Series(True, index=column.index)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_proposal(cands: pd.DataFrame, required: float, overshoot_pct: float) -> inefficient.Proposal:
    """:func:`geo.inefficient.propose`, cached on its inputs (the solver takes 0.2-0.7 s)."""
    return inefficient.propose(cands, required, overshoot_pct=overshoot_pct)


alias_of = col_label  # a column's label in the current language


@st.cache_data(show_spinner=False, max_entries=64)
def cached_breaks(values: pd.Series, scheme: str, k: int) -> list[float]:
    """:func:`geo.evaluation.breaks`, cached (Fisher-Jenks runs in pure Python)."""
    return evaluation.breaks(values, scheme, k)


def history(rules: ranking.RankingRules) -> pd.DataFrame:
    """:func:`geo.ranking.history` of the current store and plan, cached per store version
    and rules (12 quarters take about 3 s)."""
    key = f"{data.current().key}:{data.current_plan().path}:{rules!r}"
    return _history(key, rules)


@st.cache_data(show_spinner=False, max_entries=16)
def _history(key: str, _rules: ranking.RankingRules) -> pd.DataFrame:
    return ranking.history(data.layers(), data.current_plan(), rules=_rules)


def flag_grid(hist: pd.DataFrame, unit_names: Mapping[str, str]) -> pd.io.formats.style.Styler:
    """Flags per unit and quarter as labels on their flag colour (rows: unit names)."""
    labels = hist.rename(index=unit_names).map(lambda f: state.t(f"rank.flag.{f}"))
    labels.index.name = state.t("col.unit")
    codes = hist.rename(index=unit_names).set_axis(labels.index)
    tint = {"red": "#f4a6a7", "yellow": "#fff3a0", "blue": "#a9cbe6"}
    return labels.style.apply(lambda _: codes.map(lambda f: f"background-color: {tint[f]}"), axis=None)

"""Shared rendering of the tracking pages: labelled tables and progress cards."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import streamlit as st

from geo import figures, i18n
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
             "route": "case_route", "role": "role"}
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


def _number(value: float, unit: str) -> str:
    # mu with a decimal: 599.8 mu must not read as the 600 it misses
    return f"{value:,.1f}" if unit == "mu" else f"{value:,.0f}"


def _share(f: figures.Figure) -> str:
    """The share of the target; a target missed never reads 100 % (99.97 % is 99.9 %)."""
    pct = 100 * f.share
    if not f.met and pct >= 99.5:
        return f"{math.floor(pct * 10) / 10:.1f}%"
    return f"{pct:.0f}%"


def figure_cards(figs: list[figures.Figure], *, before: list[figures.Figure] | None = None,
                 before_label: str = "", per_row: int = 4) -> None:
    """One card per figure (:mod:`geo.figures`): its label, value, the target and a verdict
    coloured by met / not met, the share of the target; help: the figure's key and what it
    counts. ``before``: the same figures at another date, shown as the change."""
    lang = state.lang()
    prior = {f.key: f.value for f in before or []}
    for start in range(0, len(figs), per_row):
        for col, f in zip(st.columns(per_row), figs[start:start + per_row], strict=False):
            help_text = (f"{f.definition.text(lang)}\n\n"
                         f"{state.t('fig.key', id=f.key)}")
            delta = None
            if f.key in prior:
                delta = (f"{f.value - prior[f.key]:+,.0f} "
                         f"{state.t('asof.delta', label=before_label)}")
            with col.container(border=True):
                st.metric(f.label.text(lang), _number(f.value, f.unit), delta=delta,
                          delta_color="off", help=help_text)
                if f.target is not None:
                    verdict = state.t("kpi.met") if f.met else state.t("kpi.not_met")
                    st.badge(f"{verdict} · {_share(f)} · "
                             f"{state.t('kpi.of_target', target=f'{f.target:,.0f}')}",
                             color="green" if f.met else "red")
                    st.progress(min(max(f.share, 0.0), 1.0))


def side_by_side(figs: list[figures.Figure], before: list[figures.Figure], label: str,
                 before_label: str) -> pd.DataFrame:
    """The figures at two dates, a row each: label, target, value at each date."""
    lang = state.lang()
    prior = {f.key: f.value for f in before}
    return pd.DataFrame({
        state.t("brief.col.indicator"): [f.label.text(lang) for f in figs],
        state.t("brief.col.target"): [f.target for f in figs],
        label: [f.value for f in figs],
        before_label: [prior.get(f.key) for f in figs],
    })


def summary_label(key: str) -> str:
    """Label of a :func:`geo.land.summary` key."""
    if key.startswith("sold_"):
        return state.t("land.side.sold", year=key.removeprefix("sold_"))
    if f"gap.{key}" in i18n.TABLE:
        return state.t(f"gap.{key}")
    return state.t(f"land.side.{key}")


def plan_source(text_zh: str, text_en: str = "") -> tuple[str, str | None]:
    """A basis quoted from the plan's targets as (caption text, tooltip) in the planner's
    language: in English its English version, or, when the plan has none, a pointer to the
    tooltip holding the Chinese original (never Chinese in the English caption)."""
    if state.lang() == "zh":
        return text_zh, None
    original = state.t("plan.source_original", text=text_zh) if text_zh else None
    return (text_en or state.t("plan.source_see_help")), original

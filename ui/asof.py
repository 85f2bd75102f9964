"""The as-of widget: view a page as of a year or quarter end, and compare two dates.

Usage in a page::

    from ui import asof
    as_of, compare_to = asof.show(key="parks")
    view = geo.asof.layers_as_of(data.layers(), as_of)          # None: data as stored
    if compare_to is not None:
        before = geo.asof.layers_as_of(data.layers(), compare_to)

:func:`show` returns two ``pandas.Timestamp`` (or ``None``): the date to view
the page as of (``None`` = current data) and the date to compare with
(``None`` unless the user ticked "compare"; "current data" as the second date
gives today's date). :func:`label` names a date the way
the widget does, for headings and metric deltas. The widget owns the session
keys ``<key>.asof``, ``<key>.compare_on`` and ``<key>.compare_to``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from geo import asof as asof_mod
from ui import data, state


def _period_label(period: str) -> str:
    if period == asof_mod.CURRENT:
        return state.t("asof.current")
    if "Q" in period:
        year, quarter = period.split("Q")
        return state.t("asof.quarter", year=year, quarter=quarter)
    return state.t("asof.year", year=period)


def label(date: pd.Timestamp | None) -> str:
    """How the widget names ``date``: year end, quarter end, a day, or current data."""
    if date is None:
        return state.t("asof.current")
    date = pd.Timestamp(date)
    if date.month == 12 and date.day == 31:
        return state.t("asof.year", year=date.year)
    if date == date + pd.offsets.QuarterEnd(0):
        return state.t("asof.quarter", year=date.year, quarter=date.quarter)
    return date.strftime("%Y-%m-%d")


def options(first_year: int | None = None, last_year: int | None = None) -> list[str]:
    """Period codes offered: current data; the plan's years, newest first, and the year before
    it; then the years after the plan, up to this year (available, not in the way)."""
    plan = data.current_plan()
    first = first_year if first_year is not None else plan.start_year - 1
    last = last_year if last_year is not None else dt.date.today().year
    within = list(reversed(asof_mod.periods(first, min(last, plan.end_year))))
    later = asof_mod.periods(plan.end_year + 1, last) if last > plan.end_year else []
    return [asof_mod.CURRENT, *within, *later]


def show(key: str, *, first_year: int | None = None, last_year: int | None = None,
         compare: bool = True) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Draw the widget; return ``(as_of, compare_to)``.

    Parameters
    ----------
    key
        Prefix of the widget's session keys; one per page.
    first_year, last_year
        Range of the periods offered (default: the year before the plan starts
        to the current year).
    compare
        Offer the second date to compare with.
    """
    opts = options(first_year, last_year)
    left, mid, right = st.columns([2, 1, 2])
    period = left.selectbox(state.t("asof.label"), opts, key=f"{key}.asof",
                            format_func=_period_label)
    compare_to = None
    if compare and mid.checkbox(state.t("asof.compare"), key=f"{key}.compare_on"):
        default = min(opts.index(period) + 1, len(opts) - 1)
        other = right.selectbox(state.t("asof.compare_with"), opts, index=default,
                                key=f"{key}.compare_to", format_func=_period_label)
        compare_to = asof_mod.period_end(other)
        if other == asof_mod.CURRENT:  # the data as stored, dated at their latest event
            compare_to = asof_mod.data_date(data.current())
    as_of = asof_mod.period_end(period)
    return as_of, compare_to

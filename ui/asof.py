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
the widget does, for headings and metric deltas.

The date is one session value, ``<key>.period`` (a period code), shown twice: the
selectbox ``<key>.asof`` and, beside it, a slider ``<key>.asof_slider`` over the same
periods from the oldest to the newest, then current data. Each one's ``on_change``
writes the shared value, and both are set to it before they are drawn, so moving
either moves both (and the page's figures and map, which read the returned date).
The widget owns these keys, ``<key>.asof_sync``, ``<key>.compare_on`` and
``<key>.compare_to``.
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


def slider_options(opts: list[str]) -> list[str]:
    """The periods of ``opts`` from the oldest to the newest, then current data (the slider's
    right end is now). A year's end follows its fourth quarter (the same day)."""
    periods = [p for p in opts if p != asof_mod.CURRENT]
    periods.sort(key=lambda p: (asof_mod.period_end(p), "Q" not in p))
    return [*periods, asof_mod.CURRENT] if asof_mod.CURRENT in opts else periods


def _keys(key: str) -> tuple[str, str, str]:
    return f"{key}.period", f"{key}.asof", f"{key}.asof_slider"


_PUSHED_KEPT = 64


def _sync(key: str) -> dict:
    """What each view last reported from the browser and the values pushed to it since."""
    return st.session_state.setdefault(f"{key}.asof_sync", {"report": {}, "pushed": {}})


def _moved(key: str, source: str) -> None:
    """A view of the date was changed in the browser: the shared value follows it (the other
    view follows when the page is drawn, :func:`_seed`).

    The browser sends every widget's value with each change, and a view moved by the
    server may not have been redrawn yet (quick arrow presses on the slider): a view still
    reporting what it showed before, or a value the server pushed to it, is no change by
    the planner and does not move the date back.
    """
    sync = _sync(key)
    value = st.session_state[source]
    if value == sync["report"].get(source) or value in sync["pushed"].get(source, ()):
        return
    sync["pushed"][source] = []  # the planner's own choice supersedes what was pushed
    st.session_state[_keys(key)[0]] = value


def _seed(key: str, opts: list[str]) -> None:
    """Both views set to the shared value before they are drawn (the first time, after a
    change of the other view, or after another page's run dropped their widget state)."""
    shared, box, slider = _keys(key)
    sync = _sync(key)
    value = st.session_state.get(shared)
    if value not in opts:
        value = st.session_state.get(box) if st.session_state.get(box) in opts else opts[0]
    st.session_state[shared] = value
    for k in (box, slider):
        shown = st.session_state.get(k)
        pushed = sync["pushed"].setdefault(k, [])
        if pushed and shown == pushed[-1]:
            pushed.clear()  # the browser has caught up with the server
        sync["report"][k] = shown
        if shown != value:
            st.session_state[k] = value
            if shown is not None:  # a view drawn anew shows the value it is given
                pushed[:] = [*pushed, value][-_PUSHED_KEPT:]


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
    _seed(key, opts)
    _, box, slider = _keys(key)
    left, slide, mid, right = st.columns([2, 4, 1.4, 2])
    period = left.selectbox(state.t("asof.label"), opts, key=box, format_func=_period_label,
                            on_change=_moved, args=(key, box))
    slide.select_slider(state.t("asof.slider"), slider_options(opts), key=slider,
                        format_func=_period_label, on_change=_moved, args=(key, slider),
                        help=state.t("asof.slider_help"))
    st.session_state[f"{box}.drawn"] = st.session_state[f"{slider}.drawn"] = period
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

"""The reusable as-of widget (ui/asof.py) on its own, through AppTest.from_function."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from ui import asof

    as_of, compare_to = asof.show(key="w", first_year=2019, last_year=2021)
    st.write(f"as_of={as_of} compare_to={compare_to}")
    st.caption(asof.label(as_of))


def _out(at) -> str:
    return at.markdown[0].value


def test_defaults_to_current_data():
    at = AppTest.from_function(_script, default_timeout=30).run()
    assert not at.exception
    assert _out(at) == "as_of=None compare_to=None"
    assert at.caption[0].value == "当前数据"
    opts = at.selectbox(key="w.asof").options
    assert opts[0] == "当前数据" and opts[1] == "2021年第4季度末" and opts[-1] == "2019年末"


def test_year_quarter_and_comparison():
    at = AppTest.from_function(_script, default_timeout=30).run()
    at.selectbox(key="w.asof").set_value("2020Q3").run()
    assert _out(at) == "as_of=2020-09-30 00:00:00 compare_to=None"
    assert at.caption[0].value == "2020年第3季度末"
    at.checkbox(key="w.compare_on").check().run()
    # the default comparison is the period listed next (the one before)
    assert _out(at) == "as_of=2020-09-30 00:00:00 compare_to=2020-06-30 00:00:00"
    at.selectbox(key="w.compare_to").set_value("2019").run()
    assert _out(at) == "as_of=2020-09-30 00:00:00 compare_to=2019-12-31 00:00:00"


def test_slider_runs_oldest_to_newest_then_current():
    at = AppTest.from_function(_script, default_timeout=30).run()
    slider = at.select_slider(key="w.asof_slider")
    opts = slider.options
    assert opts[0] == "2019年第1季度末" and opts[-1] == "当前数据"
    # a year's end follows its fourth quarter; the same periods as the selectbox
    assert opts[opts.index("2020年第4季度末") + 1] == "2020年末"
    assert sorted(opts) == sorted(at.selectbox(key="w.asof").options)
    assert slider.value == "current"


def test_slider_and_selectbox_are_one_value():
    at = AppTest.from_function(_script, default_timeout=30).run()
    at.select_slider(key="w.asof_slider").set_value("2020Q2").run()
    assert _out(at) == "as_of=2020-06-30 00:00:00 compare_to=None"
    assert at.selectbox(key="w.asof").value == "2020Q2"
    assert at.session_state["w.period"] == "2020Q2"
    # and the other way round
    at.selectbox(key="w.asof").set_value("2019").run()
    assert at.select_slider(key="w.asof_slider").value == "2019"
    assert _out(at) == "as_of=2019-12-31 00:00:00 compare_to=None"
    # the comparison's default follows whichever view moved
    at.checkbox(key="w.compare_on").check().run()
    at.select_slider(key="w.asof_slider").set_value("2021Q1").run()
    assert at.selectbox(key="w.asof").value == "2021Q1"
    assert _out(at).startswith("as_of=2021-03-31 00:00:00 compare_to=")

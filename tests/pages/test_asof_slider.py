"""The date slider on the parks page, in AppTest: moving it moves the figures, the map (the
parks it draws as completed) and the as-of selectbox together; the selectbox moves it back."""

from __future__ import annotations

import json
import re

import pytest

from tests.pages.conftest import open_page_alone

PAGE = "pages/parks.py"
_PARK = re.compile(r'"park_id": "([^"]+)"[^{}]*?"status": "([^"]*)"')


@pytest.fixture
def page(demo_store, monkeypatch):
    return open_page_alone(PAGE, demo_store, monkeypatch)


def _map_statuses(at) -> dict[str, str]:
    """Each park's status as the map's GeoJSON draws it (streamlit-folium's script)."""
    (component,) = list(at.get("component_instance"))
    script = json.loads(component.proto.json_args)["script"]
    return {pid: json.loads(f'"{status}"') for pid, status in _PARK.findall(script)}


def _figures(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_slider_moves_figures_map_and_selectbox(page):
    now_map, now_figures = _map_statuses(page), _figures(page)
    assert len(now_map) == 17
    built_now = sum(s in ("建成", "运营") for s in now_map.values())
    slider = page.select_slider(key="parks.asof_slider")
    assert slider.value == "current"

    slider.set_value("2019Q4").run()
    assert not page.exception
    assert page.selectbox(key="parks.asof").value == "2019Q4"
    assert "2019年末" in page.subheader[0].value  # the last day of 2019, however picked
    then_map, then_figures = _map_statuses(page), _figures(page)
    built_then = sum(s in ("建成", "运营") for s in then_map.values())
    # as of the end of 2019 one park was finished (P03, June 2019), eleven are now
    assert (built_then, built_now) == (1, 11)
    assert then_map["P03"] == "建成" and then_map["P08"] == "在建"
    assert then_figures["已建成小微园（个）"] == "1" != now_figures["已建成小微园（个）"]

    # the selectbox moves the slider, and the page with it
    page.selectbox(key="parks.asof").set_value("2020").run()
    assert page.select_slider(key="parks.asof_slider").value == "2020"
    built_2020 = sum(s in ("建成", "运营") for s in _map_statuses(page).values())
    assert built_then < built_2020 < built_now
    assert _figures(page)["已建成小微园（个）"] == str(built_2020)

    # back to the right end: the data as stored
    page.select_slider(key="parks.asof_slider").set_value("current").run()
    assert page.selectbox(key="parks.asof").value == "current"
    assert _map_statuses(page) == now_map and _figures(page) == now_figures


@pytest.mark.parametrize(("page_file", "key"), [("pages/land.py", "land"),
                                                ("pages/inefficient.py", "inefficient"),
                                                ("pages/evaluation.py", "evaluation")])
def test_every_as_of_page_has_the_slider(page_file, key, demo_store, monkeypatch):
    at = open_page_alone(page_file, demo_store, monkeypatch)
    slider = at.select_slider(key=f"{key}.asof_slider")
    box = at.selectbox(key=f"{key}.asof")
    assert sorted(slider.options) == sorted(box.options) and slider.options[-1] == "当前数据"
    slider.set_value("2020Q2").run()
    assert not at.exception
    assert at.selectbox(key=f"{key}.asof").value == "2020Q2"

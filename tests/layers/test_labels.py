"""Names drawn on the folium map: one script per labelled layer inside its group, the texts
escaped and handed over as JSON, the declutter routine installed, no asset from outside."""

from __future__ import annotations

import json
import re

import folium
import pytest

from geo import store
from geo.maps import Group, Label, Labels, MapDescription
from geo.maps.overview import overview
from layers import assets, render
from layers.labels import PlaceLabels


@pytest.fixture(scope="module")
def demo(demo_store):
    return store.read_all(demo_store)


def _place_labels(m: folium.Map) -> list[PlaceLabels]:
    return [el for el in assets._walk(m) if isinstance(el, PlaceLabels)]


def _json_arrays(html: str) -> list[list[dict]]:
    """Every label list handed to the script (the JSON before ``.forEach``)."""
    return [json.loads(s) for s in re.findall(r'(\[\{"html".*?\}\])\.forEach', html)]


def test_overview_labels_in_their_groups(demo):
    m = render.folium_map(overview(demo, lang="zh"))
    labels = _place_labels(m)
    assert len(labels) == 3
    parents = {el._parent.layer_name: el for el in labels}
    assert set(parents) == {"乡镇（街道）驻地", "产业平台", "小微企业园"}
    assert sorted(parents["乡镇（街道）驻地"].texts()) == sorted(demo["towns"]["name_zh"])
    html = m.get_root().render()
    # one declutter routine, run after every zoom and pan, no plugin to fetch
    assert html.count("window.PlannerLabels = {") == 3  # each guarded by "if (!PL)"
    assert "zoomend moveend resize overlayadd overlayremove" in html
    assert not [u for u in assets.asset_urls(m) if u.startswith("http")]
    lists = _json_arrays(html)
    assert sum(len(x) for x in lists) == len(demo["towns"]) + len(demo["platforms"]) + \
        len(demo["parks"])
    assert {d["html"] for x in lists for d in x} >= set(demo["towns"]["name_zh"])


def test_text_is_escaped_for_html_and_template_literals():
    evil = "<img src=x onerror=alert(1)>${window.x}`"
    desc = MapDescription([Group("g", "组", [Labels("g:labels", [Label(120.1, 28.6, evil, 5, 9)],
                                                   color="#123456\" onload=\"x")])])
    m = render.folium_map(desc)
    html = m.get_root().render()
    assert "<img src=x" not in html and "${window.x}" not in html
    (items,) = _json_arrays(html)
    assert items[0]["html"] == "&lt;img src=x onerror=alert(1)&gt;&#36;{window.x}&#96;"
    assert (items[0]["priority"], items[0]["min_zoom"]) == (5, 9)
    assert 'onload="x' not in html


def test_style_follows_the_description():
    labels = Labels("k", [Label(120.0, 28.5, "壶镇镇")], color="#6a3d9a", size_px=13, bold=True,
                    anchor="above")
    el = PlaceLabels(labels)
    assert "font:bold 13px" in el.css and "color:#6a3d9a" in el.css
    assert "translate(-50%,-100%)" in el.css and "pointer-events:none" in el.css
    plain = PlaceLabels(Labels("k", [Label(120.0, 28.5, "园")]))
    assert "font:normal 12px" in plain.css and "translate(-50%,-50%)" in plain.css

"""The interactive map as one self-contained HTML file."""

from __future__ import annotations

import re

import pytest

from geo import store
from layers import assets
from layers.overview import overview_map
from layers.standalone import external_urls, standalone_html


@pytest.fixture(scope="module")
def html(demo_store) -> str:
    return standalone_html(overview_map(store.read_all(demo_store)), title="县域总览")


def test_every_asset_is_inline(html):
    assert external_urls(html) == []
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+stylesheet", html)
    leaflet = (assets.STATIC_DIR / "vendor/leaflet/leaflet.js").read_text(encoding="utf-8")
    assert leaflet[:2000].replace("</script", "<\\/script") in html
    assert "<title>县域总览</title>" in html


def test_css_images_become_data_urls(html):
    # Leaflet's layer-control icon is referenced from its CSS as images/layers.png
    assert "url(data:image/png;base64," in html
    assert "images/layers.png" not in html


def test_an_asset_with_no_local_copy_is_refused():
    import folium

    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("x", "https://cdn.example.invalid/x.js")]
    with pytest.raises(assets.MissingAssetError, match="cdn.example.invalid"):
        standalone_html(m)


def test_ranking_flag_map_is_self_contained(demo_store):
    from geo import plan, ranking
    from layers.performance import ranking_map

    layers = store.read_all(demo_store)
    p = plan.load_plan()
    html = standalone_html(ranking_map(layers, ranking.flags(layers, p, "2021Q2")))
    assert external_urls(html) == []
    assert "rank-flag" in html and "L.map(" in html

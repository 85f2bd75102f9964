"""The overview's layers: categories, tooltips and legend in the chosen language."""

import pytest

from geo import i18n, schema, store, styles
from layers import overview


@pytest.fixture(scope="module")
def layers(demo_store):
    return store.read_all(demo_store)


def _geojsons(fg):
    return [c for c in fg._children.values() if c.__class__.__name__ == "GeoJson"]


def test_parks_one_layer_per_status_with_all_seventeen(layers):
    fg = overview.park_layer(layers["parks"], "zh")
    parts = _geojsons(fg)
    assert sum(len(g.data["features"]) for g in parts) == 17
    names = {g.layer_name for g in parts}
    assert names <= {i18n.enum_label("park_status", c) for c in schema.ENUMS["park_status"]}
    first = parts[0].data["features"][0]["properties"]
    assert set(first) == set(overview.PARK_FIELDS)
    assert first["status"] in names  # labels, not codes, in the tooltip


def test_constant_style_per_category_keeps_the_styler_o1(layers):
    import folium

    m = folium.Map(tiles=None)
    fg = overview.parcel_layer(layers["parcels"], layers["towns"], "zh")
    fg.add_to(m)
    html = m.get_root().render()
    # folium lists feature ids in a per-feature switch only when styles differ within a layer
    assert "case " not in html
    for g in _geojsons(fg):
        assert g.style_function(None)["fillColor"] in styles.LIFECYCLE_COLORS.values()


def _tooltip(g):
    return next(c for c in g._children.values() if c.__class__.__name__ == "GeoJsonTooltip")


def test_tooltip_aliases_follow_the_language(layers):
    zh = overview.park_layer(layers["parks"], "zh")
    en = overview.park_layer(layers["parks"], "en")
    assert _tooltip(_geojsons(zh)[0]).aliases[0] == "名称"
    assert _tooltip(_geojsons(en)[0]).aliases[0] == "Name"


def test_legend_matches_the_map_colours():
    legend = overview.overview_legend("zh")
    labels = legend.labels()
    for code in styles.PARK_STATUS_COLORS:
        assert i18n.enum_label("park_status", code) in labels
    for code, color in styles.LIFECYCLE_COLORS.items():
        assert i18n.enum_label("lifecycle", code) in labels
        assert color in legend.html


def test_a_store_with_empty_layers_still_gives_a_map():
    # a county's own store may start with no enterprises, parks or towns yet
    from tests.fixtures import tiny_layers

    m = overview.overview_map(tiny_layers(), lang="zh")
    html = m.get_root().render()
    # the parks that exist are drawn (GeoJSON escapes non-ASCII text)
    assert "甲园" in html or "\\u7532\\u56ed" in html

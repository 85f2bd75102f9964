"""Leaflet and plugin assets come from the app itself, never from a CDN."""

import folium
import folium.plugins
import pytest

from geo import store
from layers import assets
from layers.overview import overview_map


@pytest.fixture(scope="module")
def overview(demo_store):
    return overview_map(store.read_all(demo_store), lang="zh")


def test_every_asset_of_the_overview_is_a_local_file(overview):
    urls = assets.asset_urls(overview)
    assert any(u.endswith("leaflet.js") for u in urls)
    for url in urls:
        assert url.startswith(assets.URL_PREFIX), url
        assert assets.local_file(url).is_file(), url


def test_rendered_html_names_no_outside_host(overview):
    html = overview.get_root().render()
    for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "code.jquery.com",
                 "netdna.bootstrapcdn.com", "d3js.org"):
        assert host not in html


@pytest.mark.parametrize("plugin", [folium.plugins.Draw(), folium.plugins.Fullscreen(),
                                    folium.plugins.VectorGridProtobuf("/t/{z}/{x}/{y}.pbf", "p")])
def test_plugins_we_use_are_vendored(plugin):
    m = folium.Map(tiles=None)
    plugin.add_to(m)
    assets.localize(m)
    for url in assets.asset_urls(m):
        assert assets.local_file(url).is_file(), url


def test_an_unknown_cdn_address_is_refused():
    m = folium.Map(tiles=None)
    m.default_js = [*m.default_js, ("x", "https://cdn.example.com/x.js")]
    with pytest.raises(assets.MissingAssetError, match="cdn.example.com/x.js"):
        assets.localize(m)


def test_standalone_base_for_exports():
    m = assets.localize(folium.Map(tiles=None), base="file:///srv/static/")
    assert "file:///srv/static/vendor/leaflet/leaflet.js" in assets.asset_urls(m)


def test_the_scale_bar_is_metric_only(overview):
    html = overview.get_root().render()
    assert "L.control.scale({metric: true, imperial: false})" in html
    assert "L.control.scale()" not in html  # folium's own, with miles and feet


def test_a_local_basemap_asks_only_inside_its_bounds_and_zooms_with_its_text_escaped():
    from geo.basemaps import Basemap
    from layers.basemap import base_map

    local = Basemap("user:0123456789abcdef", ("/basemap/0123456789abcdef/{z}/{x}/{y}",),
                    "<img src=x onerror=alert(1)>", local=True, min_native_zoom=8,
                    max_native_zoom=14, bounds=(119.8, 28.3, 120.5, 28.9))
    html = base_map((119.9, 28.4, 120.4, 28.9), basemap=local).get_root().render()
    assert '"/basemap/0123456789abcdef/{z}/{x}/{y}"' in html
    assert '"maxNativeZoom": 14' in html and '"minNativeZoom": 8' in html
    assert "<img src=x" not in html and "&lt;img src=x" in html.replace("\\u0026", "&")
    assert "28.3" in html and "120.5" in html  # the bounds Leaflet keeps its requests in

"""Folium builders of the assessment page: surface image, legend, candidates, Draw, local assets."""

from __future__ import annotations

import base64
import io
import json

import folium
import geopandas as gpd
import numpy as np
import pytest
from folium.plugins import Draw
from PIL import Image
from shapely import box

from geo import assess, styles, suitability
from layers import assess as la
from layers import assets
from tests.geo.test_assess import X0, Y0, world, write_dem


def test_surface_rgba_colours():
    data = np.array([[0.0, 100.0], [-1.0, np.nan]], dtype=np.float32)
    rgba = la.surface_rgba(data, opacity=1.0)
    assert tuple(rgba[0, 0, :3]) == la._hex_rgb(styles.SUITABILITY_STOPS[0][1])
    assert tuple(rgba[0, 1, :3]) == la._hex_rgb(styles.SUITABILITY_STOPS[-1][1])
    assert tuple(rgba[1, 0, :3]) == la._hex_rgb(styles.SUITABILITY_EXCLUDED)
    assert rgba[1, 1, 3] == 0  # no data is transparent
    assert rgba[0, 0, 3] == 255


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    from geo import terrain

    layers = world()
    layers["zones"] = gpd.GeoDataFrame({"zone_id": ["Z"], "platform_id": ["P"], "name_zh": ["功能区"],
                                        "name_en": ["Zone"]},
                                       geometry=[box(X0 + 5000, Y0 + 1000, X0 + 5500, Y0 + 1500)],
                                       crs="EPSG:4549")
    ctx = assess.build_context(layers)
    dem = terrain.read_dem(write_dem(tmp_path_factory.mktemp("ldem") / "dem.tif", width_m=10_000))
    surf = suitability.surface(ctx, dem, res_m=100)
    cands = gpd.GeoDataFrame({"name": ["甲"]}, geometry=[box(X0 + 1500, Y0 + 2000, X0 + 2500, Y0 + 2500)],
                             crs="EPSG:4549")
    result = assess.assess(cands, ctx, dem)
    return layers, surf, result


def test_surface_layer_is_a_png_image_overlay(setting):
    _, surf, _ = setting
    fg = la.surface_layer(surf, "zh", max_px=50)
    overlay = next(c for c in fg._children.values() if isinstance(c, folium.raster_layers.ImageOverlay))
    url = overlay.url
    assert url.startswith("data:image/png;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert img.mode == "RGBA" and max(img.size) <= 50
    (south, west), (north, east) = overlay.bounds
    assert south < north and west < east


def test_surface_legend_lists_the_ramp_and_exclusions():
    legend = la.surface_legend("en")
    assert legend.labels() == ["0", "25", "50", "75", "100", "Excluded"]


def test_assess_map_has_draw_candidates_and_local_assets(setting):
    layers, surf, result = setting
    m = la.assess_map(layers, lang="zh", result=result, surf=surf)
    html = m.get_root().render()
    assert any(isinstance(c, Draw) for c in m._children.values())
    urls = assets.asset_urls(m)
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in urls
    assert all(u.startswith("/app/static/") for u in urls)
    for u in urls:
        assert assets.local_file(u).exists(), u
    def has(text):  # folium writes GeoJSON with ASCII escapes, other strings as they are
        return text in html or json.dumps(text)[1:-1] in html

    assert has("甲") and has("适宜性评分")  # the candidate and its tooltip
    assert "data:image/png;base64," in html
    assert has("刚性排除")  # the surface legend


def test_candidate_layer_tooltip_fields(setting):
    _, _, result = setting
    fg = la.candidate_layer(result, "en")
    gj = next(iter(fg._children.values()))
    props = gj.data["features"][0]["properties"]
    assert set(props) == set(la.CANDIDATE_FIELDS)
    assert props["name"] == "甲" and props["area_mu"] == pytest.approx(750.0)

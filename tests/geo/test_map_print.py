"""A map description as a print spec: the page's own layers, colours, filters and extent, as
the screen draws them from the same description."""

from __future__ import annotations

import io
import re

import geopandas as gpd
import numpy as np
import pytest
from PIL import Image
from shapely.geometry import Point, Polygon

from geo import parks, store, styles
from geo.export import sheet
from geo.export.draw import LINE, POINT, POLYGON, DrawLayer, RasterLayer
from geo.export.errors import ExportError
from geo.export.labels import FLAG, TOWN
from geo.export.maps import spec_from_description
from geo.maps import Features, Group, MapDescription, Raster, Style
from geo.maps.overview import overview as overview_map
from geo.maps.performance import ranking_map
from geo.maps.tracking import parks_map
from geo.plan import load_plan
from ui.snapshot import bounds_to_bbox


@pytest.fixture(scope="module")
def demo(demo_store):
    return store.read_all(demo_store)


def _faces(spec) -> set[str]:
    return {lay.symbol.face.lower() for lay in spec.layers
            if isinstance(lay, DrawLayer) and lay.symbol.face}


def _count(spec, color: str, kind: str = POLYGON) -> int:
    return sum(len(lay.geoms) for lay in spec.layers if isinstance(lay, DrawLayer)
               and lay.symbol.kind == kind and (lay.symbol.face or "").lower() == color.lower())


def test_overview_prints_what_opens_on_screen(demo):
    spec = spec_from_description(overview_map(demo), page="overview", title="总览", what="w")
    for status, color in styles.PARK_STATUS_COLORS.items():
        assert _count(spec, color) == int((demo["parks"]["status"] == status).sum())
    drawn_parcels = sum(_count(spec, c) for c in styles.LIFECYCLE_COLORS.values())
    assert drawn_parcels == len(demo["parcels"])
    # enterprises and constraints open hidden, so they are not printed
    assert styles.ENTERPRISE_COLOR.lower() not in _faces(spec)
    assert not any(c.lower() in _faces(spec) for c in styles.CONSTRAINT_COLORS.values())
    labels = spec.legend_labels()
    assert {"运营", "已达标", "国道", "县界"} <= set(labels)
    # town names beside their seats, platforms and parks named on their areas
    assert sum(lab.priority == TOWN for lab in spec.labels) == len(demo["towns"])
    assert {lab.text for lab in spec.labels if lab.area} == {
        *demo["platforms"]["name_zh"], *demo["parks"]["name_zh"]}
    roads = [lay for lay in spec.layers if isinstance(lay, DrawLayer) and lay.symbol.kind == LINE]
    assert sum(len(r.geoms) for r in roads) == len(demo["roads"])
    # extent: the county, in metres (EPSG:4549 eastings near 500 km)
    minx, miny, maxx, maxy = spec.extent_m
    assert 400_000 < minx < maxx < 600_000 and 40_000 < maxx - minx < 70_000


def test_parks_map_prints_only_the_filtered_parks_and_fits_them(demo, demo_store):
    plan = load_plan()
    table = parks.table(demo, plan)
    operating = parks.filter_table(table, statuses=["operating"])
    assert 0 < len(operating) < len(table)
    full = spec_from_description(parks_map(demo, table), page="parks", title="t", what="w")
    only = spec_from_description(parks_map(demo, operating), page="parks", title="t", what="w")
    op_color = styles.PARK_STATUS_COLORS["operating"]
    assert _count(only, op_color) == len(operating)
    others = [c for s, c in styles.PARK_STATUS_COLORS.items() if s != "operating"]
    assert sum(_count(only, c) for c in others) == 0
    assert sum(_count(full, c) for c in others) > 0
    w = lambda e: e[2] - e[0]  # noqa: E731
    assert w(only.extent_m) <= w(full.extent_m)


def test_current_view_overrides_the_opening_extent(demo):
    m = overview_map(demo)
    box = (120.05, 28.60, 120.15, 28.70)
    spec = spec_from_description(m, page="overview", title="t", what="w", bbox_deg=box)
    minx, miny, maxx, maxy = spec.extent_m
    assert 9_000 < maxx - minx < 10_500 and 10_500 < maxy - miny < 11_800  # 0.1° near 28.6°N


def test_ranking_flags_print_in_their_colours_with_ranks(demo):
    from geo import ranking

    plan = load_plan()
    flagged = ranking.flags(demo, plan, ranking.quarters(plan)[-1])
    spec = spec_from_description(ranking_map(demo, flagged), page="ranking", title="t", what="w")
    points = [lay for lay in spec.layers if isinstance(lay, DrawLayer) and lay.symbol.kind == POINT]
    assert sum(len(p.geoms) for p in points) == len(flagged)
    assert {p.symbol.face for p in points} <= set(styles.RANK_FLAG_COLORS.values())
    ranks = [int(re.search(r"（(\d+)）", lab.text).group(1)) for lab in spec.labels
             if lab.priority == FLAG]
    assert sorted(ranks) == sorted(flagged["rank"].astype(int))
    assert set(spec.legend_labels()) >= {"红旗", "黄旗", "蓝旗"}


def test_image_overlay_becomes_a_raster_layer():
    rgba = np.zeros((4, 6, 4), dtype=np.uint8)
    rgba[..., 0], rgba[..., 3] = 200, 255
    desc = MapDescription([Group("surface", "s", [Raster("r", rgba, (120.0, 28.6, 120.2, 28.7),
                                                          opacity=0.5)])])
    spec = spec_from_description(desc, page="x", title="t", what="w")
    (raster,) = spec.layers
    assert isinstance(raster, RasterLayer) and raster.image.shape == (4, 6, 4)
    assert raster.image[0, 0, 3] == 127  # the overlay's opacity
    x0, y0, x1, y1 = raster.extent_m
    assert 19_000 < x1 - x0 < 20_500


def test_leaflet_defaults_and_hidden_groups():
    poly = gpd.GeoDataFrame(geometry=[Polygon([(120, 28.6), (120.1, 28.6), (120.1, 28.7)])],
                            crs="EPSG:4326")
    dot = gpd.GeoDataFrame(geometry=[Point(120.05, 28.65)], crs="EPSG:4326")
    desc = MapDescription([Group("a", "a", [Features("poly", poly, Style())]),
                           Group("hidden", "hidden", [Features("dot", dot, Style(color="#ff0000"),
                                                               points=True)], show=False)])
    spec = spec_from_description(desc, page="x", title="t", what="w")
    (poly,) = spec.layers
    assert poly.symbol.face == "#3388ff" and poly.symbol.face_alpha == pytest.approx(0.2)
    assert poly.symbol.linewidth_pt == pytest.approx(3 * 0.75)


def test_a_map_with_nothing_to_print_is_refused():
    with pytest.raises(ExportError) as err:
        spec_from_description(MapDescription([]), page="empty", title="t", what="w")
    assert "tick at least one layer" in err.value.text("en") and "请至少勾选一个图层" in str(err.value)


@pytest.mark.parametrize("bounds, expected", [
    ({"_southWest": {"lat": 28.6, "lng": 120.0}, "_northEast": {"lat": 28.7, "lng": 120.2}},
     (120.0, 28.6, 120.2, 28.7)),
    ({"_southWest": {"lat": None, "lng": None}, "_northEast": {"lat": None, "lng": None}}, None),
    ({"_southWest": {"lat": 28.7, "lng": 120.2}, "_northEast": {"lat": 28.6, "lng": 120.0}}, None),
    (None, None),
])
def test_bounds_from_streamlit_folium(bounds, expected):
    assert bounds_to_bbox(bounds) == expected


def test_parks_sheet_renders_at_the_paper_size(demo):
    plan = load_plan()
    m = parks_map(demo, parks.table(demo, plan))
    spec = spec_from_description(m, page="parks", title="小微企业园", what="地图")
    body, info = sheet.render_sheet(spec, sheet.SheetOptions("A4", "portrait", 150, "png"),
                                    sheet.SheetContext(demo=True))
    img = Image.open(io.BytesIO(body))
    assert img.size == (1240, 1754)
    assert info.scale_denominator > 0



def test_a_legend_lists_only_what_the_map_shows_after_filters(demo, demo_store):
    from geo.maps import tracking

    table = parks.table(demo, store.Store(demo_store).plan)
    every = tracking.parks_map(demo, table, lang="zh")
    only = tracking.parks_map(demo, parks.filter_table(table, statuses=["completed"]), lang="zh")
    assert len(every.legend[0].entries) == table["status"].nunique() > 1
    assert [e.label for e in only.legend[0].entries] == ["建成"]

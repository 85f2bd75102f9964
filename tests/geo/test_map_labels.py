"""Names on the screen map as data: which places, where, in which language, from which zoom,
with which priority; and the sheet, which writes its own labels, is not disturbed by them."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from geo import parks, store
from geo.export.maps import spec_from_description
from geo.maps import Labels
from geo.maps import labels as place
from geo.maps.overview import overview
from geo.maps.tracking import parks_map
from geo.plan import load_plan


@pytest.fixture(scope="module")
def demo(demo_store):
    return store.read_all(demo_store)


def _labels(desc, group: str) -> Labels:
    return next(lay for lay in desc.group(group).layers if isinstance(lay, Labels))


def test_overview_names_towns_platforms_and_parks_by_zoom(demo):
    desc = overview(demo, lang="zh")
    towns, plats, park = (_labels(desc, g) for g in ("towns", "platforms", "parks"))
    assert sorted(lab.text for lab in towns.labels) == sorted(demo["towns"]["name_zh"])
    assert sorted(lab.text for lab in plats.labels) == sorted(demo["platforms"]["name_zh"])
    assert sorted(lab.text for lab in park.labels) == sorted(demo["parks"]["name_zh"])
    # towns from the county's zoom, platforms from 11, parks from 13
    assert min(lab.min_zoom for lab in towns.labels) == place.TOWN_MIN_ZOOM <= 10
    assert {lab.min_zoom for lab in plats.labels} == {place.PLATFORM_MIN_ZOOM}
    assert {lab.min_zoom for lab in park.labels} == {place.PARK_MIN_ZOOM}
    # parks win over platforms, platforms over towns; key industrial towns over townships
    assert min(p.priority for p in park.labels) > max(p.priority for p in plats.labels) \
        > max(t.priority for t in towns.labels)
    by_name = {lab.text: lab for lab in towns.labels}
    assert by_name["壶镇镇"].priority > by_name["胡源乡"].priority
    assert by_name["胡源乡"].min_zoom > by_name["壶镇镇"].min_zoom


def test_town_names_sit_on_the_seats_and_parks_inside_their_outlines(demo):
    desc = overview(demo, lang="zh")
    seats = demo["towns"].to_crs("EPSG:4326").set_index("name_zh").geometry
    for lab in _labels(desc, "towns").labels:
        assert Point(lab.lon, lab.lat).distance(seats[lab.text]) < 1e-9
    outlines = demo["parks"].to_crs("EPSG:4326").set_index("name_zh").geometry
    for lab in _labels(desc, "parks").labels:
        assert outlines[lab.text].contains(Point(lab.lon, lab.lat))


def test_english_names_never_chinese(demo):
    desc = overview(demo, lang="en")
    towns = [lab.text for lab in _labels(desc, "towns").labels]
    assert sorted(towns) == sorted(demo["towns"]["name_en"])
    # parks carry no English name: they are named by their ID, not in Chinese
    park = [lab.text for lab in _labels(desc, "parks").labels]
    assert sorted(park) == sorted(demo["parks"]["park_id"])
    for text in towns + park + [lab.text for lab in _labels(desc, "platforms").labels]:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_filtered_parks_are_not_named(demo):
    desc = overview(demo, lang="zh", filters={"parks": {"status": ["operating"]}})
    operating = demo["parks"][demo["parks"]["status"] == "operating"]
    assert sorted(lab.text for lab in _labels(desc, "parks").labels) == sorted(operating["name_zh"])


def test_parks_map_names_its_parks_and_platforms(demo):
    table = parks.table(demo, load_plan())
    shown = table[table["town_code"] == "331122101"]
    desc = parks_map(demo, shown, lang="zh")
    assert sorted(lab.text for lab in _labels(desc, "parks").labels) == sorted(shown["name_zh"])
    assert _labels(desc, "platforms").labels


def test_larger_places_first_and_empty_names_skipped():
    crs = "EPSG:4549"
    small = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])
    large = Polygon([(100, 0), (300, 0), (300, 200), (100, 200)])
    frame = gpd.GeoDataFrame({"park_id": ["S", "L", "E"], "name_zh": ["小园", "大园", " "]},
                             geometry=[small, large, large], crs=crs).to_crs("EPSG:4490")
    frame.loc[2, "name_zh"] = None
    out = place.park_labels(frame, "zh")
    # the one without a name in Chinese is named by its ID
    assert [lab.text for lab in out.labels] == ["大园", "E", "小园"]
    assert place.park_labels(frame.iloc[0:0], "zh") is None


def test_the_sheet_ignores_screen_labels(demo):
    desc = overview(demo, lang="zh")
    spec = spec_from_description(desc, page="overview", lang="zh")
    assert not any(lay.key.endswith(":labels") for lay in spec.layers)
    # the sheet still writes the town names beside their seats, once each
    written = [text for _, _, text in spec.labels]
    assert sorted(set(written) & set(demo["towns"]["name_zh"])) == sorted(demo["towns"]["name_zh"])

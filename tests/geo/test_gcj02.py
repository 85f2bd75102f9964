"""GCJ-02 <-> WGS84: published pairs, the Jinyun offset, and the iterative inverse."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geo import gcj02

_GEOD = Geod(ellps="WGS84")

# (wgs lng, wgs lat, gcj lng, gcj lat) published with googollee/eviltransform's tests.
PUBLISHED = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]


def _metres(lng1, lat1, lng2, lat2) -> float:
    return float(_GEOD.inv(lng1, lat1, lng2, lat2)[2])


@pytest.mark.parametrize(("wlng", "wlat", "glng", "glat"), PUBLISHED)
def test_published_pairs_within_1_m(wlng, wlat, glng, glat):
    lng, lat = gcj02.wgs84_to_gcj02(wlng, wlat)
    assert _metres(lng, lat, glng, glat) < 1.0
    back_lng, back_lat = gcj02.gcj02_to_wgs84(glng, glat)
    assert _metres(back_lng, back_lat, wlng, wlat) < 1.0


def test_jinyun_county_centre_offset():
    # DOMAIN.md §5: the DataV/AMap centre 120.078965, 28.654208 (GCJ) is about 120.0743, 28.6572 (WGS)
    lng, lat = gcj02.gcj02_to_wgs84(120.078965, 28.654208)
    assert abs(lng - 120.0743) < 5e-5 and abs(lat - 28.6572) < 5e-5  # the 4-decimal figures
    azimuth, _, dist = _GEOD.inv(float(lng), float(lat), 120.078965, 28.654208)
    assert 540 <= dist <= 570  # GCJ puts points 540-570 m ...
    assert 100 <= azimuth <= 135  # ... to the ESE/SE
    # and the forward transform of the result lands back on the AMap point to well under 1 m
    assert _metres(*gcj02.wgs84_to_gcj02(lng, lat), 120.078965, 28.654208) < 0.01


def test_offsets_across_the_county_are_540_to_570_m():
    lngs, lats = np.meshgrid(np.linspace(119.87, 120.42, 12), np.linspace(28.41, 28.95, 12))
    glng, glat = gcj02.wgs84_to_gcj02(lngs.ravel(), lats.ravel())
    _, _, dist = _GEOD.inv(lngs.ravel(), lats.ravel(), glng, glat)
    assert dist.min() > 530 and dist.max() < 580
    dlng, dlat = glng - lngs.ravel(), glat - lats.ravel()
    assert (dlng > 0.0043).all() and (dlng < 0.0048).all()
    assert (dlat < -0.0027).all() and (dlat > -0.0035).all()  # DOMAIN.md: -0.0029…-0.0034 in the county


def test_round_trip_to_a_millimetre():
    rng = np.random.default_rng(1)
    lng = rng.uniform(119.87, 120.42, 1000)
    lat = rng.uniform(28.41, 28.95, 1000)
    back_lng, back_lat = gcj02.gcj02_to_wgs84(*gcj02.wgs84_to_gcj02(lng, lat))
    _, _, dist = _GEOD.inv(lng, lat, back_lng, back_lat)
    assert dist.max() < 1e-3


def test_outside_china_is_unchanged():
    assert gcj02.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_transform_geometries_moves_every_vertex():
    poly = shapely.box(120.07, 28.65, 120.08, 28.66)
    (moved,) = gcj02.transform_geometries(np.array([poly]), inverse=True)
    assert 540 <= _metres(poly.centroid.x, poly.centroid.y, moved.centroid.x, moved.centroid.y) <= 570
    assert moved.centroid.x < poly.centroid.x and moved.centroid.y > poly.centroid.y  # back to the WNW
    (again,) = gcj02.transform_geometries(np.array([moved]), inverse=False)
    assert shapely.equals_exact(again, poly, tolerance=1e-9)

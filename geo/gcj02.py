"""GCJ-02 (the "Mars" coordinates of AMap/Gaode and Tencent maps) to and from WGS84.

GCJ-02 adds a deterministic, non-linear offset of a few hundred metres to
WGS84/CGCS2000 longitude and latitude inside China; in Jinyun it puts points
about 540-570 m to the east-south-east of where they are (DOMAIN.md §5). The
forward formula is public (a = 6378245 m, e² = 0.00669342162296594323); the
inverse has no closed form and is solved here by fixed-point iteration to
better than 1e-9 degrees (about 0.1 mm). CGCS2000 and WGS84 differ by less
than 1 m, so the result is used as CGCS2000 (EPSG:4490).

Functions work on scalars or numpy arrays; points outside China's bounding box
are returned unchanged, as every public implementation does.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323
_TOLERANCE_DEG = 1e-9
_MAX_ITERATIONS = 30


def _in_china(lng, lat):
    return (lng >= 72.004) & (lng <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _offset(lng, lat):
    """GCJ-02 minus WGS84 at WGS84 position (lng, lat), in degrees."""
    x = lng - 105.0
    y = lat - 35.0
    base = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + base
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + base
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _in_china(lng, lat)
    return np.where(inside, dlng, 0.0), np.where(inside, dlat, 0.0)


def wgs84_to_gcj02(lng, lat):
    """WGS84 (or CGCS2000) longitude/latitude to GCJ-02; arrays or scalars.

    Returns
    -------
    lng, lat
        GCJ-02 coordinates, same shape as the input (numpy float64).
    """
    lng = np.asarray(lng, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    dlng, dlat = _offset(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng, lat):
    """GCJ-02 longitude/latitude to WGS84, by iteration to better than 1e-9 degrees.

    Each step moves the estimate by the difference between its forward
    transform and the target; the offset field is smooth at the scale of
    hundreds of metres, so this converges in 3-6 steps.
    """
    glng = np.asarray(lng, dtype="float64")
    glat = np.asarray(lat, dtype="float64")
    wlng, wlat = glng.copy(), glat.copy()
    for _ in range(_MAX_ITERATIONS):
        flng, flat = wgs84_to_gcj02(wlng, wlat)
        elng, elat = flng - glng, flat - glat
        wlng = wlng - elng
        wlat = wlat - elat
        if np.all(np.abs(elng) < _TOLERANCE_DEG) and np.all(np.abs(elat) < _TOLERANCE_DEG):
            break
    return wlng, wlat


def transform_geometries(geoms, *, inverse: bool = True):
    """GCJ-02 -> WGS84 (``inverse=True``) or back, for a shapely geometry array."""
    import shapely

    func = gcj02_to_wgs84 if inverse else wgs84_to_gcj02

    def _xy(coords):
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _xy)

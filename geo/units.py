"""Units and planar/geodesic measures.

Areas in mu and distances in metres are computed in EPSG:4549 (CGCS2000 3-degree
Gauss-Krüger, CM 120E) or geodesically on the CGCS2000 ellipsoid, never in degrees.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Geod

from geo.errors import CRSError
from geo.i18n import Message
from geo.settings import METRIC_CRS

M2_PER_MU = 10000 / 15  # exact: 1 mu = 666.666... m2
MU_PER_HECTARE = 15
M2_PER_HECTARE = 10000
YUAN_PER_10K = 10000

# CGCS2000 and GRS80 share a and 1/f to the precision that matters for area.
_GEOD = Geod(ellps="GRS80")


def m2_to_mu(area_m2):
    """Square metres to mu (亩)."""
    return area_m2 / M2_PER_MU


def mu_to_m2(area_mu):
    """Mu (亩) to square metres."""
    return area_mu * M2_PER_MU


def to_metric(gdf: gpd.GeoDataFrame | gpd.GeoSeries):
    """Reproject to EPSG:4549; refuses data with no CRS rather than guessing."""
    if gdf.crs is None:
        raise CRSError(Message.of("err.crs.measure"))
    if CRS.from_user_input(gdf.crs) == CRS.from_user_input(METRIC_CRS):
        return gdf
    return gdf.to_crs(METRIC_CRS)


def area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Planar area in mu, computed in EPSG:4549.

    Returns
    -------
    area_mu
        Series aligned to the input, named ``area_mu``.
    """
    geoms = to_metric(gdf)
    series = geoms.geometry if isinstance(geoms, gpd.GeoDataFrame) else geoms
    return pd.Series(series.area.to_numpy() / M2_PER_MU, index=gdf.index, name="area_mu")


def geodesic_area_mu(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Geodesic area in mu on the GRS80/CGCS2000 ellipsoid (a check on :func:`area_mu`)."""
    if gdf.crs is None:
        raise CRSError(Message.of("err.crs.geodesic"))
    geo = gdf.to_crs("EPSG:4490")
    series = geo.geometry if isinstance(geo, gpd.GeoDataFrame) else geo
    areas = np.array([abs(_GEOD.geometry_area_perimeter(g)[0]) for g in series])
    return pd.Series(areas / M2_PER_MU, index=gdf.index, name="geodesic_area_mu")


def area_to_m2(value, unit: str):
    """Convert an area expressed in ``unit`` (亩/mu, 公顷/ha, 平方米/m2) to m2."""
    factors = {
        "mu": M2_PER_MU, "亩": M2_PER_MU,
        "ha": M2_PER_HECTARE, "hectare": M2_PER_HECTARE, "公顷": M2_PER_HECTARE,
        "m2": 1.0, "平方米": 1.0, "㎡": 1.0,
    }
    if unit not in factors:
        msg = f"Unknown area unit {unit!r}; expected one of {sorted(factors)}"
        raise ValueError(msg)
    return value * factors[unit]


def money_to_10k_yuan(value, unit: str):
    """Convert money in ``unit`` (元/yuan or 万元/10k_yuan) to 万元."""
    if unit in ("元", "yuan"):
        return value / YUAN_PER_10K
    if unit in ("万元", "10k_yuan"):
        return value
    msg = f"Unknown money unit {unit!r}; expected 元 or 万元"
    raise ValueError(msg)

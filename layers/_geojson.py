"""GeoDataFrame -> lean GeoJSON for the browser.

Following the measured recipe (shared/PERFORMANCE.md §2): keep only the
properties the tooltip/popup shows, simplify in EPSG:4549 at about 1 m, round
coordinates to 6 decimals (~0.1 m), no bbox per feature.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.settings import METRIC_CRS, WEB_CRS
from layers.escape import html_props


def _jsonable(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        return value.item()
    return value


def lean_geojson(gdf: gpd.GeoDataFrame, properties: list[str], *, simplify_m: float = 1.0,
                 precision: int = 6) -> dict:
    """A GeoJSON dict with only ``properties``, simplified and rounded.

    String properties are escaped for HTML (:mod:`layers.escape`): Leaflet shows
    them through ``innerHTML``.
    """
    geoms = gdf.geometry
    if simplify_m and geoms.geom_type.isin(["Polygon", "MultiPolygon", "LineString",
                                            "MultiLineString"]).any():
        geoms = geoms.to_crs(METRIC_CRS).simplify(simplify_m, preserve_topology=True)
    geoms = geoms.to_crs(WEB_CRS)
    rounded = shapely.transform(geoms.to_numpy(), lambda xy: np.round(xy, precision))
    features = []
    records = gdf[properties].to_dict("records") if properties else [{}] * len(gdf)
    for geom, props in zip(rounded, records, strict=True):
        if geom is None or geom.is_empty:
            continue
        features.append({"type": "Feature",
                         "properties": html_props({k: _jsonable(v) for k, v in props.items()}),
                         "geometry": shapely.geometry.mapping(geom)})
    return {"type": "FeatureCollection", "features": features}

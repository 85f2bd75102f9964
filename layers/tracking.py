"""Maps of the tracking pages, drawn: :mod:`geo.maps.tracking` describes them,
:mod:`layers.render` draws them."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from geo.maps import tracking as recipe
from geo.maps.tracking import GAP_FIELDS, PARK_FIELDS, SALE_FIELDS
from layers import render

__all__ = ["GAP_FIELDS", "PARK_FIELDS", "SALE_FIELDS", "land_map", "parks_map"]


def parks_map(layers: Mapping[str, pd.DataFrame], table: pd.DataFrame, *, lang: str = "zh",
              basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """:func:`geo.maps.tracking.parks_map`, drawn."""
    return render.folium_map(recipe.parks_map(layers, table, lang=lang), lang=lang,
                             basemap=basemap, api_key=api_key)


def land_map(layers: Mapping[str, pd.DataFrame], sales: pd.DataFrame, *, colour_by: str = "year",
             parcels: gpd.GeoDataFrame | None = None, lang: str = "zh", basemap: str = "none",
             api_key: str | None = None) -> folium.Map:
    """:func:`geo.maps.tracking.land_map`, drawn."""
    desc = recipe.land_map(layers, sales, colour_by=colour_by, parcels=parcels, lang=lang)
    return render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key)

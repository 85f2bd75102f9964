"""Maps of the inefficient-land, per-mu evaluation and ranking pages, drawn:
:mod:`geo.maps.performance` describes them, :mod:`layers.render` draws them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import pandas as pd

from geo.maps import performance as recipe
from geo.maps.performance import CASE_FIELDS, ENTERPRISE_FIELDS, INEFFICIENT_FIELDS, alias
from layers import render

__all__ = ["CASE_FIELDS", "ENTERPRISE_FIELDS", "INEFFICIENT_FIELDS", "alias", "choropleth_map",
           "inefficient_map", "ranking_map"]


def inefficient_map(layers: Mapping[str, pd.DataFrame], inefficient: gpd.GeoDataFrame,
                    selected: Sequence[str], cases: gpd.GeoDataFrame, *, lang: str = "zh",
                    basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """:func:`geo.maps.performance.inefficient_map`, drawn."""
    desc = recipe.inefficient_map(layers, inefficient, selected, cases, lang=lang)
    return render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key)


def choropleth_map(layers: Mapping[str, pd.DataFrame], agg: gpd.GeoDataFrame, value: str,
                   bounds: Sequence[float], *, lang: str = "zh",
                   points: Mapping[str, gpd.GeoDataFrame] | None = None,
                   basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """:func:`geo.maps.performance.choropleth_map`, drawn."""
    desc = recipe.choropleth_map(layers, agg, value, bounds, lang=lang, points=points)
    return render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key)


def ranking_map(layers: Mapping[str, pd.DataFrame], flagged: gpd.GeoDataFrame, *,
                lang: str = "zh", basemap: str = "none", api_key: str | None = None) -> folium.Map:
    """:func:`geo.maps.performance.ranking_map`, drawn."""
    return render.folium_map(recipe.ranking_map(layers, flagged, lang=lang), lang=lang,
                             basemap=basemap, api_key=api_key)

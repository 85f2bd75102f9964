"""The county overview map, drawn: :mod:`geo.maps.overview` describes it,
:mod:`layers.render` draws it. The group builders are kept for the maps and tests
that draw one group on its own."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from geo.maps import MapDescription
from geo.maps import overview as recipe
from geo.maps.overview import PARCEL_FIELDS, PARK_FIELDS, uses_parcel_tiles
from layers import render
from layers.basemap import base_map
from layers.legend import Legend

__all__ = ["PARCEL_FIELDS", "PARK_FIELDS", "base_map", "constraint_layer", "county_layer",
           "enterprise_layer", "overview_legend", "overview_map", "park_layer", "parcel_layer",
           "platform_layer", "road_layer", "town_layer", "uses_parcel_tiles"]


def county_layer(county: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.county_group(county, lang))


def platform_layer(platforms: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                   lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.platform_group(platforms, zones, lang))


def park_layer(parks: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.park_group(parks, lang))


def parcel_layer(parcels: gpd.GeoDataFrame, towns: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.parcel_group(parcels, towns, lang))


def enterprise_layer(enterprises: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.enterprise_group(enterprises, lang))


def constraint_layer(constraints: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.constraint_group(constraints, lang))


def road_layer(roads: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.road_group(roads, lang))


def town_layer(towns: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.town_group(towns, lang))


def overview_legend(lang: str, *, density: list[tuple[str, str]] | None = None) -> Legend:
    """The legend the overview opens with."""
    desc = MapDescription([], recipe.overview_legend(recipe.OVERVIEW_DEFAULT, lang, density=density))
    return render.legend(desc, lang)


def overview_map(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", basemap: str = "none",
                 api_key: str | None = None, parcel_tiles: str | None = None,
                 tile_threshold: int | None = None) -> folium.Map:
    """The county overview (:func:`geo.maps.overview.overview`), drawn with folium."""
    desc = recipe.overview(layers, lang=lang, parcel_tiles=parcel_tiles,
                           tile_threshold=tile_threshold)
    return render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key)

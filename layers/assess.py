"""The assessment map, drawn: :mod:`geo.maps.assess` describes it, :mod:`layers.render`
draws it, with Leaflet.draw for sketching candidates (screen only)."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import Draw

from geo.maps import MapDescription
from geo.maps import assess as recipe
from geo.maps.assess import CANDIDATE_FIELDS, _hex_rgb, surface_rgba  # noqa: F401 (tests)
from geo.suitability import Surface
from layers import render
from layers.legend import Legend
from layers.render import png_data_url

__all__ = ["CANDIDATE_FIELDS", "assess_map", "candidate_layer", "draw_control", "png_data_url",
           "sites_layer", "surface_layer", "surface_legend", "surface_rgba"]


def surface_legend(lang: str) -> Legend:
    """Legend of the suitability ramp (five classes) and the excluded grey."""
    desc = MapDescription([], [recipe.surface_legend(lang)], legend_position="bottomleft")
    return render.legend(desc, lang)


def surface_layer(surf: Surface, lang: str, *, max_px: int = 1400) -> folium.FeatureGroup:
    return render.feature_group(recipe.surface_group(surf, lang, max_px=max_px))


def candidate_layer(result: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.candidate_group(result, lang))


def sites_layer(sites: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    return render.feature_group(recipe.sites_group(sites, lang))


def draw_control() -> Draw:
    """Leaflet.draw with the polygon and rectangle tools only (assets served locally)."""
    return Draw(export=False, position="topleft",
                draw_options={"polyline": False, "circle": False, "marker": False,
                              "circlemarker": False, "polygon": {"allowIntersection": True},
                              "rectangle": True},
                edit_options={"edit": False, "remove": True})


def assess_map(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh", basemap: str = "none",
               api_key: str | None = None, result: gpd.GeoDataFrame | None = None,
               sites: gpd.GeoDataFrame | None = None, surf: Surface | None = None,
               draw: bool = True) -> folium.Map:
    """:func:`geo.maps.assess.assess_map`, drawn, with the Draw control."""
    desc = recipe.assess_map(layers, lang=lang, result=result, sites=sites, surf=surf)
    return with_draw(render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key), draw)


def with_draw(m: folium.Map, draw: bool = True) -> folium.Map:
    """``m`` with Leaflet.draw (served locally) when ``draw``."""
    if draw:
        draw_control().add_to(m)
        render.assets.localize(m)
    return m

"""Folium layers of the assessment page: candidates, the suitability surface, found sites.

The suitability surface is an image: the score grid reprojected to Web
Mercator (:func:`geo.suitability.to_web`), coloured with the ramp of
:data:`layers.styles.SUITABILITY_STOPS`, encoded as a PNG data URL and laid
over the map with :class:`folium.raster_layers.ImageOverlay`, with a legend.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.plugins import Draw
from PIL import Image

from geo import i18n
from geo.suitability import Surface, to_web
from layers import assets, styles
from layers._geojson import lean_geojson
from layers.basemap import base_map
from layers.legend import Legend
from layers.overview import constraint_layer, county_layer, platform_layer, road_layer

CANDIDATE_FIELDS = ["name", "score", "rank", "area_mu", "buildable_mu"]


def _hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))


def surface_rgba(data: np.ndarray, *, opacity: float = styles.SUITABILITY_OPACITY) -> np.ndarray:
    """RGBA image of a score grid: ramp for 0-100, grey for -1 (excluded), transparent for NaN."""
    stops = np.array([s for s, _ in styles.SUITABILITY_STOPS], dtype=float)
    rgb = np.array([_hex_rgb(c) for _, c in styles.SUITABILITY_STOPS], dtype=float)
    clean = np.nan_to_num(data, nan=0.0)
    out = np.zeros((*data.shape, 4), dtype=np.uint8)
    for ch in range(3):
        out[..., ch] = np.interp(clean, stops, rgb[:, ch]).astype(np.uint8)
    out[..., 3] = int(255 * opacity)
    excluded = clean < 0
    out[excluded, :3] = _hex_rgb(styles.SUITABILITY_EXCLUDED)
    out[excluded, 3] = int(255 * opacity * 0.6)
    out[~np.isfinite(data)] = 0
    return out


def png_data_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def surface_legend(lang: str) -> Legend:
    """Legend of the suitability ramp (five classes) and the excluded grey."""
    entries = [(color, f"{stop:g}") for stop, color in styles.SUITABILITY_STOPS]
    entries.append((styles.SUITABILITY_EXCLUDED, i18n.t("assess.surface_excluded", lang)))
    return Legend(i18n.t("legend.title", lang), [(i18n.t("assess.surface_legend", lang), entries)],
                  position="bottomleft")


def surface_layer(surf: Surface, lang: str, *, max_px: int = 1400) -> folium.FeatureGroup:
    """The county suitability surface as an image overlay (PNG data URL)."""
    data, (south, west, north, east) = to_web(surf, max_px=max_px)
    fg = folium.FeatureGroup(name=i18n.t("assess.layer.surface", lang))
    folium.raster_layers.ImageOverlay(png_data_url(surface_rgba(data)), bounds=[[south, west], [north, east]],
                                      interactive=False, pixelated=True, zindex=2).add_to(fg)
    return fg


def _tooltip(fields: list[str], lang: str) -> folium.GeoJsonTooltip:
    aliases = [i18n.t({"name": "field.name", "score": "assess.fig.score", "rank": "assess.fig.rank",
                       "area_mu": "field.area_mu", "buildable_mu": "assess.fig.buildable_mu"}[f], lang)
               for f in fields]
    return folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True)


def _scored(result: pd.DataFrame) -> gpd.GeoDataFrame:
    return result.assign(score=result["score"].round(1), area_mu=result["area_mu"].round(1),
                         buildable_mu=result["buildable_mu"].round(1))


def candidate_layer(result: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """Assessed candidates outlined, with name, score, rank and areas in the tooltip."""
    fg = folium.FeatureGroup(name=i18n.t("assess.layer.candidates", lang))
    if len(result):
        folium.GeoJson(lean_geojson(_scored(result), CANDIDATE_FIELDS, simplify_m=0),
                       style_function=lambda _: styles.CANDIDATE_STYLE,
                       tooltip=_tooltip(CANDIDATE_FIELDS, lang)).add_to(fg)
    return fg


def sites_layer(sites: gpd.GeoDataFrame, lang: str) -> folium.FeatureGroup:
    """Sites found on the surface, dashed, with their score in the tooltip."""
    fg = folium.FeatureGroup(name=i18n.t("assess.layer.sites", lang))
    if len(sites):
        folium.GeoJson(lean_geojson(_scored(sites), CANDIDATE_FIELDS, simplify_m=5),
                       style_function=lambda _: styles.SITE_STYLE,
                       tooltip=_tooltip(CANDIDATE_FIELDS, lang)).add_to(fg)
    return fg


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
    """The assessment map: county, constraints, platforms, roads, candidates, sites, surface, Draw."""
    county = layers["county"]
    m = base_map(tuple(county.to_crs("EPSG:4326").total_bounds), basemap=basemap, api_key=api_key)
    if surf is not None:
        surface_layer(surf, lang).add_to(m)
        surface_legend(lang).add_to(m)
    for fg in (constraint_layer(layers["constraints"], lang, show=surf is None),
               county_layer(county, lang),
               platform_layer(layers["platforms"], layers["zones"], lang),
               road_layer(layers["roads"], lang)):
        fg.add_to(m)
    if sites is not None and len(sites):
        sites_layer(sites, lang).add_to(m)
    if result is not None and len(result):
        candidate_layer(result, lang).add_to(m)
    focus = result if result is not None and len(result) else sites
    if focus is not None and len(focus):
        minx, miny, maxx, maxy = focus.to_crs("EPSG:4326").total_bounds
        pad = max(maxx - minx, maxy - miny, 0.01) * 0.6
        m.fit_bounds([[miny - pad, minx - pad], [maxy + pad, maxx + pad]])
    if draw:
        draw_control().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return assets.localize(m)

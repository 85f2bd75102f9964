"""The assessment map as data: county, constraints, platforms, roads, candidates, found
sites, and the suitability surface.

The surface is an image: the score grid reprojected to Web Mercator
(:func:`geo.suitability.to_web`), coloured with the ramp of
:data:`geo.styles.SUITABILITY_STOPS`.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import i18n, styles
from geo.maps import (
    Features,
    Group,
    LegendEntry,
    LegendSection,
    MapDescription,
    Raster,
    Style,
    filled,
)
from geo.maps.overview import constraint_group, county_group, platform_group, road_group
from geo.suitability import Surface, to_web

CANDIDATE_FIELDS = ["name", "score", "rank", "area_mu", "buildable_mu"]
_FIELD_KEYS = {"name": "field.name", "score": "assess.fig.score", "rank": "assess.fig.rank",
               "area_mu": "field.area_mu", "buildable_mu": "assess.fig.buildable_mu"}


def _style(leaflet: Mapping) -> Style:
    return Style(color=leaflet["color"], weight=leaflet["weight"], fill_color=leaflet["fillColor"],
                 fill_opacity=leaflet["fillOpacity"], dash=leaflet.get("dashArray"))


CANDIDATE = _style(styles.CANDIDATE_STYLE)
SITE = _style(styles.SITE_STYLE)


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


def surface_legend(lang: str) -> LegendSection:
    """The suitability ramp (five stops) and the excluded grey."""
    entries = [LegendEntry(f"{stop:g}", filled(color, fill_opacity=1))
               for stop, color in styles.SUITABILITY_STOPS]
    entries.append(LegendEntry(i18n.t("assess.surface_excluded", lang),
                               filled(styles.SUITABILITY_EXCLUDED, fill_opacity=1)))
    return LegendSection(i18n.t("assess.surface_legend", lang), entries)


def surface_group(surf: Surface, lang: str, *, max_px: int = 1400) -> Group:
    """The county suitability surface as an image."""
    data, (south, west, north, east) = to_web(surf, max_px=max_px)
    return Group("surface", i18n.t("assess.layer.surface", lang),
                 [Raster("surface", surface_rgba(data), (west, south, east, north))])


def _scored(result: pd.DataFrame) -> gpd.GeoDataFrame:
    return result.assign(score=result["score"].round(1), area_mu=result["area_mu"].round(1),
                         buildable_mu=result["buildable_mu"].round(1))


def _outlined(key: str, frame: gpd.GeoDataFrame | None, style: Style, lang: str, *,
              simplify_m: float) -> Group:
    """Candidates or found sites outlined, with name, score, rank and areas in the tooltip."""
    g = Group(key, i18n.t(f"assess.layer.{key}", lang))
    if frame is not None and len(frame):
        g.layers.append(Features(key, _scored(frame), style, fields=CANDIDATE_FIELDS,
                                 aliases=[i18n.t(_FIELD_KEYS[f], lang) for f in CANDIDATE_FIELDS],
                                 simplify_m=simplify_m))
    return g


def candidate_group(result: gpd.GeoDataFrame, lang: str) -> Group:
    """The assessed candidates."""
    return _outlined("candidates", result, CANDIDATE, lang, simplify_m=0)


def sites_group(sites: gpd.GeoDataFrame, lang: str) -> Group:
    """Sites found on the suitability surface, dashed."""
    return _outlined("sites", sites, SITE, lang, simplify_m=5)


def assess_map(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
               result: gpd.GeoDataFrame | None = None, sites: gpd.GeoDataFrame | None = None,
               surf: Surface | None = None) -> MapDescription:
    """The assessment map, framed on the candidates (else the found sites, else the county)."""
    groups, legend = [], []
    if surf is not None:
        groups.append(surface_group(surf, lang))
        legend.append(surface_legend(lang))
    constraints = constraint_group(layers["constraints"], lang)
    constraints.show = surf is None  # the surface already shows what they exclude
    groups += [constraints, county_group(layers["county"], lang),
               platform_group(layers["platforms"], layers["zones"], lang),
               road_group(layers["roads"], lang)]
    if sites is not None and len(sites):
        groups.append(sites_group(sites, lang))
    if result is not None and len(result):
        groups.append(candidate_group(result, lang))
    focus = result if result is not None and len(result) else sites
    if focus is not None and len(focus):
        minx, miny, maxx, maxy = focus.to_crs("EPSG:4326").total_bounds
        pad = max(maxx - minx, maxy - miny, 0.01) * 0.6
        extent = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    else:
        extent = tuple(layers["county"].to_crs("EPSG:4326").total_bounds)
    return MapDescription(groups, legend, extent=tuple(float(v) for v in extent),
                          legend_position="bottomleft", collapsed=True)

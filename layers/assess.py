"""The assessment map, drawn: :mod:`geo.maps.assess` describes it, :mod:`layers.render`
draws it, with Leaflet.draw for sketching candidates (screen only)."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from geo import i18n
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
    return with_draw(render.folium_map(desc, lang=lang, basemap=basemap, api_key=api_key), draw,
                     lang=lang)


# Leaflet.draw's own texts (L.drawLocal) that the polygon and rectangle tools show, by path
DRAW_TEXTS = {
    "draw.toolbar.buttons.polygon": "draw.polygon",
    "draw.toolbar.buttons.rectangle": "draw.rectangle",
    "draw.toolbar.actions.title": "draw.cancel_title",
    "draw.toolbar.actions.text": "draw.cancel",
    "draw.toolbar.finish.title": "draw.finish_title",
    "draw.toolbar.finish.text": "draw.finish",
    "draw.toolbar.undo.title": "draw.undo_title",
    "draw.toolbar.undo.text": "draw.undo",
    "draw.handlers.polygon.tooltip.start": "draw.polygon_start",
    "draw.handlers.polygon.tooltip.cont": "draw.polygon_cont",
    "draw.handlers.polygon.tooltip.end": "draw.polygon_end",
    "draw.handlers.rectangle.tooltip.start": "draw.rectangle_start",
    "draw.handlers.simpleshape.tooltip.end": "draw.rectangle_end",
    "edit.toolbar.buttons.remove": "draw.remove",
    "edit.toolbar.buttons.removeDisabled": "draw.remove_none",
    "edit.toolbar.actions.save.title": "draw.save_title",
    "edit.toolbar.actions.save.text": "draw.save",
    "edit.toolbar.actions.cancel.title": "draw.cancel_title",
    "edit.toolbar.actions.cancel.text": "draw.cancel",
    "edit.toolbar.actions.clearAll.title": "draw.clear_title",
    "edit.toolbar.actions.clearAll.text": "draw.clear",
    "edit.handlers.remove.tooltip.text": "draw.remove_tip",
    "edit.toolbar.buttons.edit": "draw.edit",
    "edit.toolbar.buttons.editDisabled": "draw.edit_none",
    "edit.handlers.edit.tooltip.text": "draw.edit_tip",
    "edit.handlers.edit.tooltip.subtext": "draw.edit_subtip",
}


class DrawTexts(MacroElement):
    """Leaflet.draw's tooltips and buttons in the map's language (set before the control is
    made; the texts come from the translation table, as JSON)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (texts) {
          Object.entries(texts).forEach(([path, text]) => {
            const keys = path.split("."); let node = L.drawLocal;
            keys.slice(0, -1).forEach(k => { node = node[k] = node[k] || {}; });
            node[keys[keys.length - 1]] = text;
          });
        })({{ this.texts|tojson }});
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "DrawTexts"
        self.texts = {path: i18n.t(key, lang) for path, key in DRAW_TEXTS.items()}


def with_draw(m: folium.Map, draw: bool = True, *, lang: str = "zh") -> folium.Map:
    """``m`` with Leaflet.draw (served locally), speaking ``lang``, when ``draw``."""
    if draw:
        DrawTexts(lang).add_to(m)
        draw_control().add_to(m)
        render.assets.localize(m)
    return m

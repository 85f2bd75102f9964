"""Draw a :class:`geo.maps.MapDescription` with folium (Leaflet in the browser).

The print twin is :func:`geo.export.maps.spec_from_description`; both read the
same description, so what the sheet prints is what the screen shows.

Each group becomes a ``FeatureGroup`` (the layer control's entry); each
:class:`~geo.maps.Features` one ``GeoJson`` with a constant style (O(1) styler,
PERFORMANCE.md §2), lean GeoJSON with only the tooltip's properties, escaped
for HTML (:mod:`layers.escape`); the canvas renderer; local assets only.
"""

from __future__ import annotations

import base64
import io

import folium
import numpy as np
from PIL import Image

from geo import i18n
from geo.maps import Features, Group, Labels, MapDescription, Marker, Raster, VectorTiles
from layers import assets
from layers._geojson import lean_geojson
from layers.basemap import base_map
from layers.controls import ControlTexts
from layers.escape import html_text
from layers.labels import PlaceLabels
from layers.legend import Legend

_FLAG_SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='26' height='30' viewBox='0 0 26 30'>"
             "<rect x='3' y='2' width='2.5' height='27' fill='#333'/>"
             "<path d='M5.5 3 L24 8 L5.5 14 Z' fill='{color}' stroke='#333' stroke-width='1'/></svg>")


def png_data_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def flag_icon(color: str, text: str) -> folium.DivIcon:
    """A small inline-SVG flag in ``color`` with ``text`` (a rank) beside it (no image assets)."""
    svg = _FLAG_SVG.replace("{color}", html_text(color))
    html = (f"<div style='display:flex;align-items:flex-start;font:bold 12px sans-serif'>{svg}"
            f"<span style='background:#fff;border:1px solid #333;border-radius:3px;"
            f"padding:0 3px;margin-top:2px'>{html_text(text)}</span></div>")
    return folium.DivIcon(html=html, icon_size=(48, 30), icon_anchor=(4, 29), class_name="rank-flag")


def geojson(layer: Features) -> folium.GeoJson:
    """One :class:`~geo.maps.Features` as a GeoJson layer with its tooltip and popup."""
    fields, aliases = list(layer.fields), list(layer.aliases or layer.fields)
    style = layer.style
    marker = None
    if layer.points:
        marker = folium.CircleMarker(radius=style.radius, weight=style.weight, color=style.color,
                                     fill_color=style.face, fill_opacity=style.fill_opacity)
    tooltip = (folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=layer.sticky)
               if fields and layer.interactive else None)
    popup = folium.GeoJsonPopup(fields=fields, aliases=aliases) if layer.popup and fields else None
    leaflet = style.leaflet()
    return folium.GeoJson(
        lean_geojson(layer.frame, fields, simplify_m=layer.simplify_m, precision=layer.precision),
        name=layer.name or None, marker=marker, style_function=lambda _, s=leaflet: s,
        tooltip=tooltip, popup=popup, interactive=layer.interactive)


def feature_group(group: Group) -> folium.FeatureGroup:
    """One group of the description as a layer-control entry."""
    fg = folium.FeatureGroup(name=group.name, show=group.show, control=group.control)
    drawn: list[folium.GeoJson] = []
    for layer in group.layers:
        if isinstance(layer, Features):
            gj = geojson(layer)
            gj.add_to(fg)
            drawn.append(gj)
        elif isinstance(layer, Raster):
            south, west = layer.bounds[1], layer.bounds[0]
            north, east = layer.bounds[3], layer.bounds[2]
            folium.raster_layers.ImageOverlay(
                png_data_url(layer.rgba), bounds=[[south, west], [north, east]],
                opacity=layer.opacity, interactive=False, pixelated=True, zindex=2).add_to(fg)
        elif isinstance(layer, Marker):
            folium.Marker([layer.lat, layer.lon], icon=flag_icon(layer.color, layer.text),
                          tooltip=html_text(layer.tooltip) if layer.tooltip else None).add_to(fg)
        elif isinstance(layer, VectorTiles):
            from layers.cadastre import ParcelTiles

            ParcelTiles(layer.url, fg, drawn, layer.popup_text, layer.bounds,
                        min_zoom=layer.min_zoom).add_to(fg)
        elif isinstance(layer, Labels):
            PlaceLabels(layer).add_to(fg)
    return fg


def legend(desc: MapDescription, lang: str) -> Legend:
    """The description's legend as a Leaflet control (swatches in each entry's colour)."""
    sections = [(s.heading, [(e.style.face if e.style.fill else e.style.color, e.label)
                             for e in s.entries]) for s in desc.legend]
    return Legend(i18n.t("legend.title", lang), sections, position=desc.legend_position)


def folium_map(desc: MapDescription, *, lang: str = "zh", basemap: str = "none",
               api_key: str | None = None) -> folium.Map:
    """The description drawn with folium, fitted to its extent."""
    extent = desc.extent or (73.0, 18.0, 135.0, 54.0)
    m = base_map(extent, basemap=basemap, api_key=api_key, lang=lang)
    for group in desc.groups:
        feature_group(group).add_to(m)
    if desc.legend:
        legend(desc, lang).add_to(m)
    if desc.layer_control:
        folium.LayerControl(collapsed=desc.collapsed).add_to(m)
    ControlTexts(lang).add_to(m)
    if desc.focus is not None:  # a search result: open on it, its name in an open popup
        minx, miny, maxx, maxy = desc.focus.bounds
        pad = 0.002  # about 200 m around it
        m.fit_bounds([[miny - pad, minx - pad], [maxy + pad, maxx + pad]], max_zoom=17)
        lon, lat = desc.focus.point
        folium.Marker([lat, lon], popup=folium.Popup(html_text(desc.focus.title), show=True,
                                                     max_width=320)).add_to(m)
    return assets.localize(m)

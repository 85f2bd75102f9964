"""The parcel layer for a county-wide cadastre (more than the tile threshold).

One FeatureGroup holds

* the grid aggregates (:func:`geo.cadastre.grid_aggregates`), one GeoJson per
  density class with a constant style, shown below :data:`geo.cadastre.TILE_MIN_ZOOM`;
* the parcels as vector tiles (Leaflet.VectorGrid, canvas, vendored),
  styled by lifecycle with an O(1) JavaScript lookup and shown from that zoom on;
* a script that swaps the two on zoom and opens a popup on a clicked parcel
  (parcel id, lifecycle, area in mu, town) with labels in the map's language.

The tiles hold codes only; the labels travel with the map, so one tile set
serves both languages.
"""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import pandas as pd
from folium.elements import JSCSSMixin
from folium.utilities import get_obj_in_upper_tree
from jinja2 import Template

from geo import cadastre, styles
from geo.maps import overview as overview_recipe
from layers import render


def _tile_options(bounds: tuple[float, float, float, float]) -> str:
    west, south, east, north = bounds
    colors = json.dumps(styles.LIFECYCLE_COLORS)
    base = json.dumps(styles.PARCEL_TILE_STYLE)
    return f"""{{
        vectorTileLayerStyles: {{
            "{cadastre.TILE_LAYER}": function(p, z) {{
                var c = ({colors})[p.lifecycle] || "#999999";
                return Object.assign({{fill: true, fillColor: c, color: c, opacity: 1}}, {base});
            }}
        }},
        interactive: false,
        getFeatureId: function(f) {{ return f.properties.parcel_id; }},
        rendererFactory: L.canvas.tile,
        maxNativeZoom: {cadastre.TILE_MAX_NATIVE_ZOOM},
        maxZoom: 22,
        bounds: L.latLngBounds([[{south}, {west}], [{north}, {east}]])
    }}"""


class ParcelTiles(JSCSSMixin):
    """The parcel vector tiles from ``min_zoom`` on, the aggregates below it, a parcel popup.

    The tile layer is created here rather than with ``folium.plugins.VectorGridProtobuf``:
    a GridLayer's own ``minZoom`` would also stop the map from zooming out below it, and a
    layer added at county zoom would ask for tiles that were never built.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.vectorGrid.protobuf({{ this.url|tojson }}, {{ this.options }});
        (function() {
            var map = {{ this.map_name }};
            var group = {{ this.group_name }};
            var tiles = {{ this.get_name() }};
            var aggregates = [{{ this.aggregate_names|join(', ') }}];
            var text = {{ this.text|tojson }};
            function esc(v) {
                return String(v === null || v === undefined ? '' : v).replace(/[&<>"']/g,
                    function(ch) { return '&#' + ch.charCodeAt(0) + ';'; });
            }
            function sync() {
                var detail = map.getZoom() >= {{ this.min_zoom }};
                aggregates.forEach(function(layer) {
                    if (detail && group.hasLayer(layer)) { group.removeLayer(layer); }
                    if (!detail && !group.hasLayer(layer)) { group.addLayer(layer); }
                });
                if (detail && !group.hasLayer(tiles)) { group.addLayer(tiles); }
                if (!detail && group.hasLayer(tiles)) { group.removeLayer(tiles); }
            }
            map.on('zoomend', sync);
            sync();
            // The overlay canvas (platforms, parks) lies above the tile canvases and takes
            // every click, so parcels are picked here, on the map's click, by hit-testing the
            // features of the tile under the click (in that tile's own pixels).
            function pick(latlng) {
                var z = tiles._tileZoom;
                if (z === undefined) { return null; }
                var size = tiles.getTileSize();
                var px = map.project(latlng, z);
                var c = L.point(Math.floor(px.x / size.x), Math.floor(px.y / size.y));
                c.z = z;
                var renderer = tiles._vectorTiles[tiles._tileCoordsToKey(c)];
                if (!renderer) { return null; }
                var p = px.subtract(L.point(c.x * size.x, c.y * size.y));
                var hit = null;
                Object.keys(renderer._features || {}).forEach(function(id) {
                    var f = renderer._features[id].feature;
                    if (!hit && f._parts && inside(f._parts, p)) { hit = f; }
                });
                return hit;
            }
            function inside(rings, p) {  // even-odd rule over every ring (holes included)
                var result = false;
                rings.forEach(function(ring) {
                    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
                        var a = ring[i], b = ring[j];
                        if ((a.y > p.y) !== (b.y > p.y) &&
                            p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) { result = !result; }
                    }
                });
                return result;
            }
            map.on('click', function(e) {
                if (!map.hasLayer(tiles)) { return; }
                var hovered = map._renderer && map._renderer._hoveredLayer;
                if (hovered && hovered.getPopup && hovered.getPopup()) { return; }  // e.g. a park
                var f = pick(e.latlng);
                if (!f) { return; }
                var p = f.properties || {};
                var rows = [
                    [text.fields.parcel_id, p.parcel_id],
                    [text.fields.lifecycle, text.lifecycle[p.lifecycle] || p.lifecycle],
                    [text.fields.area_mu, Number(p.area_mu).toFixed(2)],
                    [text.fields.town, text.towns[p.town_code] || p.town_code]
                ];
                var html = '<table class="parcel-popup">' + rows.map(function(r) {
                    return '<tr><th style="text-align:left;padding-right:8px">' + esc(r[0]) +
                        '</th><td>' + esc(r[1]) + '</td></tr>';
                }).join('') + '</table>';
                L.popup({maxWidth: 320}).setLatLng(e.latlng).setContent(html).openOn(map);
            });
        })();
        {% endmacro %}
    """)

    default_js = [("vectorGrid",
                   "https://unpkg.com/leaflet.vectorgrid@latest/dist/Leaflet.VectorGrid.bundled.js")]

    def __init__(self, url: str, group: folium.FeatureGroup, aggregates: list[folium.GeoJson],
                 text: dict, bounds: tuple[float, float, float, float], *,
                 min_zoom: int = cadastre.TILE_MIN_ZOOM):
        super().__init__()
        self._name = "ParcelTiles"
        self.url = url
        self.options = _tile_options(bounds)
        self.group_name = group.get_name()
        self.aggregate_names = [a.get_name() for a in aggregates]
        self.text = text
        self.min_zoom = min_zoom

    def render(self, **kwargs):
        self.map_name = get_obj_in_upper_tree(self, folium.Map).get_name()
        super().render(**kwargs)


def popup_text(towns: pd.DataFrame, lang: str) -> dict:
    """Labels the parcel popup shows, in ``lang``."""
    return overview_recipe.tile_popup_text(towns, lang)


def density_layers(parcels: gpd.GeoDataFrame, lang: str) -> tuple[list[folium.GeoJson],
                                                                   list[tuple[str, str]]]:
    """The aggregate grid as one GeoJson per density class, and its legend entries."""
    features, legend = overview_recipe.density_features(parcels, lang)
    return [render.geojson(f) for f in features], legend


def parcel_tile_layer(parcels: gpd.GeoDataFrame, towns: pd.DataFrame, lang: str,
                      tiles_url: str | None) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    """Parcels as aggregates and (when ``tiles_url`` is given) vector tiles: the group of
    :func:`geo.maps.overview.parcel_tiles_group`, drawn."""
    group, legend = overview_recipe.parcel_tiles_group(parcels, towns, lang, tiles_url)
    return render.feature_group(group), legend

"""The base map: the local hillshade by default, a supplied one, OSM or 天地图 by choice."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo.basemaps import BASEMAPS, Basemap
from layers import assets
from layers.escape import html_text


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (folium's own adds miles and feet)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


MEASURE_JS = "https://cdn.jsdelivr.net/npm/leaflet-measure@3.1.0/dist/leaflet-measure.{lang}.js"
MEASURE_CSS = "https://cdn.jsdelivr.net/npm/leaflet-measure@3.1.0/dist/leaflet-measure.css"


class MeasureTool(JSCSSMixin, MacroElement):
    """Leaflet's measure tool (leaflet-measure, served locally): distances in m and km, areas in
    亩 and m², measured geodesically, in the map's language."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.measure({
          position: "topleft", primaryLengthUnit: "meters", secondaryLengthUnit: "kilometers",
          primaryAreaUnit: "mu", secondaryAreaUnit: "sqmeters", activeColor: "#1f6fb2",
          completedColor: "#0b4a80", popupOptions: {className: "leaflet-measure-resultpopup"},
          units: {mu: {factor: 0.0015, display: {{ this.mu|tojson }}, decimals: 2}}
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, lang: str = "zh"):
        super().__init__()
        self._name = "MeasureTool"
        self.mu = "亩" if lang == "zh" else "mu"
        self.default_js = [("leaflet_measure_js",
                            MEASURE_JS.format(lang="cn" if lang == "zh" else "en"))]
        self.default_css = [("leaflet_measure_css", MEASURE_CSS)]


def _tile_options(provider: Basemap) -> dict:
    opts: dict = {}
    if provider.min_native_zoom is not None:
        opts["min_native_zoom"] = provider.min_native_zoom
    if provider.max_native_zoom is not None:
        opts["max_native_zoom"] = provider.max_native_zoom
    if provider.bounds is not None:
        west, south, east, north = provider.bounds
        opts["bounds"] = [[south, west], [north, east]]
    return opts


def base_map(bounds: tuple[float, float, float, float], *, basemap: str | Basemap = "none",
             api_key: str | None = None, height: str = "100%", lang: str = "zh",
             measure: bool = True) -> folium.Map:
    """A canvas-rendered map fitted to ``bounds`` (minx, miny, maxx, maxy in degrees).

    ``basemap`` is a key of :data:`geo.basemaps.BASEMAPS` or a :class:`Basemap` (the
    hillshade, a supplied one). Canvas makes pan and zoom about 2x faster than SVG
    for thousands of parcels.
    """
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10, tiles=None,
                   prefer_canvas=True, control_scale=False, height=height)
    MetricScale().add_to(m)
    if measure:
        MeasureTool(lang).add_to(m)
    provider = basemap if isinstance(basemap, Basemap) else BASEMAPS.get(basemap)
    if provider is not None:
        # a supplied basemap's attribution comes from its file: text, never markup
        attr = html_text(provider.attribution) if provider.local else provider.attribution
        for i, url in enumerate(provider.urls(api_key)):
            folium.TileLayer(url, attr=attr, name=f"{provider.key}-{i}", overlay=i > 0,
                             control=False, max_zoom=18, **_tile_options(provider)).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return assets.localize(m)

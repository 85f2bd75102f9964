"""Leaflet's own control texts in the map's language.

Leaflet writes English into its zoom buttons' tooltips ("Zoom in", "Zoom out") and the
attribution's link title and the layer switch's; a Chinese planner hovering over them reads English. The texts come
from the translation table, as JSON, and are set once the map exists.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from geo import i18n


class ControlTexts(MacroElement):
    """The zoom buttons' and layer switch's tooltips and the Leaflet link's title, translated.

    Added after the layer control, so that its toggle exists when the script runs.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, texts) {
          const set = (sel, text) => map.getContainer().querySelectorAll(sel).forEach(a => {
            a.title = text; a.setAttribute("aria-label", text); });
          set(".leaflet-control-zoom-in", texts.zoom_in);
          set(".leaflet-control-zoom-out", texts.zoom_out);
          set(".leaflet-control-attribution a[href*='leafletjs']", texts.leaflet);
          set(".leaflet-control-layers-toggle", texts.layers);
        })({{ this._parent.get_name() }}, {{ this.texts|tojson }});
        {% endmacro %}
    """)

    def __init__(self, lang: str):
        super().__init__()
        self._name = "ControlTexts"
        self.texts = {name: i18n.t(f"map.control.{name}", lang)
                      for name in ("zoom_in", "zoom_out", "leaflet", "layers")}

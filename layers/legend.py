"""A legend as a Leaflet control, drawn inside the map's own script.

branca's colormap legend pulls d3 from a CDN, and HTML added to the page root
is dropped by streamlit-folium; a control rendered in the map script works in
both the app and a standalone HTML export.
"""

from __future__ import annotations

import html

from branca.element import MacroElement
from jinja2 import Template


class Legend(MacroElement):
    """Sections of (colour, label) swatches in a box at ``position``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'planner-legend');
                div.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 9px;' +
                    'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.5 sans-serif;' +
                    'max-height:60vh;overflow:auto';
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, sections: list[tuple[str, list[tuple[str, str]]]],
                 *, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.position = position
        self.sections = sections
        parts = [f"<b>{html.escape(title)}</b>"]
        for heading, entries in sections:
            parts.append(f"<div style='margin-top:4px;font-weight:600'>{html.escape(heading)}</div>")
            for color, label in entries:
                parts.append(
                    "<div><span style='display:inline-block;width:12px;height:12px;"
                    f"margin-right:5px;vertical-align:-2px;background:{color};"
                    f"border:1px solid #555'></span>{html.escape(label)}</div>")
        self.html = "".join(parts)

    def labels(self) -> list[str]:
        """Every entry label, for tests and exports."""
        return [label for _, entries in self.sections for _, label in entries]

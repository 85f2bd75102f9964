"""Place names on the Leaflet map, kept apart: a small script, no plugin.

Each :class:`geo.maps.Labels` becomes a :class:`PlaceLabels` element inside its group's
``FeatureGroup``: one non-interactive ``L.divIcon`` marker per name (so the layer control
hides a layer's names with it). One routine per map (installed by the first element)
runs after every ``zoomend``/``moveend``, layer toggle and resize: it hides the names
below their zoom, then, from the highest priority down, shows a name only if its box does
not overlap a name already shown. Every text is escaped (:func:`layers.escape.html_text`)
and handed to the script as JSON.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from geo.maps import Labels
from layers.escape import html_text

# Kept apart by this many CSS pixels, so that two names never touch.
GAP_PX = 2

_SCRIPT = Template("""
{% macro script(this, kwargs) %}
(function () {
  var PL = window.PlannerLabels;
  if (!PL) {
    PL = window.PlannerLabels = {entries: [], maps: []};
    PL.overlaps = function (a, b, gap) {
      return a.left < b.right + gap && b.left < a.right + gap &&
             a.top < b.bottom + gap && b.top < a.bottom + gap;
    };
    PL.declutter = function (map) {
      var zoom = map.getZoom(), gap = {{ this.gap }};
      var mine = PL.entries.filter(function (e) { return e.marker._map === map; });
      mine.sort(function (a, b) { return b.priority - a.priority || a.order - b.order; });
      // writes first, then all reads: one layout for the whole pass
      mine.forEach(function (e) {
        var el = e.marker.getElement();
        if (!el) return;
        el.style.display = zoom >= e.minZoom ? '' : 'none';
        el.style.visibility = 'hidden';
      });
      var boxes = mine.map(function (e) {
        var el = e.marker.getElement();
        if (!el || el.style.display === 'none') return null;
        var r = el.firstChild.getBoundingClientRect();
        return r.width && r.height ? r : null;
      });
      var shown = [];
      mine.forEach(function (e, i) {
        var box = boxes[i];
        if (!box) return;
        var hit = shown.some(function (s) { return PL.overlaps(box, s, gap); });
        if (!hit) {
          shown.push(box);
          e.marker.getElement().style.visibility = 'visible';
        }
      });
    };
    PL.install = function (map) {
      if (PL.maps.indexOf(map) >= 0) return;
      PL.maps.push(map);
      var pending = false;
      var run = function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () { pending = false; PL.declutter(map); });
      };
      map.on('zoomend moveend resize overlayadd overlayremove', run);
      map._plannerDeclutter = run;
      if (document.fonts && document.fonts.ready) document.fonts.ready.then(run);
      map.whenReady(run);
    };
  }
  var group = {{ this._parent.get_name() }};
  var style = {{ this.css|tojson }};
  {{ this.labels|tojson }}.forEach(function (l) {
    var icon = L.divIcon({className: 'planner-label', iconSize: null,
      html: '<span class="planner-label-text" style="' + style + '">' + l.html + '</span>'});
    var marker = L.marker([l.lat, l.lon], {icon: icon, interactive: false, keyboard: false,
                                           zIndexOffset: l.priority});
    marker.addTo(group);
    PL.entries.push({marker: marker, priority: l.priority, minZoom: l.min_zoom,
                     order: PL.entries.length});
  });
  var hook = function () {
    if (!group._map) return;
    PL.install(group._map);
    group._map._plannerDeclutter();
  };
  group.on('add', hook);
  hook();
})();
{% endmacro %}
""")

_ANCHOR = {
    # the marker's corner is the point: the name is centred on it, or sits above a dot
    "center": "transform:translate(-50%,-50%);",
    "above": "transform:translate(-50%,-100%);margin-top:-6px;",
}


def css(labels: Labels) -> str:
    """The inline style of one layer's names (a white halo keeps them readable on any fill)."""
    weight = "bold" if labels.bold else "normal"
    color = html_text(labels.color)
    return (f"position:absolute;left:0;top:0;white-space:nowrap;pointer-events:none;"
            f"font:{weight} {labels.size_px:g}px/1.2 sans-serif;color:{color};"
            "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff;"
            + _ANCHOR.get(labels.anchor, _ANCHOR["center"]))


class PlaceLabels(MacroElement):
    """One :class:`geo.maps.Labels` drawn into its parent ``FeatureGroup``."""

    _template = _SCRIPT

    def __init__(self, labels: Labels):
        super().__init__()
        self._name = "PlaceLabels"
        self.gap = GAP_PX
        self.css = css(labels)
        self._texts = [lab.text for lab in labels.labels]
        # only the escaped text reaches the page
        self.labels = [{"lat": round(lab.lat, 6), "lon": round(lab.lon, 6),
                        "html": html_text(lab.text),
                        "priority": int(lab.priority), "min_zoom": int(lab.min_zoom)}
                       for lab in labels.labels]

    def texts(self) -> list[str]:
        """The names as the planner reads them, for tests and exports."""
        return list(self._texts)

"""The outline editor: one feature's polygons in Leaflet.draw's edit mode (served locally)."""

from __future__ import annotations

import folium
from folium.plugins import Draw

from layers import assets
from layers.assess import DrawTexts

EDIT_COLOR = "#d4380d"  # not a status colour: the outline being reshaped stands out


def _rings(polygon) -> list[list[list[float]]]:
    """A polygon's rings as Leaflet lat/lng lists (the exterior first, then its holes)."""
    rings = [polygon.exterior, *polygon.interiors]
    return [[[y, x] for x, y in list(r.coords)[:-1]] for r in rings]


def with_outline_editor(m: folium.Map, geom, *, lang: str = "zh") -> folium.Map:
    """``m`` with ``geom`` (lon/lat polygons) editable: Leaflet.draw's edit tool only, no
    drawing or removing. After "save" in Leaflet's toolbar, streamlit-folium reports the
    reshaped polygons as ``all_drawings``."""
    group = folium.FeatureGroup(name="outline-edit", control=False)
    for part in getattr(geom, "geoms", [geom]):
        folium.Polygon(_rings(part), color=EDIT_COLOR, weight=3, fill=True,
                       fill_color=EDIT_COLOR, fill_opacity=0.15).add_to(group)
    group.add_to(m)
    DrawTexts(lang).add_to(m)
    Draw(export=False, position="topleft", feature_group=group, show_geometry_on_click=False,
         draw_options={"polyline": False, "polygon": False, "rectangle": False, "circle": False,
                       "marker": False, "circlemarker": False},
         edit_options={"remove": False, "poly": {"allowIntersection": False}}).add_to(m)
    return assets.localize(m)

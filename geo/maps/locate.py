"""The map a planner places an unlocated enterprise on: the county, the parcels with their
right holder in the tooltip, the enterprises already located, and the place clicked."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo import i18n
from geo.maps import Features, Group, MapDescription, Marker, Style, lonlat_bounds
from geo.maps.overview import ENTERPRISE, county_group, field_aliases, uses_parcel_tiles

HELD = Style(color="#7a5c2e", weight=1, fill_color="#e8d6b0", fill_opacity=0.5)
CLICKED_COLOR = "#d62728"
_ZOOM_PAD_DEG = 0.01  # about 1 km around the picked enterprise's town or the click


def locate_map(layers: Mapping[str, pd.DataFrame], *, lang: str = "zh",
               clicked: tuple[float, float] | None = None) -> MapDescription:
    """The county with its parcels (tooltip: parcel, right holder) and located enterprises;
    ``clicked`` (lon, lat) is marked. Opens on the click, else on the county."""
    groups = [county_group(layers["county"], lang)]
    parcels = layers["parcels"]
    if len(parcels) and not uses_parcel_tiles(parcels):  # a county cadastre is too big here
        fields = ["parcel_id", "holder"]
        groups.append(Group("parcels", i18n.t("layer.parcels", lang), [Features(
            "parcels", parcels[[*fields, "geometry"]], HELD, fields=fields,
            aliases=field_aliases(fields, lang))]))
    ents = layers["enterprises"]
    ents = ents[ents.geometry.notna() & ~ents.geometry.is_empty]
    if len(ents):
        fields = ["name", "uscc"]
        groups.append(Group("enterprises", i18n.t("layer.enterprises", lang), [Features(
            "enterprises", ents[[*fields, "geometry"]], ENTERPRISE, fields=fields,
            aliases=field_aliases(fields, lang), points=True)]))
    extent = lonlat_bounds(layers["county"])
    if clicked is not None:
        lon, lat = clicked
        groups.append(Group("clicked", i18n.t("locate.map", lang), [Marker(
            "clicked", lon, lat, CLICKED_COLOR, "+",
            i18n.t("locate.clicked", lang, lon=f"{lon:.5f}", lat=f"{lat:.5f}"))],
            control=False))
        extent = (lon - _ZOOM_PAD_DEG, lat - _ZOOM_PAD_DEG, lon + _ZOOM_PAD_DEG,
                  lat + _ZOOM_PAD_DEG)
    return MapDescription(groups, extent=extent, title=i18n.t("locate.map", lang),
                          legend_position="bottomright", collapsed=True)


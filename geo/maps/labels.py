"""Names written on the screen map: towns from the county's zoom on, platforms from zoom
:data:`PLATFORM_MIN_ZOOM`, parks from :data:`PARK_MIN_ZOOM`.

Each builder returns one :class:`geo.maps.Labels` (or ``None`` for an empty layer) that a
recipe puts into the group of the same features, so that the layer control hides a
layer's names with it. Where names would overlap, the browser keeps the one of higher
priority: parks over platforms over key industrial towns over other towns over townships
(at zoom 13 the planner has zoomed in for the parks; at the county's zoom only towns
are named). Within one kind, larger places come first.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo import i18n, styles
from geo.maps import Label, Labels

# Leaflet zoom levels: the county (about 55 km across) fills a 640 px map at zoom 10, and
# a half-width map at 9; platforms (a few km) read from 11, parks (~100 mu) from 13.
TOWN_MIN_ZOOM = 9
TOWNSHIP_MIN_ZOOM = 10
PLATFORM_MIN_ZOOM = 11
PARK_MIN_ZOOM = 13

PRIORITY = {"park": 40, "platform": 30, "key_town": 22, "town": 20, "subdistrict": 20,
            "township": 10}

TOWN_LABEL = {"color": styles.TOWN_COLOR, "size_px": 12.0, "bold": True, "anchor": "above"}
PLATFORM_LABEL = {"color": styles.PLATFORM_STYLE["color"], "size_px": 13.0, "bold": True}
PARK_LABEL = {"color": "#4a2a00", "size_px": 11.0}


def names(frame: pd.DataFrame, lang: str, *, fallback: str | None = None) -> pd.Series:
    """Each place's name in ``lang`` (:func:`geo.i18n.name_column`); where a frame has no
    name in that language (parks carry only ``name_zh``), the ``fallback`` column (an ID)
    rather than a name in the other language."""
    column = i18n.name_column(lang)
    if column in frame.columns:
        out = frame[column].astype("string")
    else:
        out = pd.Series(pd.NA, index=frame.index, dtype="string")
    if fallback is not None and fallback in frame.columns:
        out = out.where(out.notna() & (out.str.strip() != ""), frame[fallback].astype("string"))
    return out.fillna("").str.strip()


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    geo = frame.geometry.to_crs("EPSG:4326")
    return geo if (geo.geom_type == "Point").all() else geo.representative_point()


def _labels(key: str, frame: gpd.GeoDataFrame, texts: pd.Series, priority: pd.Series,
            min_zoom: pd.Series, style: dict) -> Labels | None:
    keep = (texts != "") & frame.geometry.notna() & ~frame.geometry.is_empty
    frame = frame[keep]
    if frame.empty:
        return None
    pts = _points(frame)
    items = [Label(float(p.x), float(p.y), str(t), int(pr), int(z))
             for p, t, pr, z in zip(pts, texts[keep], priority[keep], min_zoom[keep], strict=True)]
    return Labels(key, items, **style)


def _by_size(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    area = frame.geometry.to_crs("EPSG:4549").area if len(frame) else pd.Series(dtype=float)
    return frame.assign(_size=area).sort_values("_size", ascending=False, kind="stable")


def town_labels(towns: gpd.GeoDataFrame, lang: str) -> Labels | None:
    """Town seats named above their dot: towns and subdistricts from :data:`TOWN_MIN_ZOOM`,
    townships from :data:`TOWNSHIP_MIN_ZOOM`; key industrial towns win a collision."""
    if towns is None or not len(towns):
        return None
    kind = towns["kind"].astype(str) if "kind" in towns.columns else pd.Series("town", towns.index)
    key = towns["key_industrial"].fillna(False).astype(bool) if "key_industrial" in towns.columns \
        else pd.Series(False, index=towns.index)
    rank = kind.map(PRIORITY).fillna(PRIORITY["town"]).where(~key, PRIORITY["key_town"])
    zoom = kind.map({"township": TOWNSHIP_MIN_ZOOM}).fillna(TOWN_MIN_ZOOM).where(~key, TOWN_MIN_ZOOM)
    order = rank.sort_values(ascending=False, kind="stable").index
    return _labels("towns:labels", towns.loc[order], names(towns, lang).loc[order],
                   rank.loc[order], zoom.loc[order], TOWN_LABEL)


def platform_labels(platforms: gpd.GeoDataFrame, lang: str) -> Labels | None:
    """Platform names from :data:`PLATFORM_MIN_ZOOM`, larger platforms first."""
    if platforms is None or not len(platforms):
        return None
    plat = _by_size(platforms)
    n = pd.Series(PRIORITY["platform"], index=plat.index)
    return _labels("platforms:labels", plat, names(plat, lang, fallback="platform_id"), n,
                   pd.Series(PLATFORM_MIN_ZOOM, index=plat.index), PLATFORM_LABEL)


def park_labels(parks: gpd.GeoDataFrame, lang: str, *,
                min_zoom: int = PARK_MIN_ZOOM) -> Labels | None:
    """Park names from ``min_zoom``, larger parks first; a park with no name in ``lang`` is
    named by its ID."""
    if parks is None or not len(parks):
        return None
    p = _by_size(parks)
    n = pd.Series(PRIORITY["park"], index=p.index)
    return _labels("parks:labels", p, names(p, lang, fallback="park_id"), n,
                   pd.Series(min_zoom, index=p.index), PARK_LABEL)

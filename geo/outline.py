"""Reshaping a park's or a case's outline in the browser, with its history.

The planner drags the vertices of the outline with Leaflet's own editing tools;
the page hands the edited polygons here (lon/lat). :func:`apply_outline_edit`
checks them (:func:`check_outline`: polygons, valid, not tiny, in the county),
then writes the new outline and one history row in one transaction, as
:func:`geo.edits.apply_edit` does for attributes: the same rights check inside
the transaction, the same version check (a save on top of someone else's later
change is refused), the old outline kept in the row (WKT in the storage CRS),
so the change can be undone and the as-of views draw the outline as it was.

Areas are never stored: every figure computes them again from the new outline
in EPSG:4549 (:func:`geo.units.area_mu`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from geo import accounts, edits, schema, store, units
from geo.errors import ValidationError
from geo.i18n import Message
from geo.settings import STORAGE_CRS

FIELD = "geometry"  # the history's name for an outline change
EDITABLE = ("parks", "cases")
MIN_AREA_MU = 0.1  # a smaller outline is a slip of the mouse, not a park
FAR_OUTSIDE_M = 5000.0  # as the importer: beyond this outside the county is a mistake
WKT_DECIMALS = 7  # ~1 cm in degrees: the history keeps the outline as it was drawn


def _refuse(layer: str, feature_id: str, key: str, **fmt) -> ValidationError:
    feature = Message.of("edit.feature_ref", layer=Message.of(f"layer.{layer}"), id=feature_id)
    return ValidationError(Message.of("outline.refused", feature=feature,
                                      why=Message.of(f"outline.{key}", **fmt)))


def from_geojson(features: Sequence[dict]) -> MultiPolygon | None:
    """The polygons of GeoJSON features (Leaflet's ``toGeoJSON()``) as one MultiPolygon in
    lon/lat; None when there is none."""
    parts: list[Polygon] = []
    for feature in features or []:
        geom = shape(feature.get("geometry") or feature)
        parts.extend(getattr(geom, "geoms", [geom]))
    return MultiPolygon([p for p in parts if isinstance(p, Polygon)]) if parts else None


def check_outline(layer: str, feature_id: str, geom, county) -> MultiPolygon:
    """``geom`` (lon/lat, the storage CRS) as the outline to store, or raise
    :class:`ValidationError` naming the feature and the problem."""
    if layer not in EDITABLE:
        raise _refuse(layer, feature_id, "not_editable")
    if geom is None or geom.is_empty:
        raise _refuse(layer, feature_id, "empty")
    parts = list(getattr(geom, "geoms", [geom]))
    if not all(isinstance(p, Polygon) for p in parts):
        raise _refuse(layer, feature_id, "not_polygon", kind=geom.geom_type)
    outline = MultiPolygon(parts)
    if not outline.is_valid:
        reason = shapely.is_valid_reason(outline)
        raise _refuse(layer, feature_id, "invalid", where=_where(reason))
    frame = gpd.GeoSeries([outline], crs=STORAGE_CRS)
    mu = float(units.area_mu(frame).iloc[0])
    if mu < MIN_AREA_MU:
        raise _refuse(layer, feature_id, "too_small", mu=f"{mu:.3f}", min=f"{MIN_AREA_MU:g}")
    if county is not None and len(county):
        metric = units.to_metric(frame).iloc[0]
        boundary = units.to_metric(gpd.GeoSeries(list(county.geometry), crs=county.crs)).union_all()
        if metric.distance(boundary) > FAR_OUTSIDE_M:
            raise _refuse(layer, feature_id, "outside", km=f"{FAR_OUTSIDE_M / 1000:g}")
    return outline


def _where(reason: str) -> str:
    """The place a GEOS validity reason names (``Self-intersection[120.1 28.6]``), as lon, lat."""
    if "[" in reason and "]" in reason:
        inside = reason[reason.index("[") + 1:reason.index("]")].split()
        try:
            return f"{float(inside[0]):.6f}, {float(inside[1]):.6f}"
        except (IndexError, ValueError):
            return "-"
    return "-"


def area_of_wkt(text: str | None) -> float | None:
    """The area in mu of an outline kept in the history (None when there is none)."""
    if not text:
        return None
    try:
        geom = shapely.from_wkt(text)
    except shapely.errors.GEOSException:
        return None
    return float(units.area_mu(gpd.GeoSeries([geom], crs=STORAGE_CRS)).iloc[0])


def apply_outline_edit(path: str | os.PathLike, layer: str, feature_id: str, geom, *, user,
                       effective: dt.date | str | None = None,
                       expected_version: int | None = None,
                       now: dt.datetime | None = None) -> pd.DataFrame:
    """Write ``geom`` (lon/lat) as the outline of one park or case, with its history row.

    Returns the history row written (empty when the outline did not change).

    Raises
    ------
    ValidationError
        The outline is not acceptable (:func:`check_outline`), the feature is not in the
        store, or the planner may not change it.
    edits.StaleEditError
        Someone changed the feature since ``expected_version``: nothing was written.
    """
    given_now = now
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    county = store.read_layer(path, "county")
    outline = check_outline(layer, feature_id, geom, county)
    effective = edits.validate_effective(layer, feature_id, effective, now)
    key = schema.LAYERS[layer].key
    new_wkt = shapely.to_wkt(outline, rounding_precision=WKT_DECIMALS)
    with store.transaction(path) as con:
        now = given_now or dt.datetime.now(dt.UTC).replace(microsecond=0)
        who = accounts.authorise_edit(con, user, layer, str(feature_id)).name
        if expected_version is not None:
            since = edits.stale_rows(con, layer, feature_id, expected_version)
            if len(since):
                raise edits.StaleEditError(edits.stale_message(layer, feature_id, since), since)
        old = con.geometry(layer, key, str(feature_id))
        if old is None and not _exists(con, layer, key, feature_id):
            raise _refuse(layer, feature_id, "missing")
        old_wkt = shapely.to_wkt(old, rounding_precision=WKT_DECIMALS) if old is not None else None
        if old_wkt == new_wkt:
            return pd.DataFrame(columns=schema.LAYERS["audit"].field_names)
        con.set_geometry(layer, key, str(feature_id), shapely.from_wkt(new_wkt))
        row = {"audit_id": edits.next_audit_id(con), "at": edits.utc_stamp(now), "user": who,
               "layer": layer, "feature_id": str(feature_id), "field": FIELD,
               "old_value": old_wkt, "new_value": new_wkt, "effective": effective.isoformat(),
               "batch": None}
        edits.insert_audit(con, [row])
        con.touch([layer, "audit"])
    return pd.DataFrame([row], columns=schema.LAYERS["audit"].field_names)


def _exists(con, layer: str, key: str, feature_id: str) -> bool:
    return con.execute(f'SELECT 1 FROM "{layer}" WHERE "{key}" = :fid',
                       {"fid": str(feature_id)}).fetchone() is not None


def revert_outline(path: str | os.PathLike, row, *, user, expected_version: int,
                   now: dt.datetime | None = None) -> pd.DataFrame:
    """Put back the outline a history row replaced (an undo: a new change with its own row)."""
    old = shapely.from_wkt(row["old_value"]) if row["old_value"] else None
    return apply_outline_edit(path, row["layer"], str(row["feature_id"]), old, user=user,
                              now=now, expected_version=expected_version)


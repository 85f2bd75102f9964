"""Attribute edits made by a planner in the app, each with its audit trail.

:func:`apply_edit` checks every new value first (:func:`validate`); an invalid
one raises :class:`geo.errors.ValidationError` with a message that names the
layer, the feature, the field and the problem, and nothing is written. Valid
changes are written in one transaction (:func:`geo.store.transaction`, the same SQL on
the GeoPackage and on PostGIS):
the feature's fields are updated and one ``audit`` row per changed field is
added (who, when, layer, feature id, field, old value, new value). Either all
of it lands or none.

:func:`place` is the one geometry edit: an enterprise without a location gets a point
(clicked on the map, or its parcel's), with a history row holding the old and new point as
WKT, the same rights and version checks, and :func:`revert` undoes it like any edit.

Which fields can be edited is :data:`EDITABLE`; values are checked against the
schema: enum codes, no negative numbers, percentages within 0-100, star ratings
0-5, no date in the future (dates record what happened), a completion not
before its start.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping

import pandas as pd

from geo import accounts, schema, store
from geo.errors import ValidationError
from geo.i18n import Code, Column, Message

EDITABLE: dict[str, tuple[str, ...]] = {
    "parks": ("status", "planned_area_mu", "floor_area_m2", "start_date", "completion_date",
              "enterprises_in", "occupancy_pct", "star_rating", "is_smart"),
    "parcels": ("lifecycle", "land_use", "plot_ratio", "floor_area_m2"),
    "land_sales": ("actual_start", "actual_completion", "price_10k_yuan"),
    "cases": ("status", "route", "revitalised_date", "renovated_floor_m2", "standard_factory_m2"),
}
_RANGES = {"occupancy_pct": (0.0, 100.0), "star_rating": (0, 5)}
# (start field, completion field) pairs that must be in order, per layer
_ORDER = {"parks": ("start_date", "completion_date"),
          "land_sales": ("actual_start", "actual_completion")}


def _feature(layer: str, feature_id: str) -> Message:
    # a layer the table does not name (a typo on the command line) is shown as given
    name = Message.of(f"layer.{layer}") if layer in EDITABLE else Code(None, layer)
    return Message.of("edit.feature_ref", layer=name, id=feature_id)


def _refuse(layer: str, feature_id: str, field: str | None, problem: Message) -> ValidationError:
    """The refusal of an edit in the reader's language: the feature, the field by its label
    (not its column name), the problem."""
    if field is None:
        return ValidationError(Message.of("edit.err.refused", feature=_feature(layer, feature_id),
                                          problem=problem))
    return ValidationError(Message.of("edit.err.refused_field", feature=_feature(layer, feature_id),
                                      field=Column(field), problem=problem))


def _err(name: str, **args: object) -> Message:
    return Message.of(f"edit.err.{name}", **args)


def _parse_date(value) -> dt.date | None:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def validate(layer: str, feature_id: str, field: str, value, *, today: dt.date | None = None):
    """The value to store for ``field`` (text for dates, 0/1 for flags), or raise.

    Raises
    ------
    ValidationError
        Unknown layer or field, a value of the wrong type, an unknown status
        code, a negative number, a value out of range, a date in the future, or
        an empty value for a required field.
    """
    today = today or dt.date.today()
    if field not in EDITABLE.get(layer, ()):
        raise _refuse(layer, feature_id, field,
                      _err("not_editable", fields=[Column(c) for c in EDITABLE.get(layer, ())]))
    f = schema.LAYERS[layer].get(field)
    empty = value is None or value == "" or (isinstance(value, float) and math.isnan(value))
    if empty:
        if f.required:
            raise _refuse(layer, feature_id, field, _err("required"))
        return None
    if f.enum:
        if str(value) not in schema.ENUMS[f.enum]:
            raise _refuse(layer, feature_id, field, _err(
                "unknown_value", value=str(value),
                options=[Code(f.enum, c) for c in schema.ENUMS[f.enum]]))
        return str(value)
    if f.dtype == "date":
        try:
            day = _parse_date(value)
        except ValueError:
            raise _refuse(layer, feature_id, field, _err("not_date", value=str(value))) from None
        if day > today:
            raise _refuse(layer, feature_id, field, _err("future", day=day.isoformat(),
                                                         today=today.isoformat()))
        return day.isoformat()
    if f.dtype == "bool":
        if isinstance(value, bool) or value in (0, 1):
            return int(bool(value))
        raise _refuse(layer, feature_id, field, _err("not_yes_no", value=str(value)))
    return _number(layer, feature_id, field, f.dtype, value)


def _number(layer: str, feature_id: str, field: str, dtype: str, value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _refuse(layer, feature_id, field, _err("not_number", value=str(value))) from None
    if math.isnan(number) or math.isinf(number):
        raise _refuse(layer, feature_id, field, _err("not_number", value=str(value)))
    if dtype == "int" and number != int(number):
        raise _refuse(layer, feature_id, field, _err("not_whole", value=str(value)))
    if number < 0:
        raise _refuse(layer, feature_id, field, _err("negative", value=str(value)))
    lo, hi = _RANGES.get(field, (0, math.inf))
    if not lo <= number <= hi:
        raise _refuse(layer, feature_id, field, _err("outside", value=str(value), lo=f"{lo:g}",
                                                     hi=f"{hi:g}"))
    return int(number) if dtype == "int" else number


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def utc_stamp(moment: dt.datetime) -> str:
    """``moment`` as the history stores it: ISO 8601 UTC to the second, with ``Z``."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is the server's local time
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


BEIJING = "Asia/Shanghai"


def beijing_time(stamps: pd.Series) -> pd.Series:
    """History timestamps (UTC) as Beijing time, ``YYYY-MM-DD HH:MM`` (naive ones read as UTC)."""
    t = pd.to_datetime(stamps, utc=True, errors="coerce", format="ISO8601")
    return t.dt.tz_convert(BEIJING).dt.strftime("%Y-%m-%d %H:%M")


class StaleEditError(ValidationError):
    """The feature was changed by someone else since the planner read it: nothing was written.

    ``changes`` holds the history rows written since (who, when, what)."""

    def __init__(self, message: Message, changes: pd.DataFrame):
        super().__init__(message)
        self.changes = changes


def feature_version(audit: pd.DataFrame, layer: str, feature_id: str) -> int:
    """The version of one feature as a planner reads it: the number of the last history row
    that changed it (0 if none). Every edit and every import writes a history row, so the
    version changes with every write of the feature, on every store."""
    rows = audit[(audit["layer"] == layer) & (audit["feature_id"].astype(str) == str(feature_id))]
    return int(pd.to_numeric(rows["audit_id"]).max()) if len(rows) else 0


def stale_message(layer: str, feature_id: str, since: pd.DataFrame) -> Message:
    """Who changed the feature, when (Beijing time) and what, in the reader's words."""
    who = "、".join(dict.fromkeys(since["user"]))
    at = beijing_time(since["at"].iloc[-1:]).iloc[0]
    fields = schema.LAYERS[layer]
    what = [Message.of("edit.stale_change", field=Column(r.field),
                       old=_stale_value(fields, r.field, r.old_value),
                       new=_stale_value(fields, r.field, r.new_value))
            for r in since.itertuples()]
    feature = Message.of("edit.feature_ref", layer=Message.of(f"layer.{layer}"), id=feature_id)
    return Message.of("edit.stale", feature=feature, who=who, at=Message.of("edit.beijing_at", at=at),
                      what=what)


def _stale_value(fields: schema.Layer, field: str, value):
    if field == "geometry":  # an outline reads as its area, not as coordinates
        from geo import outline

        if not isinstance(value, str) or not value:
            return "∅"
        if value.startswith("POINT"):  # an enterprise's point: where it is
            import shapely

            pt = shapely.from_wkt(value)
            return Message.of("locate.clicked", lon=f"{pt.x:.5f}", lat=f"{pt.y:.5f}")
        mu = outline.area_of_wkt(value)
        return Message.of("outline.value", mu=f"{mu:,.2f}") if mu is not None else "∅"
    return Code(_enum(fields, field), value)


def _enum(layer: schema.Layer, field: str) -> str | None:
    try:
        return layer.get(field).enum
    except KeyError:
        return None


def stale_rows(con, layer: str, feature_id: str, version: int) -> pd.DataFrame:
    cur = con.execute('SELECT audit_id, at, "user", field, old_value, new_value FROM audit '
                      "WHERE layer = :layer AND feature_id = :fid "
                      "AND CAST(audit_id AS INTEGER) > :version ORDER BY CAST(audit_id AS INTEGER)",
                      {"layer": layer, "fid": str(feature_id), "version": int(version)})
    return pd.DataFrame(cur.fetchall(), columns=["audit_id", "at", "user", "field", "old_value",
                                                 "new_value"])


def apply_edit(path: str | os.PathLike, layer: str, feature_id: str, changes: Mapping[str, object],
               *, user, now: dt.datetime | None = None,
               effective: dt.date | str | None = None,
               expected_version: int | None = None) -> pd.DataFrame:
    """Write ``changes`` ({field: new value}) to one feature, with its history rows.

    ``effective`` is the day the change took effect (default: the day it is
    entered); the as-of views undo it only on the days before.
    ``expected_version`` is the :func:`feature_version` the planner saw: when
    someone changed the feature since, the edit is refused with
    :class:`StaleEditError` naming who changed what and when (no write is ever
    silently overwritten). Fields whose value does not change are skipped.
    Returns the history rows written (empty when nothing changed).

    Raises
    ------
    ValidationError
        Any invalid value, an unknown feature or an empty user: nothing is written.
    """
    given_now = now
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not changes:
        raise _refuse(layer, feature_id, None, _err("no_change"))
    effective = validate_effective(layer, feature_id, effective, now)
    stored = {name: validate(layer, feature_id, name, value, today=now.date())
              for name, value in changes.items()}
    if not (user.name if isinstance(user, accounts.User) else str(user)).strip():
        raise _refuse(layer, feature_id, None, _err("no_user"))
    key = schema.LAYERS[layer].key
    columns = list(dict.fromkeys([*stored, *_ORDER.get(layer, ())]))
    with store.transaction(path) as con:
        # the time of the change is when it gets the store, so history order is time order
        now = given_now or dt.datetime.now(dt.UTC).replace(microsecond=0)
        # who may change this feature, checked where the write happens (pages and CLI alike)
        who = accounts.authorise_edit(con, user, layer, str(feature_id)).name
        if expected_version is not None:
            since = stale_rows(con, layer, feature_id, expected_version)
            if len(since):
                raise StaleEditError(stale_message(layer, feature_id, since), since)
        cols_sql = ", ".join(_quote(c) for c in columns)
        row = con.execute(f"SELECT {cols_sql} FROM {_quote(layer)} WHERE {_quote(key)} = :fid",
                          {"fid": str(feature_id)}).fetchone()
        if row is None:
            raise _refuse(layer, feature_id, None, _err("no_feature"))
        old = dict(zip(columns, tuple(row), strict=True))
        _check_order(layer, feature_id, {**old, **stored})
        changed = {c: v for c, v in stored.items() if _text(old[c]) != _text(v)}
        rows = []
        next_id = next_audit_id(con)
        for i, (name, value) in enumerate(changed.items()):
            bound = bool(value) if value is not None and _is_flag(layer, name) else value
            con.execute(f"UPDATE {_quote(layer)} SET {_quote(name)} = :value "
                        f"WHERE {_quote(key)} = :fid", {"value": bound, "fid": str(feature_id)})
            rows.append({"audit_id": next_id + i, "at": utc_stamp(now),
                         "user": who, "layer": layer, "feature_id": str(feature_id),
                         "field": name, "old_value": _text(old[name]), "new_value": _text(value),
                         "effective": effective.isoformat(), "batch": None})
        insert_audit(con, rows)
        if rows:
            con.touch([layer, "audit"])
    return pd.DataFrame(rows, columns=schema.LAYERS["audit"].field_names)


def next_audit_id(con) -> int:
    """The number of the next history row, inside a write transaction."""
    # CAST: a store whose history table was created from an empty text column holds the
    # numbers as text, where MAX('9', '10') is '9'
    return int(con.execute("SELECT COALESCE(MAX(CAST(audit_id AS INTEGER)), 0) + 1 "
                           "FROM audit").fetchone()[0])


def insert_audit(con, rows: list[dict]) -> None:
    """Add history rows (dicts of every audit field), inside a write transaction."""
    names = list(schema.LAYERS["audit"].field_names)
    for r in rows:
        con.execute(f"INSERT INTO audit ({', '.join(_quote(n) for n in names)}) "
                    f"VALUES ({', '.join(':' + n for n in names)})", r)


def _is_flag(layer: str, field: str) -> bool:
    # a yes/no is bound as a boolean: PostgreSQL has no implicit 0/1 to boolean
    return schema.LAYERS[layer].get(field).dtype == "bool"


def validate_effective(layer: str, feature_id: str, effective, now: dt.datetime) -> dt.date:
    """The effective date of a change: the day given (not after the day of entry), or that day."""
    today = (now.astimezone(dt.UTC) if now.tzinfo else now).date()
    if effective is None or effective == "":
        return today
    try:
        day = _parse_date(effective)
    except ValueError:
        day = None
    if day is None:
        raise _refuse(layer, feature_id, "effective", _err("not_date", value=str(effective)))
    if day > today:
        raise _refuse(layer, feature_id, "effective", _err("after_entry", day=day.isoformat(),
                                                             today=today.isoformat()))
    return day


def _check_order(layer: str, feature_id: str, values: Mapping[str, object]) -> None:
    if layer not in _ORDER:
        return
    first, second = _ORDER[layer]
    a, b = _parse_date(values.get(first)), _parse_date(values.get(second))
    if a is not None and b is not None and b < a:
        raise _refuse(layer, feature_id, second, _err("before", day=b.isoformat(), other=Column(first),
                                                       other_day=a.isoformat()))


def history(audit: pd.DataFrame, layer: str, feature_id: str) -> pd.DataFrame:
    """The history rows of one feature, newest first (by entry)."""
    rows = audit[(audit["layer"] == layer) & (audit["feature_id"].astype(str) == str(feature_id))]
    return rows.sort_values(["at", "audit_id"], ascending=False).reset_index(drop=True)


def history_since(audit: pd.DataFrame, *, since=None, user: str | None = None,
                  layer: str | None = None, feature_id: str | None = None) -> pd.DataFrame:
    """The county's history, newest first, filtered by entry date (on or after ``since``),
    person, layer and feature."""
    rows = audit
    if since is not None:
        entered = pd.to_datetime(rows["at"], utc=True, errors="coerce", format="ISO8601")
        rows = rows[entered >= pd.Timestamp(since, tz="UTC")]
    if user:
        rows = rows[rows["user"] == user]
    if layer:
        rows = rows[rows["layer"] == layer]
    if feature_id:
        rows = rows[rows["feature_id"].astype(str) == str(feature_id)]
    order = pd.to_numeric(rows["audit_id"])
    return rows.assign(_o=order).sort_values("_o", ascending=False).drop(columns="_o").reset_index(
        drop=True)


def revert(path: str | os.PathLike, audit_ids, *, user,
           now: dt.datetime | None = None) -> pd.DataFrame:
    """Undo recorded changes (one, or a batch's): put each field's old value back, as new edits
    with their own history rows. Refused (:class:`StaleEditError`, nothing written) when a
    feature was changed again after the change being undone; a feature an import added is
    kept (its ``*`` row has no field to put back)."""
    layers = store.Store(path)
    audit = layers.audit
    ids = {int(i) for i in audit_ids}
    rows = audit[pd.to_numeric(audit["audit_id"]).isin(ids) & (audit["field"] != "*")]
    if rows.empty:
        raise ValidationError(Message.of("edit.revert_none"))
    # undoing someone else's change is an admin's decision
    user = accounts.authorise(layers, user, "undo", others=rows["user"])
    from geo import outline  # outline builds on this module

    out = []
    for (layer, fid), part in rows.groupby(["layer", "feature_id"], sort=False):
        last = int(pd.to_numeric(part["audit_id"]).max())
        if layer in PLACE_FIELDS and (part["field"] == "geometry").any():
            # an enterprise's point: put back with the fields its placement filled
            out.append(_unplace(path, layer, str(fid), part, user=user, now=now, last=last))
            continue
        newest_first = part.sort_values("audit_id", ascending=False)
        shapes = newest_first[newest_first["field"] == outline.FIELD]
        changes = {r.field: (r.old_value if r.old_value is not None else "") for r in
                   newest_first.itertuples() if r.field != outline.FIELD}
        if len(shapes):  # the oldest outline of the rows undone is the one put back
            written = outline.revert_outline(path, shapes.iloc[-1], user=user, now=now,
                                             expected_version=last)
            out.append(written)
            last = int(written["audit_id"].max()) if len(written) else last
        if changes:
            out.append(apply_edit(path, layer, str(fid), changes, user=user, now=now,
                                  expected_version=last))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


# fields a placement may fill beside the point (from the parcel it was found on); only empty
# ones are filled, never a value someone recorded
PLACE_FIELDS: dict[str, tuple[str, ...]] = {
    "enterprises": ("parcel_id", "town_code", "park_id", "land_area_mu"),
}


_COUNTY_BBOX = (119.87, 28.41, 120.42, 28.95)  # lon/lat, SPEC "Places"


def _point_in_county(layer: str, feature_id: str, geom) -> None:
    import shapely

    if geom is None or geom.is_empty or geom.geom_type != "Point":
        raise _refuse(layer, feature_id, "geometry", "a point is needed")
    x0, y0, x1, y1 = _COUNTY_BBOX
    margin = 0.05  # about 5 km: a click just beside the boundary is still the county's
    if not (shapely.is_valid(geom) and x0 - margin <= geom.x <= x1 + margin
            and y0 - margin <= geom.y <= y1 + margin):
        raise ValidationError(Message.of("edit.place_outside", lon=f"{geom.x:.5f}",
                                         lat=f"{geom.y:.5f}"))


def _fill_fields(con, layer: str, fid: str, values: Mapping[str, object],
                 old_values: Mapping[str, object], *, undo: bool) -> list[tuple]:
    """Write the fields a placement fills (only empty ones, unless undoing); their changes."""
    key = schema.LAYERS[layer].key
    changes = []
    for name, value in values.items():
        empty = value is None or (isinstance(value, float) and math.isnan(value))
        if name not in PLACE_FIELDS[layer] or (not undo and (empty or old_values[name] is not None)):
            continue
        value = None if empty else value
        if hasattr(value, "item"):  # numpy scalars: the drivers bind Python values
            value = value.item()
        con.execute(f"UPDATE {_quote(layer)} SET {_quote(name)} = :value "
                    f"WHERE {_quote(key)} = :fid", {"value": value, "fid": fid})
        changes.append((name, _text(old_values[name]), _text(value)))
    return changes


def place(path: str | os.PathLike, layer: str, placements: Mapping[str, object], *, user,  # noqa: PLR0913 (an edit's context)
          fill: Mapping[str, Mapping[str, object]] | None = None,
          now: dt.datetime | None = None,
          expected_versions: Mapping[str, int] | None = None,
          undo: bool = False) -> pd.DataFrame:
    """Give features of ``layer`` their point ({feature id: shapely point in EPSG:4490}), all
    in one transaction with their history, as :func:`apply_edit` writes attributes.

    Each feature gets one history row for its geometry (old and new as WKT, old empty when it
    had none) and one per field of ``fill`` ({feature id: {field: value}}, e.g. the parcel
    an enterprise was found on) that was empty before. Who may change the feature is checked
    inside the transaction (:func:`geo.accounts.authorise_edit`), and
    ``expected_versions`` ({feature id: :func:`feature_version` the planner saw}) refuses a
    feature changed since (:class:`StaleEditError`): nothing is written then. ``undo``
    (:func:`revert`): the geometry may go back to none and ``fill`` overwrites, empty
    values included.

    Returns
    -------
    history
        The history rows written.
    """
    if layer not in PLACE_FIELDS:
        raise _refuse(layer, "-", "geometry", "points can be placed for enterprises only")
    if not placements:
        raise _refuse(layer, "-", "geometry", "no change given")
    for fid, geom in placements.items():
        if not (undo and geom is None):
            _point_in_county(layer, fid, geom)
    if not (user.name if isinstance(user, accounts.User) else str(user)).strip():
        raise _refuse(layer, "-", "user", "say who makes the change")
    fill = fill or {}
    key = schema.LAYERS[layer].key
    allowed = PLACE_FIELDS[layer]
    rows: list[dict] = []
    with store.transaction(path) as con:
        now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
        next_id = next_audit_id(con)
        for fid, geom in placements.items():
            fid = str(fid)
            who = accounts.authorise_edit(con, user, layer, fid).name
            if expected_versions and fid in expected_versions:
                since = stale_rows(con, layer, fid, expected_versions[fid])
                if len(since):
                    raise StaleEditError(stale_message(layer, fid, since), since)
            found = con.execute(f"SELECT {', '.join(_quote(c) for c in allowed)} FROM "
                                f"{_quote(layer)} WHERE {_quote(key)} = :fid",
                                {"fid": fid}).fetchone()
            if found is None:
                raise _refuse(layer, fid, key, "no such feature in the store")
            old_values = dict(zip(allowed, tuple(found), strict=True))
            old_geom = con.geometry(layer, key, fid)
            con.set_geometry(layer, key, fid, geom)
            changes = [("geometry", old_geom.wkt if old_geom is not None else None,
                        geom.wkt if geom is not None else None)]
            changes += _fill_fields(con, layer, fid, fill.get(fid) or {}, old_values, undo=undo)
            for name, old, new in changes:
                rows.append({"audit_id": next_id + len(rows), "at": utc_stamp(now), "user": who,
                             "layer": layer, "feature_id": fid, "field": name,
                             "old_value": old, "new_value": new,
                             "effective": utc_stamp(now)[:10], "batch": None})
        insert_audit(con, rows)
        con.touch([layer, "audit"])
    return pd.DataFrame(rows, columns=schema.LAYERS["audit"].field_names)


def _unplace(path, layer: str, fid: str, part: pd.DataFrame, *, user, now, last: int):
    """Undo a placement: the old point (or none) and the fields it filled, as one change."""
    import shapely

    first = part.sort_values("audit_id", key=pd.to_numeric)  # the oldest value of each field
    old = first.drop_duplicates("field").set_index("field")["old_value"]
    geom = shapely.from_wkt(old["geometry"]) if old.get("geometry") else None
    fields = schema.LAYERS[layer]
    values = {}
    for name, text in old.drop("geometry").items():
        dtype = fields.get(name).dtype
        values[name] = float(text) if text is not None and dtype == "float" else text
    return place(path, layer, {fid: geom}, user=user, fill={fid: values}, now=now,
                 expected_versions={fid: last}, undo=True)

"""Layers as they stood at an earlier date ("as of" a year or a quarter).

A period is written ``"2020"`` (the year, i.e. as of 31 December 2020) or
``"2020Q3"`` (as of the last day of that quarter); :func:`period_end` turns it
into a date. ``None`` means the data as stored now.

How each layer is turned back, from the dates the store holds:

parks
    status from ``start_date`` and ``completion_date``: not started by the
    date -> 规划 (planned); started, not completed -> 在建; completed -> the
    stored status if it is 建成/运营, else 建成. The result never runs ahead of
    the stored status (a park stored as 在建 stays 在建 even if a completion date
    was entered). Parks not built as of the date have no enterprises,
    occupancy, star rating or smart flag yet.
land_sales
    only sales with ``sale_date`` on or before the date; an ``actual_start`` or
    ``actual_completion`` after the date was not known yet and becomes empty.
parcels
    only parcels approved in or before the date's year; the lifecycle stage
    implied by the sales as of the date (批 -> 供 when sold, -> 用 when started,
    -> 建 when completed), never ahead of the stored stage. A parcel with no
    sale record keeps its stored stage (it was supplied before the records).
cases
    only cases identified in or before the date's year; a case revitalised
    after the date was still 处置中 (in progress).
enterprise_figures
    only the years complete at the date (as of 2021Q1, up to 2020).

Changes recorded in the history (edits and imports) are undone too: :func:`rewind`
puts back the old value of every change that took effect after the date (its
``effective`` day, which an edit may back-date, else the day it was entered),
newest first. Date fields are not rewound: a date is a fact that carries its
own time (a completion date entered today for a park finished in 2021 applies
in 2021).
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import shapely

CURRENT = "current"
_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4]))?$")

PARK_STAGES = ("planned", "under_construction", "completed", "operating")
LIFECYCLE_STAGES = ("approved", "supplied", "in_use", "built", "producing", "meeting")


def period_end(period: str | None) -> pd.Timestamp | None:
    """The last day of a period: ``"2020"`` -> 2020-12-31, ``"2020Q1"`` -> 2020-03-31.

    ``None`` or ``"current"`` give ``None`` (the data as stored now).

    >>> period_end("2021Q2")
    Timestamp('2021-06-30 00:00:00')
    """
    if period is None or period == CURRENT:
        return None
    match = _PERIOD.match(str(period))
    if not match:
        msg = f"Period {period!r}: expected a year like 2020 or a quarter like 2020Q3"
        raise ValueError(msg)
    year, quarter = int(match.group(1)), match.group(2)
    month = 12 if quarter is None else 3 * int(quarter)
    return pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)


def periods(first_year: int, last_year: int, *, quarters: bool = True) -> list[str]:
    """Every period from ``first_year`` to ``last_year``: years, then their quarters.

    >>> periods(2020, 2020)
    ['2020', '2020Q1', '2020Q2', '2020Q3', '2020Q4']
    """
    out: list[str] = []
    for year in range(first_year, last_year + 1):
        out.append(str(year))
        if quarters:
            out += [f"{year}Q{q}" for q in range(1, 5)]
    return out


def data_date(layers, *, today=None) -> pd.Timestamp:
    """The date the data as stored stand at: its latest event (a sale, a start, a completion,
    a revitalisation) not after ``today``; the figures "as stored" are dated at it, so that
    they depend on the data alone, not on the day they are looked at."""
    today = pd.Timestamp(today or pd.Timestamp.now(tz="Asia/Shanghai").date())
    found: list[pd.Timestamp] = []
    for layer, cols in (("land_sales", ("sale_date", "actual_start", "actual_completion")),
                        ("parks", ("start_date", "completion_date")),
                        ("cases", ("revitalised_date",))):
        df = layers.get(layer)
        for col in cols:
            if df is not None and col in df.columns and len(df):
                d = pd.to_datetime(df[col], errors="coerce")
                d = d[d <= today]
                if d.notna().any():
                    found.append(d.max())
    return max(found).normalize() if found else today.normalize()


def _ts(as_of) -> pd.Timestamp | None:
    return None if as_of is None else pd.Timestamp(as_of)


def _on_or_before(dates: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    return pd.to_datetime(dates).le(as_of).fillna(False).astype(bool)


def _cap(derived: pd.Series, stored: pd.Series, stages: tuple[str, ...]) -> pd.Series:
    """The earlier of two stages, element-wise (unknown stored stages keep the derived one)."""
    rank = {s: i for i, s in enumerate(stages)}
    d = derived.map(rank)
    s = stored.map(rank).fillna(len(stages))
    return pd.Series([stages[int(min(a, b))] for a, b in zip(d, s, strict=True)],
                     index=derived.index, dtype=object)


def parks_as_of(parks: pd.DataFrame, as_of) -> pd.DataFrame:
    """Parks with ``status`` (and figures of parks not yet built) as of ``as_of``."""
    as_of = _ts(as_of)
    if as_of is None:
        return parks.copy()
    out = parks.copy()
    started = _on_or_before(out["start_date"], as_of)
    completed = started & _on_or_before(out["completion_date"], as_of)
    derived = pd.Series("planned", index=out.index, dtype=object)
    derived[started] = "under_construction"
    derived[completed] = "operating"
    out["status"] = _cap(derived, out["status"], PARK_STAGES)
    built = out["status"].isin(("completed", "operating"))
    out.loc[~started, "start_date"] = pd.NaT
    out.loc[~completed, "completion_date"] = pd.NaT
    out.loc[~built, "enterprises_in"] = 0
    out.loc[~built, "occupancy_pct"] = 0.0
    out.loc[~built, "star_rating"] = 0
    out.loc[~built, "is_smart"] = False
    return out


def sales_as_of(land_sales: pd.DataFrame, as_of) -> pd.DataFrame:
    """Sales made on or before ``as_of``, with later starts and completions blanked."""
    as_of = _ts(as_of)
    if as_of is None:
        return land_sales.copy()
    out = land_sales[_on_or_before(land_sales["sale_date"], as_of)].copy()
    for col in ("actual_start", "actual_completion"):
        out[col] = pd.to_datetime(out[col]).where(_on_or_before(out[col], as_of))
    return out


def parcels_as_of(parcels: pd.DataFrame, land_sales: pd.DataFrame, as_of) -> pd.DataFrame:
    """Parcels approved by ``as_of`` with their lifecycle stage as of then."""
    as_of = _ts(as_of)
    if as_of is None:
        return parcels.copy()
    # a parcel without an approval year cannot be placed in time (the health check lists it)
    out = parcels[pd.to_numeric(parcels["approved_year"], errors="coerce") <= as_of.year].copy()
    sales = land_sales.sort_values("sale_date").drop_duplicates("parcel_id", keep="last")
    sales = sales.set_index("parcel_id")
    has_record = out["parcel_id"].isin(sales.index)
    rec = sales.reindex(out["parcel_id"])
    rec.index = out.index
    sold = _on_or_before(rec["sale_date"], as_of)
    started = sold & _on_or_before(rec["actual_start"], as_of)
    done = started & _on_or_before(rec["actual_completion"], as_of)
    derived = pd.Series("approved", index=out.index, dtype=object)
    derived[sold] = "supplied"
    derived[started] = "in_use"
    derived[done] = "meeting"
    capped = _cap(derived, out["lifecycle"], LIFECYCLE_STAGES)
    out["lifecycle"] = capped.where(has_record, out["lifecycle"])
    return out


def cases_as_of(cases: pd.DataFrame, as_of) -> pd.DataFrame:
    """Cases identified by ``as_of``; those revitalised later were still in progress."""
    as_of = _ts(as_of)
    if as_of is None:
        return cases.copy()
    out = cases[pd.to_numeric(cases["identified_year"]) <= as_of.year].copy()
    later = out["status"].eq("revitalised") & ~_on_or_before(out["revitalised_date"], as_of)
    out.loc[later, "status"] = "in_progress"
    out["revitalised_date"] = pd.to_datetime(out["revitalised_date"]).where(
        _on_or_before(out["revitalised_date"], as_of))
    return out


def last_complete_year(as_of) -> int:
    """The last year complete at ``as_of``: its own year on 31 December, else the year before
    (a year's figures describe the whole year; as of 2021Q1 the evaluation is of 2020)."""
    as_of = pd.Timestamp(as_of)
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def figures_as_of(figures: pd.DataFrame, as_of) -> pd.DataFrame:
    """Yearly enterprise figures of the years complete at ``as_of`` (:func:`last_complete_year`)."""
    as_of = _ts(as_of)
    if as_of is None:
        return figures.copy()
    return figures[pd.to_numeric(figures["year"]) <= last_complete_year(as_of)].copy()


def rewind(df: pd.DataFrame, audit: pd.DataFrame, layer: str, key: str, as_of) -> pd.DataFrame:
    """``df`` with every change of ``layer`` that took effect after ``as_of`` undone.

    A change takes effect on its ``effective`` day (an edit back-dated to when it
    happened), else on the day it was entered (``at``). History rows are applied
    newest first, each putting back its ``old_value`` (converted to the column's
    type; an empty old value becomes missing).
    """
    as_of = _ts(as_of)
    if as_of is None or audit is None or audit.empty:
        return df
    entered = pd.to_datetime(audit["at"], utc=True, errors="coerce", format="ISO8601")
    # the day of entry in Beijing, where the planners are
    day = entered.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()
    if "effective" in audit.columns:
        day = pd.to_datetime(audit["effective"], errors="coerce").fillna(day)
    later = audit[(audit["layer"] == layer) & (day >= as_of.normalize() + pd.Timedelta(days=1))]
    if later.empty:
        return df
    out = df.copy()
    for row in later.sort_values(["audit_id"], ascending=False).itertuples():
        if row.field not in out.columns or pd.api.types.is_datetime64_any_dtype(out[row.field]):
            continue
        mask = out[key].astype(str) == str(row.feature_id)
        if row.field == "geometry":  # an outline reshaped later: the one it replaced
            old = shapely.from_wkt(row.old_value) if row.old_value else None
            out.loc[mask, "geometry"] = gpd.GeoSeries([old] * int(mask.sum()),
                                                      index=out.index[mask], crs=out.crs)
            continue
        out.loc[mask, row.field] = _typed(out[row.field], row.old_value)
    return out


def _typed(column: pd.Series, text):
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return pd.NaT if pd.api.types.is_datetime64_any_dtype(column) else None
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.Timestamp(text)
    if pd.api.types.is_bool_dtype(column):
        return str(text).lower() in ("1", "true")
    if pd.api.types.is_integer_dtype(column):
        return int(float(text))
    if pd.api.types.is_float_dtype(column):
        return float(text)
    return text


def layers_as_of(layers: dict, as_of) -> dict:
    """Every tracked layer of a store (as read by :func:`geo.store.read_all`) as of ``as_of``.

    Untracked layers (boundaries, roads, constraints, ...) are passed through.
    ``None`` returns ``layers`` itself.
    """
    as_of = _ts(as_of)
    if as_of is None:
        return layers
    audit = layers.get("audit")
    out = dict(layers)
    rew = {name: rewind(layers[name], audit, name, key, as_of)
           for name, key in (("parks", "park_id"), ("parcels", "parcel_id"),
                             ("land_sales", "sale_id"), ("cases", "case_id"))
           if name in layers}
    if "parks" in rew:
        out["parks"] = parks_as_of(rew["parks"], as_of)
    if "land_sales" in rew:
        out["land_sales"] = sales_as_of(rew["land_sales"], as_of)
    if "parcels" in rew and "land_sales" in rew:
        out["parcels"] = parcels_as_of(rew["parcels"], rew["land_sales"], as_of)
    if "cases" in rew:
        out["cases"] = cases_as_of(rew["cases"], as_of)
    if "enterprise_figures" in layers:
        out["enterprise_figures"] = figures_as_of(layers["enterprise_figures"], as_of)
    return out

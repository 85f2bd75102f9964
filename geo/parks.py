"""Micro-enterprise parks (小微企业园): the table, progress against the plan, timeline.

Every function takes the store's layers (``geo.store.read_all``) and the plan
(:class:`geo.plan.Plan`) and returns a DataFrame; ``as_of`` (a date, or None for
the data as stored) turns the layers back first (:mod:`geo.asof`).

Per-mu tax of a park
    .. math:: \\text{tax per mu} = \\frac{\\sum \\text{tax of the enterprises whose park\\_id is the park}}
              {\\text{mapped area of the park in mu}}

    in 万元/亩, for the latest year of figures up to the as-of date, against
    the plan's ``[parks] tax_per_mu_standard_10k`` (12 万元/亩 in the Jinyun
    plan file, a Yiwu figure marked [unverified] in DOMAIN.md §2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo import asof as asof_mod
from geo.errors import PlanFileError
from geo.i18n import Message
from geo.plan import Plan
from geo.units import area_mu

STARTED = ("under_construction", "completed", "operating")
BUILT = ("completed", "operating")
OUTSIDE = "-"  # platform code of parks outside every platform, in tables and filters

# target id -> how progress is measured (documented in :func:`progress`)
PARK_TARGETS = ("parks_built", "park_land_mu", "park_floor_m2", "smart_parks", "three_star_parks",
                "enterprises_in_parks", "specialised_enterprises")

TABLE_COLUMNS = ["park_id", "name_zh", "town_code", "platform_id", "status", "industry_theme",
                 "planned_area_mu", "mapped_area_mu", "floor_area_m2", "start_date",
                 "completion_date", "enterprises_in", "occupancy_pct", "star_rating", "is_smart",
                 "tax_year", "tax_10k", "tax_per_mu_10k", "tax_standard_10k", "meets_standard"]


@dataclass(frozen=True)
class ParkRules:
    """The plan file's ``[parks]`` section."""

    tax_per_mu_standard_10k: float = 12.0
    tax_per_mu_standard_source: str = ""
    min_star_rating: int = 3
    # the same basis in English, for the English interface (the plan's own words stay Chinese)
    tax_per_mu_standard_source_en: str = ""


def rules(plan: Plan) -> ParkRules:
    """Read ``[parks]`` from the plan; missing keys take the documented defaults."""
    raw = plan.raw.get("parks", {})
    try:
        return ParkRules(float(raw.get("tax_per_mu_standard_10k", 12.0)),
                         str(raw.get("tax_per_mu_standard_source", "")),
                         int(raw.get("min_star_rating", 3)),
                         str(raw.get("tax_per_mu_standard_source_en", "")))
    except (TypeError, ValueError) as exc:
        raise PlanFileError(Message.of("err.plan.not_a_number", path=str(plan.path), section="parks",
                                       detail=str(exc))) from exc


def tax_year(figures: pd.DataFrame) -> int | None:
    """The latest year with enterprise figures (None when there are none)."""
    years = pd.to_numeric(figures["year"]).dropna()
    return int(years.max()) if len(years) else None


def tax_by_park(enterprises: pd.DataFrame, figures: pd.DataFrame, year: int | None) -> pd.Series:
    """Tax (万元) of the enterprises of each park in ``year``, indexed by park_id."""
    if year is None:
        return pd.Series(dtype=float, name="tax_10k")
    fig = figures[figures["year"] == year][["enterprise_id", "tax_10k"]]
    ents = enterprises[enterprises["park_id"].notna()][["enterprise_id", "park_id"]]
    merged = ents.merge(fig, on="enterprise_id", how="inner")
    return merged.groupby("park_id")["tax_10k"].sum().rename("tax_10k")


def table(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """One row per park (columns :data:`TABLE_COLUMNS`), as of ``as_of``.

    ``mapped_area_mu`` is measured from the geometry in EPSG:4549;
    ``meets_standard`` is empty for parks not yet built.
    """
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    parks = lay["parks"]
    r = rules(plan)
    year = tax_year(lay["enterprise_figures"])
    tax = tax_by_park(lay["enterprises"], lay["enterprise_figures"], year)
    out = pd.DataFrame(parks.drop(columns="geometry", errors="ignore"))
    out["platform_id"] = out["platform_id"].fillna(OUTSIDE)
    out["mapped_area_mu"] = area_mu(parks).to_numpy()
    out["tax_year"] = year
    out["tax_10k"] = out["park_id"].map(tax).fillna(0.0)
    out["tax_per_mu_10k"] = out["tax_10k"] / out["mapped_area_mu"]
    out["tax_standard_10k"] = r.tax_per_mu_standard_10k
    meets = (out["tax_per_mu_10k"] >= r.tax_per_mu_standard_10k).astype("boolean")
    out["meets_standard"] = meets.where(out["status"].isin(BUILT), pd.NA)
    return out[TABLE_COLUMNS].reset_index(drop=True)


def filter_table(df: pd.DataFrame, *, towns=None, platforms=None, statuses=None,
                 themes=None) -> pd.DataFrame:
    """Rows of a park table matching every non-empty filter (lists of codes)."""
    mask = pd.Series(True, index=df.index)
    for col, chosen in (("town_code", towns), ("platform_id", platforms), ("status", statuses),
                        ("industry_theme", themes)):
        if chosen:
            mask &= df[col].isin(list(chosen))
    return df[mask]


def values(layers: Mapping[str, pd.DataFrame], plan: Plan) -> dict[str, float]:
    """The parks' figures of ``layers`` (already as of a date), by figure key
    (:mod:`geo.figures`): parks started (开工: under construction, completed or
    operating) and completed (建成: completed or operating); planned land and floor
    area of the parks started; smart, three-star (``[parks] min_star_rating``) and
    enterprises moved in, of the parks completed; 专精特新 enterprises."""
    parks = layers["parks"]
    started = parks[parks["status"].isin(STARTED)]
    built = parks[parks["status"].isin(BUILT)]
    return {
        "parks.started": float(len(started)),
        "parks.completed": float(len(built)),
        "parks.planned_land_mu": float(started["planned_area_mu"].sum()),
        "parks.floor_m2": float(started["floor_area_m2"].sum()),
        "parks.smart": float(built["is_smart"].astype(bool).sum()),
        "parks.three_star": float((built["star_rating"] >= rules(plan).min_star_rating).sum()),
        "parks.enterprises_in": float(built["enterprises_in"].sum()),
        "enterprises.specialised": float(layers["enterprises"]["specialised"].astype(bool).sum()),
    }


def progress(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """Every park target of the plan with the value reached as of ``as_of``.

    parks_built: parks completed or operating. park_land_mu: planned land of the
    parks started (开工) so far. park_floor_m2: floor area of the parks started.
    smart_parks: built parks flagged smart. three_star_parks: built parks rated
    ``[parks] min_star_rating`` stars or more. enterprises_in_parks: enterprises
    moved into built parks (the parks' ``enterprises_in``).
    specialised_enterprises: enterprises with ``specialised`` (专精特新) true.

    Columns: target_id, name_zh, name_en, value, target, unit, share, met.
    """
    v = values(asof_mod.layers_as_of(dict(layers), as_of), plan)
    values_by_target = {
        "parks_built": v["parks.completed"], "park_land_mu": v["parks.planned_land_mu"],
        "park_floor_m2": v["parks.floor_m2"], "smart_parks": v["parks.smart"],
        "three_star_parks": v["parks.three_star"], "enterprises_in_parks": v["parks.enterprises_in"],
        "specialised_enterprises": v["enterprises.specialised"],
    }
    rows = []
    for tid in PARK_TARGETS:
        t = plan.target(tid)
        value = values_by_target[tid]
        rows.append({"target_id": tid, "name_zh": t.name_zh, "name_en": t.name_en,
                     "value": float(value), "target": float(t.value), "unit": t.unit,
                     "share": float(value) / t.value if t.value else 0.0, "met": t.met(value)})
    return pd.DataFrame(rows)


def timeline(parks: pd.DataFrame, *, freq: str = "QE") -> pd.DataFrame:
    """Cumulative number of parks started and completed at the end of each period.

    Index: period ends (``freq`` ``"QE"`` quarters or ``"YE"`` years) from the
    first start to the last date; columns ``started`` and ``completed``.
    """
    starts = pd.to_datetime(parks["start_date"]).dropna()
    ends = pd.to_datetime(parks["completion_date"]).dropna()
    dates = pd.concat([starts, ends])
    if dates.empty:
        return pd.DataFrame({"started": [], "completed": []}, dtype=int)
    index = pd.date_range(dates.min(), dates.max() + pd.tseries.frequencies.to_offset(freq),
                          freq=freq)
    return pd.DataFrame({
        "started": [int((starts <= d).sum()) for d in index],
        "completed": [int((ends <= d).sum()) for d in index],
    }, index=index)


def events(parks: pd.DataFrame) -> pd.DataFrame:
    """Start and completion of each park, one row per event (park_id, name_zh, event, date)."""
    rows = []
    for col, event in (("start_date", "start"), ("completion_date", "completion")):
        part = parks[pd.to_datetime(parks[col]).notna()]
        rows.append(pd.DataFrame({"park_id": part["park_id"], "name_zh": part["name_zh"],
                                  "event": event, "date": pd.to_datetime(part[col])}))
    return pd.concat(rows, ignore_index=True).sort_values("date", ignore_index=True)

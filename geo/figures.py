"""Every figure of the plan, from one engine: the store, the plan file and a date.

The overview's cards, each page's target table, the brief's numbers, the map
sheets' subtitles and ``python -m geo figures`` all read :func:`figures`, so the
same figure cannot differ between two places. Each :class:`Figure` carries a
stable ``key`` (shown beside the card as help, printed by the command line),
its value and unit, the plan's target where it has one, and a definition that
says exactly what it counts.

The rules, one for each figure everywhere:

* **as of a date.** Every figure is computed on the layers as they stood at
  ``as_of`` (:func:`geo.asof.layers_as_of`); ``None`` means the data as stored
  now, dated at the data's latest event (:func:`geo.asof.data_date`), never at
  the machine's clock.
* **parks.** *Started* (开工) counts parks under construction, completed or
  operating; *completed* (建成) counts completed or operating ones. Planned land
  and floor area are those of the parks started.
* **land sold.** A sale counts in the year of its sale date, with the mapped
  area of its parcel, or its contract area when the parcel is not mapped (such
  sales are listed by :func:`geo.land.unmapped_sales`); only parcels whose land
  use the plan counts (``[land] counted_land_uses``, default industrial: the
  plan's 工业用地) count.
* **idle land.** Idle on the calendar anniversary of the agreed start
  (:func:`geo.land.idle_flags`), as of the date.
* **revitalised.** Cases revitalised between the plan's first day and the date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo import asof, inefficient, land, parks
from geo.i18n import Message
from geo.plan import Plan, plan_of

PARK_KEYS = {
    "parks.started": "parks_built", "parks.completed": "parks_built",
    "parks.planned_land_mu": "park_land_mu", "parks.floor_m2": "park_floor_m2",
    "parks.smart": "smart_parks", "parks.three_star": "three_star_parks",
    "parks.enterprises_in": "enterprises_in_parks",
    "enterprises.specialised": "specialised_enterprises",
}
REVITALISED_KEYS = {"revitalised.mu": "revitalised_mu",
                    "revitalised.renovated_floor_m2": "renovated_floor_m2",
                    "revitalised.standard_factory_m2": "standard_factory_m2"}
# the overview's cards, in order
OVERVIEW = ("parks.started", "parks.completed", "parks.planned_land_mu", "parks.floor_m2",
            "land.sold_mu", "revitalised.mu")


@dataclass(frozen=True)
class Figure:
    """One figure: ``key`` (e.g. ``land.sold_mu.2019``), value, unit, the plan's target."""

    key: str
    value: float
    unit: str
    target: float | None = None
    target_id: str | None = None
    comparison: str = ">="
    year: int | None = None

    @property
    def base(self) -> str:
        """The key without its year (``land.sold_mu``): the key of its label and definition."""
        return self.key.rsplit(".", 1)[0] if self.year is not None else self.key

    @property
    def label(self) -> Message:
        return Message.of(f"fig.{self.base}", **({"year": self.year} if self.year else {}))

    @property
    def definition(self) -> Message:
        return Message.of(f"fig.{self.base}.def", **({"year": self.year} if self.year else {}))

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return {">=": self.value >= self.target, "<=": self.value <= self.target,
                "==": self.value == self.target}[self.comparison]

    @property
    def share(self) -> float:
        return self.value / self.target if self.target else 0.0


def _target(plan: Plan, target_id: str) -> dict:
    t = plan.target(target_id)
    return {"target": float(t.value), "target_id": target_id, "comparison": t.comparison}


def figures(layers: Mapping[str, pd.DataFrame], plan: Plan | None = None, *,
            as_of=None) -> list[Figure]:
    """Every figure of the plan as of ``as_of`` (a date, a period end; None: as stored)."""
    plan = plan_of(layers, plan)
    as_of = None if as_of is None else pd.Timestamp(as_of)
    at = asof.layers_as_of(dict(layers), as_of)
    date = as_of if as_of is not None else asof.data_date(layers)
    out: list[Figure] = []
    park_values = parks.values(at, plan)
    for key, tid in PARK_KEYS.items():
        out.append(Figure(key, float(park_values[key]), plan.target(tid).unit, **_target(plan, tid)))
    sold = land.sold_by_year(layers, plan, as_of=as_of)
    for year, value in sold["area_mu"].items():
        out.append(Figure(f"land.sold_mu.{year}", float(value), "mu", year=int(year),
                          **_target(plan, "land_sold_mu")))
    out.append(Figure("land.expansion_mu", float(land.expansion(layers, plan, as_of=as_of)
                                                 ["value_mu"].iloc[0]), "mu",
                      **_target(plan, "zone_expansion_mu")))
    out.append(Figure("land.unmapped_sales", float(len(land.unmapped_sales(at))), "count"))
    flags = land.idle_flags(at["land_sales"], as_of=date, rules=land.rules(plan))
    out += [Figure("land.idle_sales", float((flags["flag"] == "idle").sum()), "count"),
            Figure("land.reclaim_sales", float((flags["flag"] == "reclaim").sum()), "count"),
            Figure("land.idle_fee_10k", float(flags["idle_fee_10k"].sum()), "10k_yuan")]
    gaps = land.lifecycle_gaps(at["parcels"])
    out += [Figure(f"land.gap.{g}", float(gaps.loc["total", g]), "mu") for g in land.GAP_ORDER]
    rev = inefficient.progress(layers, plan, as_of=date)
    last = rev.iloc[-1] if len(rev) else None
    for key, col in REVITALISED_KEYS.items():
        value = float(last[f"{col}_cum"]) if last is not None else 0.0
        out.append(Figure(key, value, plan.target(col).unit, **_target(plan, col)))
    return out


def by_key(figs: list[Figure]) -> dict[str, Figure]:
    return {f.key: f for f in figs}


def overview(figs: list[Figure]) -> list[Figure]:
    """The overview's cards: :data:`OVERVIEW`, each year of land sold in turn."""
    return [f for key in OVERVIEW for f in figs if f.base == key]


def table(figs: list[Figure], lang: str = "zh") -> pd.DataFrame:
    """Every figure as a row: key, label, value, unit, target, met, definition (in ``lang``)."""
    return pd.DataFrame([{"key": f.key, "label": f.label.text(lang), "value": f.value,
                          "unit": f.unit, "target": f.target, "met": f.met,
                          "definition": f.definition.text(lang)} for f in figs])

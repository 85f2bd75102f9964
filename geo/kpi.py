"""Key figures of the plan, computed from the store's layers.

Every area is computed from geometry in EPSG:4549 (:func:`geo.units.area_mu`),
never taken from a stored number, so the map and the figures cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.plan import Plan
from geo.units import area_mu

STARTED = ("under_construction", "completed", "operating")
BUILT = ("completed", "operating")


@dataclass(frozen=True)
class Kpi:
    """One figure against its target: ``label`` is an i18n key, ``label_args`` fills it."""

    id: str
    label: str
    value: float
    target: float
    unit: str
    met: bool
    label_args: dict = field(default_factory=dict)

    @property
    def share(self) -> float:
        """Progress as a fraction of the target (0 when the target is 0)."""
        return self.value / self.target if self.target else 0.0


def parks_started(parks: pd.DataFrame) -> int:
    """Parks whose construction has started (在建, 建成, 运营)."""
    return int(parks["status"].isin(STARTED).sum())


def parks_built(parks: pd.DataFrame) -> int:
    """Parks completed or operating."""
    return int(parks["status"].isin(BUILT).sum())


def park_planned_land_mu(parks: pd.DataFrame) -> float:
    """Planned land of all parks as recorded, in mu."""
    return float(parks["planned_area_mu"].sum())


def park_mapped_land_mu(parks: gpd.GeoDataFrame) -> float:
    """Land of all parks measured from their mapped geometry, in mu."""
    return float(area_mu(parks).sum())


def park_floor_m2(parks: pd.DataFrame) -> float:
    """Total floor area of all parks, in m2."""
    return float(parks["floor_area_m2"].sum())


def land_sold_mu_by_year(parcels: gpd.GeoDataFrame, land_sales: pd.DataFrame,
                         years: list[int]) -> pd.Series:
    """Industrial land sold per year, in mu measured from the sold parcels' geometry.

    Years with no sale appear with 0.
    """
    sold = parcels[parcels["parcel_id"].isin(land_sales["parcel_id"])]  # O(sales), not O(parcels)
    mu = area_mu(sold).set_axis(sold["parcel_id"].to_numpy())
    sales = land_sales.assign(year=pd.to_datetime(land_sales["sale_date"]).dt.year)
    sales = sales.assign(area_mu=sales["parcel_id"].map(mu).fillna(0.0))
    by_year = sales.groupby("year")["area_mu"].sum()
    return by_year.reindex(years, fill_value=0.0).rename("area_mu")


def revitalised_mu(cases: gpd.GeoDataFrame, *, until_year: int | None = None) -> float:
    """Mu of inefficient land revitalised (cases with status 已盘活), optionally up to a year."""
    done = cases[cases["status"] == "revitalised"]
    if until_year is not None:
        done = done[pd.to_datetime(done["revitalised_date"]).dt.year <= until_year]
    return float(area_mu(done).sum()) if len(done) else 0.0


def overview_kpis(layers: Mapping[str, pd.DataFrame], plan: Plan) -> list[Kpi]:
    """The overview's cards: parks started/built, planned land and floor area of the parks
    started, land sold per year, inefficient land revitalised, each against the plan's target."""
    parks = layers["parks"]
    kpis: list[Kpi] = []
    t_parks = plan.target("parks_built")
    for kid, value in (("parks_started", parks_started(parks)), ("parks_built", parks_built(parks))):
        kpis.append(Kpi(kid, f"kpi.{kid}", value, t_parks.value, "count", t_parks.met(value)))
    # land and floor count the parks started so far, as the parks page does: the plan's
    # 1,500 mu and 2,000,000 m2 are what the 17 parks are to reach by being built
    started = parks[parks["status"].isin(STARTED)]
    for kid, value in (("park_land_mu", park_planned_land_mu(started)),
                       ("park_floor_m2", park_floor_m2(started))):
        target = plan.target(kid)
        kpis.append(Kpi(kid, f"kpi.{kid}", value, target.value, target.unit, target.met(value)))
    sold = land_sold_mu_by_year(layers["parcels"], layers["land_sales"], plan.years)
    t_sold = plan.target("land_sold_mu")
    for year, value in sold.items():
        kpis.append(Kpi(f"land_sold_mu_{year}", "kpi.land_sold_mu", float(value), t_sold.value,
                        "mu", t_sold.met(value), {"year": int(year)}))
    t_rev = plan.target("revitalised_mu")
    value = revitalised_mu(layers["cases"], until_year=plan.end_year)
    kpis.append(Kpi("revitalised_mu", "kpi.revitalised_mu", value, t_rev.value, "mu", t_rev.met(value)))
    return kpis

"""Counting helpers over one layer (parks by status, their land and floor, cases revitalised).

The figures of the plan, as of a date and with their rules, are :mod:`geo.figures`.
Every area is computed from geometry in EPSG:4549 (:func:`geo.units.area_mu`),
never taken from a stored number, so the map and the figures cannot disagree.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.units import area_mu

STARTED = ("under_construction", "completed", "operating")
BUILT = ("completed", "operating")


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


def revitalised_mu(cases: gpd.GeoDataFrame, *, until_year: int | None = None) -> float:
    """Mu of inefficient land revitalised (cases with status 已盘活), optionally up to a year."""
    done = cases[cases["status"] == "revitalised"]
    if until_year is not None:
        done = done[pd.to_datetime(done["revitalised_date"]).dt.year <= until_year]
    return float(area_mu(done).sum()) if len(done) else 0.0

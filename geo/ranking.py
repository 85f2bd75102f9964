"""Platform ranking 比学赶超 and the quarterly red/yellow/blue flags (红黄蓝旗).

The plan (seed text, 四.3 加强督查考核) says: "建立红黄蓝旗评价制度，每季度点评会上，
在完成重点考核指标的基础上，对排名前三单位发红旗并通报表扬；对未完成指标且排名后三的
单位发黄旗……；其他单位发蓝旗". Read literally:

* **red**: the unit completed its key indicators AND ranks in the top three
  (``red_requires_all_met = false`` in the plan file drops the first condition);
* **yellow**: the unit missed at least one indicator AND ranks in the bottom three;
* **blue**: every other unit.

Units are the platforms and the key industrial towns (五云、壶镇、新建、东渡、舒洪、
东方 … and 缙云经济开发区、丽缙园), as configured in ``[ranking]``.

Quarterly indicators come from dated records, with no schema change:

==================  =========================================================
``land_sold_mu``    parcels sold in the quarter (``land_sales.sale_date``), mu
                    from the parcel geometry
``revitalised_mu``  cases revitalised in the quarter (``cases.revitalised_date``)
``parks_started``   parks started in the quarter (``parks.start_date``)
``parks_completed`` parks completed in the quarter (``parks.completion_date``)
``tax_10k``         the year's enterprise tax split evenly over its four quarters
``value_added_10k`` the year's value added, split the same way
``tax_per_mu``      Σ tax / Σ land of the unit's enterprises in the quarter's year
==================  =========================================================

A unit's records: a platform's are those on parcels with its ``platform_id``
(enterprises through their parcel, parks through their own ``platform_id``); a
town's are those with its ``town_code``. A parcel in a platform inside a key
town counts for both: the plan ranks towns and platforms side by side.

Score: each indicator divided by the mean over the ranked units in that quarter,
times its weight (the shape of the per-mu formula, DOMAIN.md §1); an indicator
whose mean is 0 adds 0. An indicator is completed when value >= target.

Ties: equal scores share a rank (competition ranking 1, 2, 2, 4), so every unit
tied at the third place is in the top three, and every unit tied at the third
place from the bottom is in the bottom three; they get the same flag. Tables
list tied units by unit id. This is deterministic and treats equal units alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import PlanFileError
from geo.i18n import Message
from geo.plan import Plan
from geo.units import area_mu

INDICATORS = ("land_sold_mu", "revitalised_mu", "parks_started", "parks_completed", "tax_10k",
              "value_added_10k", "tax_per_mu")
FLAGS = ("red", "yellow", "blue")


@dataclass(frozen=True)
class Indicator:
    """One ranking indicator: its weight in the score and its quarterly target."""

    id: str
    weight: float
    target: float


@dataclass(frozen=True)
class RankingRules:
    """The ``[ranking]`` section of a plan file."""

    indicators: tuple[Indicator, ...]
    platforms: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    red_requires_all_met: bool = True
    top_n: int = 3
    bottom_n: int = 3
    # "separate": platforms and towns ranked in two lists (a platform and the town that holds
    # it are the same land, so they are not ranked against each other); "together": one list
    lists: str = "separate"


DEFAULT_INDICATORS = (Indicator("land_sold_mu", 30, 10.0), Indicator("revitalised_mu", 20, 0.0),
                      Indicator("tax_10k", 30, 500.0), Indicator("tax_per_mu", 20, 10.0))


def rules_from_plan(plan: Plan) -> RankingRules:
    """Read ``[ranking]`` from the plan file; missing keys take the documented defaults.

    Raises
    ------
    PlanFileError
        For an unknown indicator, a missing weight or target, or a negative weight.
    """
    raw = plan.raw.get("ranking", {})
    where = Message.of("err.plan.in", path=str(plan.path), section="ranking")
    inds = []
    for i, item in enumerate(raw.get("indicators", [])):
        if item.get("id") not in INDICATORS:
            raise PlanFileError(Message.of("err.rank.bad_id", where=where, n=i + 1,
                                           id=repr(item.get("id")), known=list(INDICATORS)))
        for key in ("weight", "target"):
            value = item.get(key)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise PlanFileError(Message.of("err.rank.not_number", where=where, id=item["id"],
                                               setting=key, value=repr(value)))
        if item["weight"] < 0:
            raise PlanFileError(Message.of("err.rank.negative_weight", where=where, id=item["id"],
                                           value=item["weight"]))
        inds.append(Indicator(item["id"], float(item["weight"]), float(item["target"])))
    return RankingRules(indicators=tuple(inds) or DEFAULT_INDICATORS,
                        platforms=tuple(raw.get("platforms", ())), towns=tuple(raw.get("towns", ())),
                        red_requires_all_met=bool(raw.get("red_requires_all_met", True)),
                        top_n=int(raw.get("top_n", 3)), bottom_n=int(raw.get("bottom_n", 3)),
                        lists=_lists(raw.get("lists", "separate"), where))


def _lists(value, where: Message) -> str:
    if value not in ("separate", "together"):
        raise PlanFileError(Message.of("err.plan.choose", where=where, setting="lists", value=repr(value),
                                       choices=["separate", "together"]))
    return value


def quarters(plan: Plan) -> list[str]:
    """Every quarter of the plan period, ``"2019Q1"`` to ``"2021Q4"``."""
    return [str(q) for q in pd.period_range(f"{plan.start_year}Q1", f"{plan.end_year}Q4", freq="Q")]


def units(layers: Mapping[str, pd.DataFrame], rules: RankingRules) -> gpd.GeoDataFrame:
    """The ranked units: platforms (polygons) then key towns (seat points).

    Returns
    -------
    units
        ``unit_id``, ``kind`` (``platform``/``town``), ``name_zh``, ``name_en``, geometry
        in the store's CRS.
    """
    plats = layers["platforms"]
    towns = layers["towns"]
    if rules.platforms:
        plats = plats[plats["platform_id"].isin(rules.platforms)]
    towns = (towns[towns["town_code"].isin(rules.towns)] if rules.towns
             else towns[towns["key_industrial"].astype(bool)])
    p = plats.assign(unit_id=plats["platform_id"], kind="platform")
    t = towns.assign(unit_id=towns["town_code"], kind="town").to_crs(plats.crs)
    cols = ["unit_id", "kind", "name_zh", "name_en", "geometry"]
    return gpd.GeoDataFrame(pd.concat([p[cols], t[cols]], ignore_index=True), geometry="geometry",
                            crs=plats.crs)


def _in_quarter(dates: pd.Series, q: pd.Period) -> pd.Series:
    d = pd.to_datetime(dates)
    return (d >= q.start_time) & (d <= q.end_time)


def _prepared(layers: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """What every quarter needs: parcels with their mu, cases with theirs, enterprises' units."""
    parcels = layers["parcels"][["parcel_id", "town_code", "platform_id"]].assign(
        area_mu=area_mu(layers["parcels"]))
    by_parcel = parcels.set_index("parcel_id")
    cases = layers["cases"]
    cases = pd.DataFrame({"parcel_id": cases["parcel_id"], "status": cases["status"],
                          "revitalised_date": cases["revitalised_date"],
                          "area_mu": area_mu(cases) if len(cases) else pd.Series(dtype=float)})
    cases = cases.join(by_parcel[["town_code", "platform_id"]], on="parcel_id")
    ents = layers["enterprises"][["enterprise_id", "parcel_id", "town_code", "land_area_mu"]]
    ents = ents.assign(platform_id=ents["parcel_id"].map(by_parcel["platform_id"]))
    return {"by_parcel": by_parcel, "cases": cases, "ents": pd.DataFrame(ents)}


def indicator_values(layers: Mapping[str, pd.DataFrame], unit_table: pd.DataFrame,
                     quarter: str, *, prepared: dict | None = None) -> pd.DataFrame:
    """Every indicator of :data:`INDICATORS` for each unit in ``quarter`` (index ``unit_id``).

    ``prepared`` (from ``_prepared``) saves the per-store work when looping over quarters.
    """
    q = pd.Period(quarter, freq="Q")
    prep = prepared or _prepared(layers)
    by_parcel = prep["by_parcel"]
    sales = layers["land_sales"]
    sold = by_parcel.loc[by_parcel.index.intersection(
        sales.loc[_in_quarter(sales["sale_date"], q), "parcel_id"])]
    cases = prep["cases"]
    done = cases[(cases["status"] == "revitalised") & _in_quarter(cases["revitalised_date"], q)]
    parks = pd.DataFrame(layers["parks"].drop(columns="geometry"))
    started = parks[_in_quarter(parks["start_date"], q)]
    completed = parks[_in_quarter(parks["completion_date"], q)]
    fig = layers["enterprise_figures"]
    year = prep["ents"].merge(fig[fig["year"] == q.year], on="enterprise_id")
    out = pd.DataFrame(index=pd.Index(unit_table["unit_id"], name="unit_id"), columns=list(INDICATORS),
                       dtype=float)
    for kind, col in (("platform", "platform_id"), ("town", "town_code")):
        ids = unit_table.loc[unit_table["kind"] == kind, "unit_id"]
        tax = year.groupby(col)["tax_10k"].sum()
        land = year.groupby(col)["land_area_mu"].sum()
        per_kind = {
            "land_sold_mu": sold.groupby(col)["area_mu"].sum(),
            "revitalised_mu": done.groupby(col)["area_mu"].sum(),
            "parks_started": started.groupby(col).size().astype(float),
            "parks_completed": completed.groupby(col).size().astype(float),
            "tax_10k": tax / 4,
            "value_added_10k": year.groupby(col)["value_added_10k"].sum() / 4,
            "tax_per_mu": (tax / land.where(land > 0)),
        }
        for name, series in per_kind.items():
            out.loc[ids.to_numpy(), name] = series.reindex(ids.to_numpy()).fillna(0.0).to_numpy()
    out.index.name = None
    return out.astype(float)


def rank_and_flag(values: pd.DataFrame, rules: RankingRules) -> pd.DataFrame:
    """Score, rank and flag units from their indicator values (index ``unit_id``).

    Returns
    -------
    flags
        ``values``' ranking columns plus ``met_<id>`` per indicator, ``met_all``,
        ``score``, ``rank`` (1 = best, ties share), ``rank_from_bottom`` (1 = worst,
        ties share), ``top``, ``bottom`` and ``flag`` (red/yellow/blue), sorted by
        rank then unit id.

    Ties are shown as ties: equal scores share a rank (the best of the places they
    hold), so tied units are both inside or both outside the top and bottom
    places and get the same flag; the table lists them by unit id.
    """
    out = values.copy()
    score = pd.Series(0.0, index=out.index)
    met = pd.Series(True, index=out.index)
    for ind in rules.indicators:
        v = out[ind.id].astype(float)
        mean = v.mean()
        if mean > 0:
            score = score + ind.weight * v / mean
        out[f"met_{ind.id}"] = v >= ind.target
        met &= out[f"met_{ind.id}"]
    # round away float noise so that equal inputs tie exactly
    out["score"] = score.round(9)
    out["met_all"] = met
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int)
    out["rank_from_bottom"] = out["score"].rank(ascending=True, method="min").astype(int)
    out["top"] = out["rank"] <= rules.top_n
    out["bottom"] = out["rank_from_bottom"] <= rules.bottom_n
    red = out["top"] & (out["met_all"] | (not rules.red_requires_all_met))
    yellow = ~out["met_all"] & out["bottom"] & ~red
    out["flag"] = np.select([red, yellow], ["red", "yellow"], "blue")
    out.index.name = "unit_id"
    return out.reset_index().sort_values(["rank", "unit_id"], ignore_index=True)


def flags(layers: Mapping[str, pd.DataFrame], plan: Plan, quarter: str, *,
          rules: RankingRules | None = None, prepared: dict | None = None) -> gpd.GeoDataFrame:
    """The quarter's ranking and flags of every unit, with its geometry.

    Parameters
    ----------
    layers
        The store's layers.
    plan
        The plan; its ``[ranking]`` section gives the units, indicators, weights and targets.
    quarter
        ``"2020Q3"`` style.
    rules
        Overrides the plan's rules (the page passes the planner's edits).
    prepared
        Per-store work shared between quarters (used by :func:`history`).
    """
    rules = rules or rules_from_plan(plan)
    table = units(layers, rules)
    values = indicator_values(layers, table, quarter, prepared=prepared)
    if rules.lists == "separate":  # each kind of unit in a list of its own
        kind = table.set_index("unit_id")["kind"]
        ranked = pd.concat([rank_and_flag(values[kind.reindex(values.index) == k], rules)
                            for k in ("platform", "town") if (kind == k).any()],
                           ignore_index=True)
    else:
        ranked = rank_and_flag(values, rules)
    out = table.merge(ranked, on="unit_id")
    order = {"platform": 0, "town": 1}
    out = out.assign(_kind=out["kind"].map(order) if rules.lists == "separate" else 0)
    out = out.sort_values(["_kind", "rank", "unit_id"], ignore_index=True).drop(columns="_kind")
    out.insert(0, "quarter", quarter)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=table.crs)


def history(layers: Mapping[str, pd.DataFrame], plan: Plan, *,
            rules: RankingRules | None = None) -> pd.DataFrame:
    """Flags of every unit in every quarter of the plan: rows units, columns quarters."""
    rules = rules or rules_from_plan(plan)
    prep = _prepared(layers)
    frames = [pd.DataFrame(flags(layers, plan, q, rules=rules, prepared=prep)[
        ["unit_id", "quarter", "flag"]]) for q in quarters(plan)]
    long = pd.concat(frames, ignore_index=True)
    return long.pivot(index="unit_id", columns="quarter", values="flag")

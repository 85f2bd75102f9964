"""Inefficient industrial land (低效用地): identification, yearly proposal, progress.

Identification
    A parcel is inefficient when any enabled rule of the plan file's
    ``[inefficient]`` section holds (the Taizhou 2025 认定办法 lists its criteria
    as "any one of", DOMAIN.md §4):

    ``low_tax``
        亩均税收 of the year below ``tax_per_mu_min_10k``: the tax of the
        enterprises on the parcel divided by the parcel's mapped area in mu.
        Parcels with no enterprise figures for the year are not judged on tax.
    ``low_plot_ratio``
        容积率 below ``plot_ratio_min`` (1.0 in published Zhejiang practice).
    ``idle``
        闲置: sold, and not started ``idle_after_years`` after the agreed start
        as of the chosen date (闲置土地处置办法 2012).
    ``use_changed``
        land use in ``use_changed_codes`` (industrial land whose use was changed).

    Tax and plot ratio are judged only on parcels at ``judged_stages``.

Proposal
    Given the mu still to revitalise this year, :func:`propose` picks, among the
    candidates (inefficient parcels with no case under way or done), the set
    whose area reaches that figure, overshooting by at most ``overshoot_pct``,
    with the largest expected tax gain: a 0-1 knapsack solved exactly with
    ``scipy.optimize.milp`` (HiGHS branch and bound).

    .. math:: \\max \\sum_i g_i x_i \\quad \\text{s.t.} \\quad R \\le \\sum_i a_i x_i \\le U,
              \\; x_i \\in \\{0, 1\\}

    with :math:`g_i = \\max(0, t^* - t_i)\\, a_i` the expected gain in 万元 of raising
    the parcel's 亩均税收 :math:`t_i` to the expected :math:`t^*`, :math:`a_i` its
    area in mu, :math:`R` the mu still to do and :math:`U = R (1 + o)`. Since a
    running sum that crosses :math:`R` overshoots by less than one parcel,
    :math:`U` is widened to :math:`R + \\max_i a_i` when no set fits under
    :math:`R (1 + o)`, so a set exists whenever the candidates together reach :math:`R`.

    HiGHS stops when the best set found is proven within ``MIP_REL_GAP`` (0.01 %)
    of the optimum: thousands of parcels with the same gain per mu make the last
    proof steps slow (about 10 s for exactness on the demo instead of 0.5 s),
    for a difference below 0.01 % of the expected gain. The gap reached is
    reported in :attr:`Proposal.gap`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.asof import cases_as_of
from geo.errors import PlanFileError
from geo.i18n import Message
from geo.plan import Plan
from geo.units import area_mu

RULES = ("low_tax", "low_plot_ratio", "idle", "use_changed")
OPEN_STATUSES = ("identified",)  # case statuses whose parcel may still be proposed
MIP_REL_GAP = 1e-4  # HiGHS relative optimality gap (module doc)
TIME_LIMIT_S = 20.0


@dataclass(frozen=True)
class Rules:
    """The ``[inefficient]`` section of a plan file, with its documented defaults."""

    tax_per_mu_min_10k: float = 5.0
    plot_ratio_min: float = 1.0
    use_changed_codes: tuple[str, ...] = ("changed",)
    idle_after_years: float = 1.0
    judged_stages: tuple[str, ...] = ("built", "producing", "meeting")
    rules: tuple[str, ...] = RULES
    expected_tax_per_mu_10k: float = 20.0
    overshoot_pct: float = 20.0


def rules_from_plan(plan: Plan) -> Rules:
    """Read ``[inefficient]`` from the plan file; missing keys take the defaults.

    Raises
    ------
    PlanFileError
        For an unknown key, an unknown rule or a negative figure.
    """
    raw = dict(plan.raw.get("inefficient", {}))
    known = {f.name for f in fields(Rules)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanFileError(Message.of("err.plan.unknown_keys", where=_where(plan), keys=unknown,
                                       known=sorted(known)))
    for key in ("use_changed_codes", "judged_stages", "rules"):
        if key in raw:
            raw[key] = tuple(raw[key])
    bad = sorted(set(raw.get("rules", ())) - set(RULES))
    if bad:
        raise PlanFileError(Message.of("err.plan.unknown_rules", where=_where(plan), names=bad,
                                       known=list(RULES)))
    for key in ("tax_per_mu_min_10k", "plot_ratio_min", "idle_after_years",
                "expected_tax_per_mu_10k", "overshoot_pct"):
        value = raw.get(key, 0.0)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise PlanFileError(Message.of("err.plan.not_non_negative", where=_where(plan),
                                           values=[f"{key} = {value!r}"]))
    return Rules(**raw)


def _where(plan: Plan) -> Message:
    return Message.of("err.plan.in", path=str(plan.path), section="inefficient")


def _as_of(year: int, as_of: pd.Timestamp | str | None) -> pd.Timestamp:
    return pd.Timestamp(as_of) if as_of is not None else pd.Timestamp(year, 12, 31)


def parcel_tax_per_mu(parcels: gpd.GeoDataFrame, enterprises: pd.DataFrame,
                      figures: pd.DataFrame, year: int) -> pd.Series:
    """亩均税收 (万元/亩) per parcel in ``year``: enterprises' tax over the mapped area.

    Returns
    -------
    tax_per_mu_10k
        Series indexed by ``parcel_id``; parcels with no figures for the year are absent.
    """
    fig = figures[figures["year"] == year][["enterprise_id", "tax_10k"]]
    fig = fig.merge(enterprises[["enterprise_id", "parcel_id"]], on="enterprise_id")
    tax = fig.dropna(subset=["parcel_id"]).groupby("parcel_id")["tax_10k"].sum()
    mu = area_mu(parcels).set_axis(parcels["parcel_id"].to_numpy())
    return (tax / mu.reindex(tax.index)).dropna().rename("tax_per_mu_10k")


def idle_parcels(land_sales: pd.DataFrame, as_of: pd.Timestamp, *,
                 after_years: float = 1.0) -> pd.Series:
    """Parcels sold and not started ``after_years`` after the agreed start, as of ``as_of``.

    A start after ``as_of`` counts as no start yet. Sales after ``as_of`` are ignored.

    Returns
    -------
    idle
        Boolean Series indexed by ``parcel_id`` (True: idle).
    """
    as_of = pd.Timestamp(as_of)
    sales = land_sales[pd.to_datetime(land_sales["sale_date"]) <= as_of]
    started = pd.to_datetime(sales["actual_start"]) <= as_of
    # the calendar anniversary of the agreed start, as the idle-land rules read (and geo.land)
    due = pd.to_datetime(sales["agreed_start"]) + pd.DateOffset(months=round(after_years * 12))
    idle = (~started) & (due <= as_of)
    return pd.Series(idle.to_numpy(), index=sales["parcel_id"].to_numpy(), name="idle").groupby(
        level=0).any()


def identify(layers: Mapping[str, pd.DataFrame], rules: Rules, *, year: int,
             as_of: pd.Timestamp | str | None = None) -> gpd.GeoDataFrame:
    """Every parcel that at least one enabled rule flags as inefficient.

    Parameters
    ----------
    layers
        The store's layers (``parcels``, ``enterprises``, ``enterprise_figures``,
        ``land_sales``, ``cases``).
    rules
        From :func:`rules_from_plan`.
    year
        Year of the enterprise figures judged for ``low_tax``.
    as_of
        Date for the idle check and the case statuses; default 31 December of ``year``.

    Returns
    -------
    inefficient
        One row per flagged parcel: ids, ``area_mu``, ``tax_per_mu_10k``,
        ``plot_ratio``, one boolean column per rule, ``reasons`` (codes joined by
        ``,``), and the parcel's ``case_id`` / ``case_status`` as of the date.
    """
    as_of = _as_of(year, as_of)
    parcels = layers["parcels"]
    p = parcels[["parcel_id", "town_code", "platform_id", "park_id", "land_use", "lifecycle",
                 "plot_ratio", "geometry"]].copy()
    p["area_mu"] = area_mu(parcels)
    tax = parcel_tax_per_mu(parcels, layers["enterprises"], layers["enterprise_figures"], year)
    p["tax_per_mu_10k"] = p["parcel_id"].map(tax)
    judged = p["lifecycle"].isin(rules.judged_stages)
    flags = {
        "low_tax": judged & (p["tax_per_mu_10k"] < rules.tax_per_mu_min_10k),
        "low_plot_ratio": judged & (p["plot_ratio"] < rules.plot_ratio_min),
        "idle": p["parcel_id"].map(idle_parcels(layers["land_sales"], as_of,
                                                after_years=rules.idle_after_years)).eq(True),
        "use_changed": p["land_use"].isin(rules.use_changed_codes),
    }
    for rule in RULES:
        p[rule] = flags[rule].fillna(False).astype(bool) & (rule in rules.rules)
    p["reasons"] = [",".join(r for r in RULES if row[r]) for row in p[list(RULES)].to_dict("records")]
    out = p[p["reasons"] != ""].copy()
    cases = cases_as_of(layers["cases"], as_of)
    case = cases.sort_values("case_id").drop_duplicates("parcel_id", keep="last").set_index("parcel_id")
    out["case_id"] = out["parcel_id"].map(case["case_id"])
    out["case_status"] = out["parcel_id"].map(case["status"])
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=parcels.crs)


def candidates(inefficient: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """The parcels the proposal may choose from, with their expected gain.

    Candidates are inefficient parcels with no case, or a case still only
    identified (已认定). ``gain_10k`` = max(0, expected - current 亩均税收) x area;
    a parcel with no tax figures counts as paying none.
    """
    c = inefficient[inefficient["case_status"].isna()
                    | inefficient["case_status"].isin(OPEN_STATUSES)].copy()
    current = c["tax_per_mu_10k"].fillna(0.0)
    c["gain_per_mu_10k"] = np.maximum(0.0, rules.expected_tax_per_mu_10k - current)
    c["gain_10k"] = c["gain_per_mu_10k"] * c["area_mu"]
    return c.sort_values("parcel_id").reset_index(drop=True)


def remaining_mu(layers: Mapping[str, pd.DataFrame], plan: Plan, year: int, *,
                 as_of: pd.Timestamp | str | None = None) -> float:
    """Mu still to revitalise in ``year`` to keep pace with the plan's cumulative target.

    The pace is the cumulative target spread evenly over the plan's years:
    due by the end of ``year`` = target x (years elapsed including ``year``) /
    plan years; minus what was revitalised up to ``as_of``; never below 0.
    """
    as_of = _as_of(year, as_of)
    target = plan.target("revitalised_mu").value
    n_years = len(plan.years)
    elapsed = min(max(year - plan.start_year + 1, 0), n_years)
    due = target * elapsed / n_years
    cases = cases_as_of(layers["cases"], as_of)
    done = cases[cases["status"] == "revitalised"]
    return max(0.0, due - (float(area_mu(done).sum()) if len(done) else 0.0))


@dataclass(frozen=True)
class Proposal:
    """The optimal set: per-candidate choice with its reason, and the totals."""

    table: pd.DataFrame
    required_mu: float
    cap_mu: float
    chosen_mu: float
    gain_10k: float
    feasible: bool
    gap: float = 0.0


def _solve(area: np.ndarray, gain: np.ndarray, low: float,
           high: float) -> tuple[np.ndarray, float] | None:
    res = milp(c=-gain, constraints=LinearConstraint(area[None, :], low, high),
               integrality=np.ones(len(area)), bounds=Bounds(0, 1),
               options={"mip_rel_gap": MIP_REL_GAP, "time_limit": TIME_LIMIT_S})
    if res.x is None:  # infeasible (status 2), or the time limit hit before any set
        return None
    return np.round(res.x).astype(bool), float(getattr(res, "mip_gap", 0.0) or 0.0)


def propose(cands: pd.DataFrame, required_mu: float, *, overshoot_pct: float = 20.0) -> Proposal:
    """Choose the candidates that reach ``required_mu`` with the largest expected gain.

    Returns
    -------
    Proposal
        ``table`` is ``cands`` with ``chosen`` (bool), ``why`` (``chosen``,
        ``chosen_fill``: no gain but needed for the mu, ``no_room``: would push
        the total over the cap, ``no_gain``: nothing to gain and not needed) and
        ``gain_rank`` (1 = highest gain per mu). When the candidates together
        fall short of ``required_mu``, every candidate is chosen and
        ``feasible`` is False.
    """
    area = cands["area_mu"].to_numpy(float)
    gain = cands["gain_10k"].to_numpy(float)
    required = max(0.0, float(required_mu))
    cap = required * (1 + overshoot_pct / 100)
    feasible = bool(area.sum() >= required)
    gap = 0.0
    if required <= 0:
        chosen = np.zeros(len(area), dtype=bool)
    elif not feasible:
        chosen = np.ones(len(area), dtype=bool)
    else:
        solved = _solve(area, gain, required, cap)
        if solved is None:
            cap = max(cap, required + float(area.max()))
            solved = _solve(area, gain, required, cap)
        if solved is None:  # cannot happen when feasible (see module doc): say so loudly
            msg = (f"knapsack found no set of {len(area)} candidates between {required:.1f} "
                   f"and {cap:.1f} mu within {TIME_LIMIT_S} s")
            raise RuntimeError(msg)
        chosen, gap = solved
    total = float(area[chosen].sum())
    why = np.where(chosen, np.where(gain > 0, "chosen", "chosen_fill"),
                   np.where(total + area > cap, "no_room", "no_gain"))
    table = cands.assign(chosen=chosen, why=why,
                         gain_rank=cands["gain_per_mu_10k"].rank(ascending=False, method="min")
                         .astype(int))
    return Proposal(table=table, required_mu=required, cap_mu=cap, chosen_mu=total,
                    gain_10k=float(gain[chosen].sum()), feasible=feasible, gap=gap)


def explain(proposal: Proposal, *, expected_tax_per_mu_10k: float) -> pd.DataFrame:
    """Why each candidate was or was not chosen, as translation keys and their figures.

    Returns
    -------
    explanation
        ``parcel_id``, ``key`` (``ineff.why.<why>``) and ``args`` (a dict that
        fills the key's placeholders), in the order of ``proposal.table``.
    """
    t = proposal.table
    rows = []
    for r in t.to_dict("records"):
        tax = r["tax_per_mu_10k"]
        args = {"tax": "-" if pd.isna(tax) else f"{tax:.1f}",
                "target": f"{expected_tax_per_mu_10k:.1f}", "gain": f"{r['gain_10k']:,.0f}",
                "gpm": f"{r['gain_per_mu_10k']:.1f}", "rank": int(r["gain_rank"]),
                "area": f"{r['area_mu']:.1f}", "total": f"{proposal.chosen_mu + r['area_mu']:.1f}",
                "cap": f"{proposal.cap_mu:.1f}"}
        rows.append({"parcel_id": r["parcel_id"], "key": f"ineff.why.{r['why']}", "args": args})
    return pd.DataFrame(rows, columns=["parcel_id", "key", "args"])


def selection_totals(cands: pd.DataFrame, selected: list[str] | set[str],
                     required_mu: float) -> dict[str, float | bool]:
    """Totals of a planner's own choice of ``parcel_id`` s: mu, gain, and whether it meets."""
    sel = cands[cands["parcel_id"].isin(set(selected))]
    mu = float(sel["area_mu"].sum())
    return {"mu": mu, "gain_10k": float(sel["gain_10k"].sum()), "count": len(sel),
            "meets": mu >= required_mu, "short_mu": max(0.0, required_mu - mu)}


def progress(layers: Mapping[str, pd.DataFrame], plan: Plan, *,
             as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Revitalisation per plan year and cumulative, against the plan's targets.

    Counts cases revitalised (by ``revitalised_date``, up to ``as_of``): their
    mapped area in mu, old-factory floor renovated and standard-factory floor
    built, each per year and cumulative, beside the cumulative targets
    ``revitalised_mu`` (600 mu), ``renovated_floor_m2`` (180,000 m²) and
    ``standard_factory_m2`` (300,000 m²).

    Returns
    -------
    progress
        One row per plan year (index ``year``).
    """
    as_of = pd.Timestamp(as_of) if as_of is not None else pd.Timestamp(plan.end_year, 12, 31)
    cases = cases_as_of(layers["cases"], as_of)
    done = cases[cases["status"] == "revitalised"]
    frame = pd.DataFrame({"year": pd.to_datetime(done["revitalised_date"]).dt.year,
                          "revitalised_mu": area_mu(done) if len(done) else pd.Series(dtype=float),
                          "renovated_floor_m2": done["renovated_floor_m2"],
                          "standard_factory_m2": done["standard_factory_m2"]})
    years = [y for y in plan.years if y <= as_of.year]
    per_year = frame.groupby("year")[["revitalised_mu", "renovated_floor_m2",
                                      "standard_factory_m2"]].sum()
    before = per_year[per_year.index < plan.start_year].sum()
    per_year = per_year.reindex(years, fill_value=0.0).astype(float)
    out = per_year.copy()
    for col in per_year.columns:
        # cases revitalised before the plan began do not count toward its targets
        out[f"{col}_cum"] = per_year[col].cumsum()
        out[f"{col}_target"] = plan.target(col).value
        out[f"{col}_met"] = out[f"{col}_cum"] >= out[f"{col}_target"]
    out.attrs["before_plan"] = before.to_dict()
    out.index.name = "year"
    return out


def case_table(layers: Mapping[str, pd.DataFrame], *, as_of: pd.Timestamp | str) -> gpd.GeoDataFrame:
    """The cases as of a date with their area in mu, town and platform."""
    cases = cases_as_of(layers["cases"], as_of)
    parcels = layers["parcels"].set_index("parcel_id")
    out = cases.assign(area_mu=area_mu(cases) if len(cases) else pd.Series(dtype=float),
                       town_code=cases["parcel_id"].map(parcels["town_code"]),
                       platform_id=cases["parcel_id"].map(parcels["platform_id"]))
    return out.sort_values("case_id").reset_index(drop=True)

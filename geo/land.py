"""Industrial land supply (工业用地出让): sales against the plan, standard-land terms, idle
land, and the gaps of the land lifecycle.

Areas are the sold parcels' mapped areas in mu (EPSG:4549, :func:`geo.units.area_mu`);
a sale whose parcel is not mapped counts its contract area. ``as_of`` (a date, or
None for the data as stored) turns the layers back first (:mod:`geo.asof`).

Idle land (闲置土地处置办法, 国土资源部令第53号, 2012; DOMAIN.md §4)
    A sold parcel not started ``idle_after_years`` (1) full years after its
    agreed start is 闲置 (idle), and owes an idle fee of ``idle_fee_share``
    (20 %) of its price; at ``reclaim_after_years`` (2) it is to be taken back
    without compensation (无偿收回). "One year after" is the same calendar day a
    year later: agreed start 2020-03-01 is idle from 2021-03-01 on (29 February
    + 1 year = 28 February). The figures live in the plan file's ``[land]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo import asof as asof_mod
from geo.errors import PlanFileError
from geo.i18n import Message
from geo.plan import Plan
from geo.units import M2_PER_MU, area_mu

OUTSIDE = "-"  # platform code of land outside every platform

# lifecycle stage -> the gap a parcel at that stage is in (the four gaps)
GAPS = {"approved": "approved_not_supplied",   # 批而未供
        "supplied": "supplied_not_used",       # 供而未用
        "built": "built_not_producing",        # 建而未投
        "producing": "producing_not_meeting"}  # 投而未达
GAP_ORDER = tuple(GAPS.values())

FLAGS = ("not_due", "waiting", "started", "idle", "reclaim")


@dataclass(frozen=True)
class LandRules:
    """The plan file's ``[land]`` section (defaults: the 2012 idle-land rules)."""

    idle_after_years: int = 1
    reclaim_after_years: int = 2
    idle_fee_share: float = 0.2
    idle_rules_source: str = ""
    # land uses whose sales count toward the plan's land sold: the plan says 工业用地
    counted_land_uses: tuple[str, ...] = ("industrial",)
    # the same basis in English, for the English interface
    idle_rules_source_en: str = ""


def rules(plan: Plan | None) -> LandRules:
    """Read ``[land]`` from the plan; missing keys take the documented defaults."""
    raw = plan.raw.get("land", {}) if plan is not None else {}
    try:
        uses = tuple(str(u) for u in raw.get("counted_land_uses", ("industrial",)))
        return LandRules(int(raw.get("idle_after_years", 1)), int(raw.get("reclaim_after_years", 2)),
                         float(raw.get("idle_fee_share", 0.2)), str(raw.get("idle_rules_source", "")),
                         uses, str(raw.get("idle_rules_source_en", "")))
    except (TypeError, ValueError) as exc:
        raise PlanFileError(Message.of("err.plan.not_a_number", path=str(plan.path), section="land",
                                       detail=str(exc))) from exc


def sales_with_area(parcels: pd.DataFrame, land_sales: pd.DataFrame) -> pd.DataFrame:
    """Sales with ``area_mu``, ``year``, ``town_code``, ``platform_id``, ``land_use`` and
    ``mapped``.

    ``area_mu`` is the mapped area of the sale's parcel, or its contract area when
    the parcel is not mapped (``mapped`` False; :func:`unmapped_sales` lists them):
    one rule for every figure of land sold.
    """
    parcels = parcels[parcels["parcel_id"].isin(land_sales["parcel_id"])]  # measure only those sold
    mu = area_mu(parcels).set_axis(parcels["parcel_id"].to_numpy())
    info = pd.DataFrame(parcels.drop(columns="geometry", errors="ignore")).set_index("parcel_id")
    out = land_sales.copy()
    contract_mu = pd.to_numeric(out["contract_area_m2"]) / M2_PER_MU
    out["area_mu"] = out["parcel_id"].map(mu).fillna(contract_mu).astype(float)
    out["year"] = pd.to_datetime(out["sale_date"]).dt.year
    out["town_code"] = out["parcel_id"].map(info["town_code"])
    out["platform_id"] = out["parcel_id"].map(info["platform_id"]).fillna(OUTSIDE)
    out["land_use"] = (out["parcel_id"].map(info["land_use"]) if "land_use" in info.columns
                       else None)
    out["mapped"] = out["parcel_id"].isin(info.index)
    return out


def counted(sales: pd.DataFrame, plan: Plan | None) -> pd.DataFrame:
    """The sales (from :func:`sales_with_area`) that count toward the plan's land sold: on a
    parcel of a land use in ``[land] counted_land_uses``, or of no known use (not mapped)."""
    uses = rules(plan).counted_land_uses
    return sales[sales["land_use"].isin(uses) | sales["land_use"].isna()]


def unmapped_sales(layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Sales whose parcel is not in the parcel layer: counted with their contract area."""
    sales = layers["land_sales"]
    out = sales[~sales["parcel_id"].isin(layers["parcels"]["parcel_id"])]
    return out[["sale_id", "parcel_id", "sale_date", "contract_area_m2"]].assign(
        contract_mu=pd.to_numeric(out["contract_area_m2"]) / M2_PER_MU)


def _years(plan: Plan, as_of) -> list[int]:
    as_of = None if as_of is None else pd.Timestamp(as_of)
    return [y for y in plan.years if as_of is None or y <= as_of.year]


def sold_by_year(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """Land sold per plan year (up to ``as_of``) against the yearly target.

    Index ``year``; columns area_mu, target_mu, met, cumulative_mu, cumulative_target_mu.
    """
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    sales = counted(sales_with_area(layers["parcels"], lay["land_sales"]), plan)
    target = plan.target("land_sold_mu")
    years = _years(plan, as_of)
    mu = sales.groupby("year")["area_mu"].sum().reindex(years, fill_value=0.0)
    out = pd.DataFrame({"area_mu": mu.astype(float)}, index=pd.Index(years, name="year"))
    out["target_mu"] = float(target.value)
    out["met"] = [target.met(v) for v in out["area_mu"]]
    out["cumulative_mu"] = out["area_mu"].cumsum()
    out["cumulative_target_mu"] = out["target_mu"].cumsum()
    return out


def sold_by(layers: Mapping[str, pd.DataFrame], plan: Plan, *, by: str = "platform_id",
            as_of=None) -> pd.DataFrame:
    """Land sold (mu) per plan year (rows) and ``by`` group (columns: platform or town code)."""
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    sales = counted(sales_with_area(layers["parcels"], lay["land_sales"]), plan)
    table = sales.pivot_table(index="year", columns=by, values="area_mu", aggfunc="sum",
                              fill_value=0.0)
    table = table.reindex(_years(plan, as_of), fill_value=0.0)
    table.columns.name = by
    return table.astype(float)


def expansion(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """Development-zone expansion (sales flagged ``is_expansion``) against its target.

    One row: value_mu, target_mu, share, met.
    """
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    sales = counted(sales_with_area(layers["parcels"], lay["land_sales"]), plan)
    value = float(sales.loc[sales["is_expansion"].astype(bool), "area_mu"].sum())
    target = plan.target("zone_expansion_mu")
    return pd.DataFrame([{"value_mu": value, "target_mu": float(target.value),
                          "share": value / target.value if target.value else 0.0,
                          "met": target.met(value)}])


def idle_flags(land_sales: pd.DataFrame, *, as_of, rules: LandRules = LandRules()) -> pd.DataFrame:
    """The idle-land flag of every sale as of ``as_of`` (a date; required).

    flag: ``not_due`` (agreed start still ahead), ``waiting`` (not started, less
    than a year late), ``started`` (started by ``as_of``), ``idle`` (not started
    ``idle_after_years`` after the agreed start), ``reclaim`` (not started
    ``reclaim_after_years`` after). ``idle_fee_10k`` is ``idle_fee_share`` of the
    price for idle and reclaim sales, else 0. ``days_late``: days from the
    agreed start to the start (or to ``as_of`` when not started), never negative.

    Columns: sale_id, parcel_id, price_10k_yuan, agreed_start, actual_start,
    days_late, flag, idle_fee_10k.
    """
    as_of = pd.Timestamp(as_of)
    sales = asof_mod.sales_as_of(land_sales, as_of)
    agreed = pd.to_datetime(sales["agreed_start"])
    start = pd.to_datetime(sales["actual_start"])
    started = start.notna()
    idle_from = agreed + pd.DateOffset(years=rules.idle_after_years)
    reclaim_from = agreed + pd.DateOffset(years=rules.reclaim_after_years)
    flag = pd.Series("waiting", index=sales.index, dtype=object)
    flag[agreed > as_of] = "not_due"
    flag[~started & (idle_from <= as_of)] = "idle"
    flag[~started & (reclaim_from <= as_of)] = "reclaim"
    flag[started] = "started"
    late = (start.where(started, as_of) - agreed).dt.days.clip(lower=0)
    fee = pd.to_numeric(sales["price_10k_yuan"]) * rules.idle_fee_share
    out = pd.DataFrame({
        "sale_id": sales["sale_id"], "parcel_id": sales["parcel_id"],
        "price_10k_yuan": pd.to_numeric(sales["price_10k_yuan"]),
        "agreed_start": agreed, "actual_start": start, "days_late": late.astype(int),
        "flag": flag, "idle_fee_10k": fee.where(flag.isin(("idle", "reclaim")), 0.0),
    })
    return out.reset_index(drop=True)


def terms_check(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """Standard-land (标准地) terms of each sale against what happened, as of ``as_of``.

    Per sale: idle flag and fee (:func:`idle_flags`, as of ``as_of`` or the data's latest date);
    agreed per-mu tax against the tax of the enterprises on the parcel in the
    latest year of figures over the parcel's mapped mu (``tax_met`` empty when no
    enterprise reports there); agreed minimum plot ratio against the parcel's
    (``plot_ratio_met`` empty when unknown); agreed completion against the actual
    one (``completion_late``: not completed by the agreed date, as of the date).
    """
    as_of_ts = asof_mod.data_date(layers) if as_of is None else pd.Timestamp(as_of)
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    sales = sales_with_area(layers["parcels"], lay["land_sales"])
    flags = idle_flags(sales, as_of=as_of_ts, rules=rules(plan)).set_index("sale_id")
    figures = lay["enterprise_figures"]
    year = int(figures["year"].max()) if len(figures) else None
    fig = figures[figures["year"] == year]
    tax = (layers["enterprises"][["enterprise_id", "parcel_id"]].merge(fig, on="enterprise_id")
           .groupby("parcel_id")["tax_10k"].sum())
    parcels = pd.DataFrame(lay["parcels"].drop(columns="geometry", errors="ignore"))
    ratio = parcels.set_index("parcel_id")["plot_ratio"]
    out = sales[["sale_id", "parcel_id", "town_code", "platform_id", "year", "area_mu",
                 "buyer", "invest_intensity_10k_per_mu", "tax_per_mu_10k", "plot_ratio_min",
                 "agreed_start", "actual_start", "agreed_completion", "actual_completion"]].copy()
    out = out.rename(columns={"tax_per_mu_10k": "agreed_tax_per_mu_10k"})
    out["tax_year"] = year
    actual_tax = out["parcel_id"].map(tax) / out["area_mu"]
    out["actual_tax_per_mu_10k"] = actual_tax
    out["tax_met"] = (actual_tax >= out["agreed_tax_per_mu_10k"]).astype("boolean").where(
        actual_tax.notna(), pd.NA)
    actual_ratio = pd.to_numeric(out["parcel_id"].map(ratio))
    out["plot_ratio"] = actual_ratio
    out["plot_ratio_met"] = (actual_ratio >= out["plot_ratio_min"]).astype("boolean").where(
        actual_ratio.notna(), pd.NA)
    agreed_done = pd.to_datetime(out["agreed_completion"])
    done = pd.to_datetime(out["actual_completion"])
    out["completion_late"] = (agreed_done <= as_of_ts) & (done.isna() | (done > agreed_done))
    for col in ("days_late", "flag", "idle_fee_10k"):
        out[col] = out["sale_id"].map(flags[col])
    return out.reset_index(drop=True)


def gap_of(lifecycle: pd.Series) -> pd.Series:
    """The lifecycle gap of each parcel (None when it is in none of the four)."""
    return lifecycle.map(GAPS).astype(object).where(lifecycle.isin(list(GAPS)), None)


def lifecycle_gaps(parcels: pd.DataFrame, *, by: str = "town_code", land_sales=None,
                   as_of=None) -> pd.DataFrame:
    """Mu of industrial parcels in each gap (批而未供, 供而未用, 建而未投, 投而未达) per ``by``.

    Rows: the ``by`` groups (``town_code`` or ``platform_id``; parcels outside
    every platform under :data:`OUTSIDE`) and a last row ``total``. Columns:
    :data:`GAP_ORDER`. With ``as_of``, the parcels' stages as of then
    (:func:`geo.asof.parcels_as_of`, which needs ``land_sales``).
    """
    if as_of is not None:
        if land_sales is None:
            msg = "lifecycle_gaps: as_of needs land_sales to date the parcels' stages"
            raise ValueError(msg)
        parcels = asof_mod.parcels_as_of(parcels, land_sales, as_of)
    parcels = parcels[parcels["lifecycle"].isin(list(GAPS))]
    df = pd.DataFrame({by: parcels[by].fillna(OUTSIDE).to_numpy(),
                       "gap": gap_of(parcels["lifecycle"]).to_numpy(),
                       "area_mu": area_mu(parcels).to_numpy() if len(parcels) else []})
    table = df.pivot_table(index=by, columns="gap", values="area_mu", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=list(GAP_ORDER), fill_value=0.0).astype(float)
    table.columns.name = None
    table.loc["total"] = table.sum()
    return table


def summary(layers: Mapping[str, pd.DataFrame], plan: Plan, *, as_of=None) -> pd.DataFrame:
    """The page's key figures as of ``as_of``, one row each (for two dates side by side).

    Columns: key (``sold_<year>``, ``expansion``, ``idle``, ``reclaim``,
    ``idle_fee_10k``, and each gap of :data:`GAP_ORDER`), value, unit.
    Idle flags are counted as of ``as_of`` (the data's latest date when None).
    """
    flags_date = asof_mod.data_date(layers) if as_of is None else pd.Timestamp(as_of)
    rows = [{"key": f"sold_{y}", "value": float(v), "unit": "mu"}
            for y, v in sold_by_year(layers, plan, as_of=as_of)["area_mu"].items()]
    rows.append({"key": "expansion", "value": float(expansion(layers, plan, as_of=as_of)
                                                     ["value_mu"].iloc[0]), "unit": "mu"})
    lay = asof_mod.layers_as_of(dict(layers), as_of)
    flags = idle_flags(lay["land_sales"], as_of=flags_date, rules=rules(plan))
    rows += [{"key": "idle", "value": float((flags["flag"] == "idle").sum()), "unit": "count"},
             {"key": "reclaim", "value": float((flags["flag"] == "reclaim").sum()), "unit": "count"},
             {"key": "idle_fee_10k", "value": float(flags["idle_fee_10k"].sum()), "unit": "10k_yuan"}]
    gaps = lifecycle_gaps(lay["parcels"])
    rows += [{"key": g, "value": float(gaps.loc["total", g]), "unit": "mu"} for g in GAP_ORDER]
    return pd.DataFrame(rows)

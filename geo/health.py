"""Data health: what is missing or suspect in the store, per layer and per figure.

Each check gives a count, the features concerned (their ids) and the page where a
planner fixes them, so that a figure in front of the county's leaders never rests
on incomplete data without anyone knowing. ``python -m geo health --json`` prints
the same list; the overview shows a notice while any figure's check is not clean.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo import evaluation, ids, land, schema
from geo.i18n import Message


@dataclass(frozen=True)
class Check:
    """One finding: ``key`` (its label is ``health.<key>``), the layer, the ids, where to fix
    it (a page of the app), and the figures it weakens."""

    key: str
    layer: str
    ids: tuple[str, ...]
    page: str
    figures: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def label(self) -> Message:
        return Message.of(f"health.{self.key}", n=self.count)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"key": self.key, "layer": self.layer, "count": self.count,
                "label": self.label.text(lang), "page": self.page, "figures": list(self.figures),
                "ids": list(self.ids)}


def _ids(frame: pd.DataFrame, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in frame[key])


def checks(layers: Mapping[str, pd.DataFrame]) -> list[Check]:
    """Every check, clean ones included (count 0), in a fixed order."""
    parks, parcels = layers["parks"], layers["parcels"]
    ents, figs = layers["enterprises"], layers["enterprise_figures"]
    started = parks["status"].isin(["under_construction", "completed", "operating"])
    out = [
        Check("parks_without_start", "parks",
              _ids(parks[started & parks["start_date"].isna()], "park_id"), "parks",
              ("parks.started",)),
        Check("parks_completed_without_date", "parks",
              _ids(parks[parks["status"].isin(["completed", "operating"])
                         & parks["completion_date"].isna()], "park_id"), "parks",
              ("parks.completed",)),
        Check("sales_without_parcels", "land_sales", _ids(land.unmapped_sales(layers), "sale_id"),
              "land", ("land.sold",)),
        Check("parcels_unverified", "parcels",
              _ids(parcels[parcels["lifecycle"] == "unverified"], "parcel_id"), "land",
              ("land.gaps",)),
        Check("parcels_without_year", "parcels",
              _ids(parcels[pd.to_numeric(parcels["approved_year"], errors="coerce").isna()],
                   "parcel_id"), "land"),
        Check("enterprises_unlocated", "enterprises",
              _ids(ents[ents.geometry.isna() | ents.geometry.is_empty], "enterprise_id")
              if len(ents) else (), "health"),  # placed in this page's 'locate' part
        Check("enterprises_bad_uscc", "enterprises",
              _ids(ents[[ids.uscc_problem(c) is not None for c in ents["uscc"].astype(str)]],
                   "enterprise_id") if len(ents) else (), "import_data"),
        Check("figures_without_land", "enterprise_figures",
              tuple(dict.fromkeys(_ids(_without_land(layers), "enterprise_id"))), "evaluation",
              ("per_mu",)),
        Check("figures_missing_indicators", "enterprise_figures",
              tuple(f"{e},{y}" for e, y in zip(
                  figs.loc[figs[["revenue_10k", "rnd_10k"]].isna().any(axis=1), "enterprise_id"],
                  figs.loc[figs[["revenue_10k", "rnd_10k"]].isna().any(axis=1), "year"],
                  strict=True)), "evaluation", ("per_mu",)),
    ]
    problems = [p for name in schema.LAYERS if name in layers
                for p in schema.validate(name, layers[name])]
    out.append(Check("schema_problems", "*", tuple(problems), "import_data"))
    return out


def _without_land(layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    years = sorted(layers["enterprise_figures"]["year"].dropna().unique())
    if not years:
        return pd.DataFrame({"enterprise_id": []})
    return evaluation.unscored(layers, int(years[-1]))


def findings(layers: Mapping[str, pd.DataFrame]) -> list[Check]:
    """The checks that found something."""
    return [c for c in checks(layers) if c.count]

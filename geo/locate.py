"""Locate enterprises through the land they hold (权利人 of the land-bureau parcels).

A tax sheet names an enterprise and its 统一社会信用代码 but gives no place; the
land bureau's parcels name their right holder (``holder``) and often the
holder's credit code (``holder_uscc``). :func:`locate` joins the two:

1. by credit code (the check character verified on both sides);
2. by the exact name;
3. by the normalised name (:func:`normalise_name`: 有限责任公司 and 有限公司 the same,
   full-width and half-width brackets the same, spaces removed), *offered for
   confirmation* only: two different companies may differ by exactly these;
4. the rest are unlocated, to be placed by hand on the map.

An enterprise holding several parcels takes the point of the largest (in mu,
EPSG:4549); the point is the parcel's representative point (always inside it).
Pure functions on frames: nothing is written here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import ids, units

__all__ = ["Located", "locate", "normalise_name", "parcel_points"]

MATCH_KINDS = ("uscc", "name", "normalised")
"""How an enterprise was joined to its parcel, most certain first."""

_SUFFIXES = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))


def normalise_name(name) -> str:
    """A company name reduced for matching: NFKC (full-width ``（）`` to ``()``, full-width
    letters and digits to half-width), no whitespace, 有限责任公司 read as 有限公司.

    >>> normalise_name("缙云县 A 机械（浙江）有限责任公司") == normalise_name("缙云县A机械(浙江)有限公司")
    True
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    text = re.sub(r"\s+", "", text)
    for long, short in _SUFFIXES:
        text = text.replace(long, short)
    return text.upper()


def _code(value) -> str | None:
    """A valid credit code in upper case, else None (a wrong one joins nothing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    code = "".join(str(value).split()).upper()
    return code if code and ids.uscc_problem(code) is None else None


def parcel_points(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each parcel with a holder: ``parcel_id``, ``holder``, ``holder_uscc``, ``town_code``,
    ``park_id``, ``area_mu`` and its representative point (EPSG of the parcels)."""
    cols = ["parcel_id", "holder", "holder_uscc", "town_code", "park_id"]
    held = parcels[parcels["holder"].notna() | parcels["holder_uscc"].notna()] if (
        "holder" in parcels.columns) else parcels.iloc[0:0]
    out = pd.DataFrame({c: held[c].to_numpy() if c in held.columns else None for c in cols},
                       index=held.index)
    out["area_mu"] = units.area_mu(held).to_numpy() if len(held) else []
    points = shapely.point_on_surface(held.geometry.to_numpy())
    return gpd.GeoDataFrame(out, geometry=list(points), crs=parcels.crs)


@dataclass
class Located:
    """What :func:`locate` found for the enterprises it was given.

    ``matched`` and ``to_confirm`` have one row per enterprise: ``enterprise_id``,
    ``name``, ``uscc``, ``how`` (one of :data:`MATCH_KINDS`), the chosen ``parcel_id``
    (the largest held), ``parcels`` (every parcel held, comma-separated), ``holder`` (the
    name as the land bureau wrote it), ``town_code``, ``park_id``, ``land_area_mu`` (the
    parcels' total) and the point. ``unlocated``: ``enterprise_id``, ``name``, ``uscc``.
    """

    matched: gpd.GeoDataFrame
    to_confirm: gpd.GeoDataFrame
    unlocated: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        by_how = self.matched["how"].value_counts()
        return {"uscc": int(by_how.get("uscc", 0)), "name": int(by_how.get("name", 0)),
                "to_confirm": len(self.to_confirm), "unlocated": len(self.unlocated)}


def _keys(points: pd.DataFrame) -> pd.DataFrame:
    """(kind, key, parcel row) for every way a parcel can be found: its valid credit code, its
    holder as written, its holder normalised."""
    holder = points["holder"].astype(object)
    named = holder.notna() & (holder.astype(str).str.strip() != "")
    codes = [_code(c) for c in points["holder_uscc"]]
    parts = [
        pd.DataFrame({"kind": "uscc", "key": codes, "row": np.arange(len(points))}),
        pd.DataFrame({"kind": "name", "key": holder.where(named).astype(str).str.strip().where(
            named).to_numpy(), "row": np.arange(len(points))}),
        pd.DataFrame({"kind": "normalised", "key": [normalise_name(h) if ok else None for h, ok
                                                    in zip(holder, named, strict=True)],
                      "row": np.arange(len(points))}),
    ]
    out = pd.concat(parts, ignore_index=True)
    return out[out["key"].notna()]


def locate(enterprises: pd.DataFrame, parcels: gpd.GeoDataFrame) -> Located:
    """Join ``enterprises`` (``enterprise_id``, ``name``, ``uscc``) to the parcels they hold.

    Returns
    -------
    Located
        ``matched`` by credit code or exact name, ``to_confirm`` by normalised name only,
        ``unlocated`` for the rest; each enterprise in exactly one of them.
    """
    points = parcel_points(parcels).reset_index(drop=True)
    keys = _keys(points)
    names = enterprises["name"] if "name" in enterprises else pd.Series(None, index=enterprises.index)
    codes = enterprises["uscc"] if "uscc" in enterprises else pd.Series(None, index=enterprises.index)
    ent = pd.DataFrame({"enterprise_id": enterprises["enterprise_id"].to_numpy(),
                        "name": names.to_numpy(), "uscc": codes.to_numpy()})
    clean = ent["name"].astype(object).where(ent["name"].notna())
    wanted = {"uscc": [_code(c) for c in ent["uscc"]],
              "name": [(str(n).strip() or None) if isinstance(n, str) else None for n in clean],
              "normalised": [normalise_name(n) or None for n in clean]}
    how = pd.Series(None, index=ent.index, dtype=object)
    key = pd.Series(None, index=ent.index, dtype=object)
    for kind in MATCH_KINDS:  # the first kind that finds a parcel wins
        known = set(keys.loc[keys["kind"] == kind, "key"])
        hit = how.isna() & pd.Series([k in known for k in wanted[kind]], index=ent.index)
        how[hit] = kind
        key[hit] = pd.Series(wanted[kind], index=ent.index)[hit]
    found = ent[how.notna()].assign(how=how[how.notna()], key=key[how.notna()])
    pairs = found.merge(keys, how="inner",
                        left_on=["how", "key"], right_on=["kind", "key"])
    pairs = pairs.assign(parcel_id=points["parcel_id"].to_numpy()[pairs["row"]],
                         area_mu=points["area_mu"].to_numpy()[pairs["row"]])
    pairs = pairs.sort_values(["enterprise_id", "area_mu", "parcel_id"],
                              ascending=[True, False, True], kind="stable")
    held = pairs.groupby("enterprise_id", sort=False).agg(
        parcels=("parcel_id", lambda v: ",".join(map(str, v))), land_area_mu=("area_mu", "sum"))
    best = pairs.drop_duplicates("enterprise_id").set_index("enterprise_id")
    rows = best["row"].to_numpy()
    table = pd.DataFrame({
        "enterprise_id": best.index, "name": best["name"].to_numpy(),
        "uscc": best["uscc"].to_numpy(), "how": best["how"].to_numpy(),
        "parcel_id": best["parcel_id"].to_numpy(),
        "parcels": held["parcels"].reindex(best.index).to_numpy(),
        "holder": points["holder"].to_numpy()[rows], "town_code": points["town_code"].to_numpy()[rows],
        "park_id": points["park_id"].to_numpy()[rows],
        "land_area_mu": held["land_area_mu"].reindex(best.index).to_numpy(dtype=float)})
    order = {e: i for i, e in enumerate(ent["enterprise_id"])}  # in the enterprises' order
    table = table.assign(_o=table["enterprise_id"].map(order)).sort_values("_o").drop(
        columns="_o").reset_index(drop=True)
    table = gpd.GeoDataFrame(table, geometry=list(points.geometry.to_numpy()[
        [int(r) for r in best["row"].reindex(table["enterprise_id"])]]) if len(table) else [],
        crs=parcels.crs)
    sure = table["how"].isin(["uscc", "name"])
    lost = ent[how.isna()].reset_index(drop=True)
    return Located(matched=table[sure].reset_index(drop=True),
                   to_confirm=table[~sure].reset_index(drop=True),
                   unlocated=lost[["enterprise_id", "name", "uscc"]])


def unlocated_enterprises(enterprises: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The enterprises without a point (empty or missing geometry)."""
    if not len(enterprises):
        return enterprises
    return enterprises[enterprises.geometry.isna() | enterprises.geometry.is_empty]


def with_location(enterprises: gpd.GeoDataFrame, found: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``enterprises`` with the points, parcels, towns, parks and land of ``found`` (rows of
    :attr:`Located.matched` or confirmed rows of :attr:`Located.to_confirm`) put in; a
    value the enterprise already has (a town, a park, a recorded land area) is kept."""
    out = enterprises.copy()
    if not len(found):
        return out
    f = found.drop_duplicates("enterprise_id").set_index("enterprise_id")
    hit = out["enterprise_id"].isin(f.index)
    idx = out.loc[hit, "enterprise_id"]
    geoms = f.geometry.to_crs(out.crs) if out.crs is not None else f.geometry
    out.loc[hit, "geometry"] = geoms.reindex(idx).to_numpy()
    for col in ("parcel_id", "town_code", "park_id", "land_area_mu"):
        new = f[col].reindex(idx).to_numpy()
        old = out.loc[hit, col]
        out.loc[hit, col] = old.where(old.notna(), pd.Series(new, index=old.index))
    return gpd.GeoDataFrame(out, geometry="geometry", crs=enterprises.crs)


FILLED = ("parcel_id", "town_code", "park_id", "land_area_mu")
"""What a placement through a parcel fills in, where the enterprise has nothing yet."""


def place_found(location, rows: gpd.GeoDataFrame, *, user, expected_versions=None):
    """Write the points of ``rows`` (of :attr:`Located.matched`, or confirmed rows of
    :attr:`Located.to_confirm`) with the parcel's town, park and land where the enterprise
    has none, in one transaction with history (:func:`geo.edits.place`)."""
    from geo import edits

    pts = rows.geometry.to_crs("EPSG:4490") if rows.crs is not None else rows.geometry
    fill = {r["enterprise_id"]: {c: r[c] for c in FILLED} for _, r in rows.iterrows()}
    return edits.place(location, "enterprises", dict(zip(rows["enterprise_id"], pts, strict=True)),
                       user=user, fill=fill, expected_versions=expected_versions)

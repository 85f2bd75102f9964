"""Import the county's files: read, find the CRS, map columns, validate, then write all or nothing.

The same functions serve the page (:mod:`pages.import_data`) and the command
line (``python -m geo import``):

1. :func:`read_features` reads a vector file (zipped Shapefile, GeoPackage,
   GeoJSON, KML/KMZ, CSV/XLSX with longitude/latitude or WKT columns) into a
   GeoDataFrame in EPSG:4490, with the CRS taken from the file, from the
   caller, or refused with the plausible candidates listed
   (:class:`CRSUnknownError`).
2. :func:`plan_import` maps the columns onto a layer of :mod:`geo.schema`
   (Chinese aliases, units 亩/公顷/平方米 and 元/万元), validates every row and
   returns an :class:`ImportPlan` whose :class:`ImportReport` says what would
   be added, updated, rejected (file, row, problem), repaired, or lies outside
   the county. Nothing is written.
3. :func:`apply_import` writes the plan through :func:`geo.store.replace_layers`
   (all or nothing), after checking the store did not change since.

Row numbers in reports are 1-based feature numbers; for CSV/XLSX they are the
sheet's row numbers (the header is row 1). Messages are :class:`geo.i18n.Message`
values, put into the user's language where they are shown.

Internals: :mod:`geo._import_read` (safe unzipping, encodings, formats),
:mod:`geo._import_columns` (aliases, units, presets, value conversion),
:mod:`geo._import_report` (report and refusals). Their public names are
re-exported here; callers import :mod:`geo.importer` only.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo import gcj02 as _gcj02
from geo import i18n, ids, schema, settings, store, units
from geo._import_columns import (
    ALIASES,
    ENUM_ALIASES,
    MAPPINGS_DIR,
    RANGES,
    RECORDED_AREA,
    RECORDED_AREA_TOLERANCE,
    ColumnMapping,
    FieldName,
    as_text,
    auto_mapping,
    convert_field,
    field_label,
    layer_fields,
    list_presets,
    load_preset,
    merge_mapping,
    planner_label,
    save_preset,
)
from geo._import_read import (
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_BYTES,
    SUPPORTED_SUFFIXES,
    TABLE_SUFFIXES,
    VECTOR_SUFFIXES,
    list_sources,
    load,
)
from geo._import_report import (
    CRSUnknownError,
    ImportRefusedError,
    ImportReport,
    Problem,
    geos_reason,
    refuse,
    tr,
)

__all__ = [
    "ALIASES", "CANDIDATE_CRS", "ENUM_ALIASES", "FAR_OUTSIDE_M", "IMPORTABLE_LAYERS", "MAPPINGS_DIR", "MAX_UNZIPPED_BYTES",
    "MAX_UPLOAD_BYTES", "OUTSIDE_TOLERANCE_M", "RANGES", "RECORDED_AREA", "SUPPORTED_SUFFIXES", "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES", "CRSUnknownError", "ColumnMapping", "ImportPlan", "ImportRefusedError", "ImportReport",
    "CoordSourceUnknownError", "Problem", "SourceInfo", "asks_source", "apply_import", "auto_mapping", "crs_candidates", "field_label", "inspect", "planner_label",
    "layer_fields", "list_presets", "list_sources", "load_preset", "merge_mapping", "merged_layer", "plan_import",
    "read_features", "save_preset", "schema_fields",
]

logger = logging.getLogger(__name__)

OUTSIDE_TOLERANCE_M = 500.0
"""Features farther than this from the county boundary are listed as outside."""
FAR_OUTSIDE_M = 5000.0
"""Features farther than this are rejected rows: a Jinyun file has nothing so far out."""

# CRS candidates proposed when a file has none, best first when several fit.
CANDIDATE_CRS = ("EPSG:4490", "EPSG:4549", "EPSG:4528", "EPSG:4498", "EPSG:4509", "EPSG:4499", "EPSG:4510")
_COUNTY_BBOX = (119.87, 28.41, 120.42, 28.95)
_METRIC = "__metric"  # the file's own EPSG:4549 geometries, kept while planning when it has them
_CANDIDATE_MARGIN_DEG = 0.5


@dataclass
class SourceInfo:
    """What the page shows before a check: the first rows, the file's CRS, the CRS candidates."""

    head: pd.DataFrame
    columns: list[str]
    crs: str | None
    candidates: list[str]
    rows: int
    asks_source: bool = False
    """Where the coordinates came from must be said (:func:`asks_source`)."""


def inspect(path: str | os.PathLike, *, layer: str | None = None, rows: int = 5,
            max_bytes: int = MAX_UPLOAD_BYTES, max_unzipped: int = MAX_UNZIPPED_BYTES) -> SourceInfo:
    """Read ``path`` once: its first rows (geometry shown as its type), columns, CRS and CRS candidates."""
    df, report = load(Path(path), layer=layer, max_bytes=max_bytes, max_unzipped=max_unzipped)
    head = pd.DataFrame(df.head(rows)).copy()
    crs, candidates, asks = None, [], False
    columns = [str(c) for c in df.columns]
    if isinstance(df, gpd.GeoDataFrame):
        name = df.geometry.name
        head[name] = df.geometry.head(rows).geom_type
        columns.remove(name)
        crs = df.crs.to_string() if df.crs is not None else None
        bounds = _bounds(df.geometry)
        if crs is None and bounds is not None:
            candidates = crs_candidates(bounds)
        # no CRS and degrees: a CSV of longitudes/latitudes, Gaode's or not
        asks = asks_source(report.format, crs) if crs else (
            "EPSG:4490" in candidates and asks_source(report.format, None))
    return SourceInfo(head=head, columns=columns, crs=crs, candidates=candidates, rows=len(df),
                      asks_source=asks)


# --------------------------------------------------------------------------- coordinates

def _bounds(geoms: gpd.GeoSeries) -> tuple[float, float, float, float] | None:
    ok = geoms[geoms.notna() & ~geoms.is_empty]
    if ok.empty:
        return None
    return tuple(float(v) for v in ok.total_bounds)


def crs_candidates(bounds: tuple[float, float, float, float]) -> list[str]:
    """CRSs (from :data:`CANDIDATE_CRS`) that put ``bounds`` in or near the county, nearest first."""
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    mx, my = (_COUNTY_BBOX[0] + _COUNTY_BBOX[2]) / 2, (_COUNTY_BBOX[1] + _COUNTY_BBOX[3]) / 2
    scored = []
    for code in CANDIDATE_CRS:
        if code == "EPSG:4490":
            lon, lat = cx, cy
        else:
            lon, lat = _to_lonlat(code)(cx, cy)
        if not (np.isfinite(lon) and np.isfinite(lat)):
            continue
        if (_COUNTY_BBOX[0] - _CANDIDATE_MARGIN_DEG <= lon <= _COUNTY_BBOX[2] + _CANDIDATE_MARGIN_DEG
                and _COUNTY_BBOX[1] - _CANDIDATE_MARGIN_DEG <= lat <= _COUNTY_BBOX[3] + _CANDIDATE_MARGIN_DEG):
            scored.append((abs(lon - mx) + abs(lat - my), code))
    return [code for _, code in sorted(scored)]


@functools.lru_cache(maxsize=16)
def _to_lonlat(code: str):
    return Transformer.from_crs(code, settings.STORAGE_CRS, always_xy=True).transform


def _swapped(bounds, geographic: bool) -> bool:
    """True when x looks like a latitude and y a longitude near Jinyun (or northing/easting swapped)."""
    x0, y0, x1, y1 = bounds
    if geographic:
        return 18 <= x0 <= x1 <= 54 and 73 <= y0 <= y1 <= 136
    return 2.9e6 <= x0 <= x1 <= 3.6e6 and (2e5 <= y0 <= y1 <= 8e5 or 4.02e7 <= y0 <= y1 <= 4.08e7)


ASKS_SOURCE_FORMATS = ("KML", "KMZ", "CSV", "XLSX", "XLS")
"""Formats Gaode and Tencent users export: their degrees may be GCJ-02 or not, and the file
cannot say which, so the planner is asked (:class:`CoordSourceUnknownError`)."""


class CoordSourceUnknownError(ImportRefusedError):
    """A KML/CSV/XLSX in degrees: where the coordinates came from must be said (GCJ-02 or not)."""


def asks_source(fmt: str, crs: CRS | str | None) -> bool:
    """True when a file of format ``fmt`` in ``crs`` needs the coordinates' source said."""
    return fmt.removeprefix("zip/") in ASKS_SOURCE_FORMATS and (
        crs is None or CRS.from_user_input(crs).is_geographic)


def _coord_source(gdf: gpd.GeoDataFrame, report: ImportReport, gcj02: bool | None) -> bool:
    """``gcj02`` as answered; refuse when the file needs the answer and none was given."""
    needed = asks_source(report.format, gdf.crs)
    if gcj02 is None and needed:
        raise CoordSourceUnknownError(tr("err.coord_source", file=report.file, format=report.format))
    if needed:
        report.coord_source = "gcj02" if gcj02 else "survey"
        if not gcj02:
            report.notes.append(tr("crs.source_survey"))
    return bool(gcj02)


def _assign_crs(gdf: gpd.GeoDataFrame, report: ImportReport, *, crs, gcj02: bool | None) -> gpd.GeoDataFrame:
    """Give ``gdf`` its CRS (file, caller, or refuse with candidates) and bring it to EPSG:4490."""
    bounds = _bounds(gdf.geometry)
    report.crs_file = gdf.crs.to_string() if gdf.crs is not None else None
    if bounds is None:
        raise refuse("err.no_geometry", file=report.file)
    if crs is not None:
        chosen = CRS.from_user_input(crs)
        if gdf.crs is not None and CRS.from_user_input(gdf.crs) != chosen:
            report.notes.append(tr("crs.override", file_crs=report.crs_file, crs=chosen.to_string()))
        gdf = gdf.set_crs(chosen, allow_override=True)
    elif gdf.crs is None:
        if _swapped(bounds, geographic=True) or _swapped(bounds, geographic=False):
            raise refuse("err.swapped", file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                          y=f"{bounds[1]:.4f}…{bounds[3]:.4f}")
        report.crs_candidates = crs_candidates(bounds)
        if report.crs_candidates == ["EPSG:4490"]:
            gdf = gdf.set_crs(settings.STORAGE_CRS)
            report.notes.append(tr("crs.assumed_degrees"))
        else:
            msg = tr("err.no_crs", file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                     y=f"{bounds[1]:.4f}…{bounds[3]:.4f}",
                     candidates=", ".join(report.crs_candidates) or tr("crs.none_fits"))
            raise CRSUnknownError(msg, report.crs_candidates)
    geographic = gdf.crs.is_geographic
    if _swapped(bounds, geographic=geographic):
        raise refuse("err.swapped", file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                      y=f"{bounds[1]:.4f}…{bounds[3]:.4f}")
    report.crs_used = gdf.crs.to_string()
    gcj02 = _coord_source(gdf, report, gcj02)
    out = gdf.to_crs(settings.STORAGE_CRS)
    if not gcj02 and CRS.from_user_input(gdf.crs) == CRS.from_user_input(settings.METRIC_CRS):
        # keep the metric geometries: areas and nearest towns need no transform back
        out[_METRIC] = gpd.GeoSeries(gdf.geometry.to_numpy(), index=gdf.index, crs=settings.METRIC_CRS)
    if gcj02:
        report.gcj02 = True
        out = out.set_geometry(_gcj02.transform_geometries(out.geometry.to_numpy(), inverse=True),
                               crs=settings.STORAGE_CRS)
        report.notes.append(tr("crs.gcj02"))
    lon0, lat0, lon1, lat1 = out.total_bounds
    if not (np.isfinite([lon0, lat0, lon1, lat1]).all() and -180 <= lon0 <= lon1 <= 180 and -90 <= lat0 <= lat1 <= 90):
        raise refuse("err.bad_coords", file=report.file, crs=report.crs_used)
    return out


def read_features(path: str | os.PathLike, *, layer: str | None = None, crs=None, gcj02: bool | None = None, max_bytes: int = MAX_UPLOAD_BYTES,
                  max_unzipped: int = MAX_UNZIPPED_BYTES) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read the features of a vector file (or a CSV/XLSX with coordinates) into EPSG:4490.

    Parameters
    ----------
    path
        ``.zip`` (Shapefile or another supported file inside), ``.gpkg``,
        ``.geojson``/``.json``, ``.kml``/``.kmz``, ``.csv``/``.xlsx``.
    layer
        GeoPackage layer, XLSX sheet, or dataset inside a zip; needed when
        there are several.
    crs
        CRS of the coordinates when the file has none (or to override it).
    gcj02
        The coordinates are GCJ-02 (digitised on AMap/Gaode or Tencent maps), or not (GPS,
        天地图, a survey). ``None``: not said; a KML/CSV/XLSX in degrees is then refused with
        :class:`CoordSourceUnknownError`, since it cannot say itself.

    Returns
    -------
    gdf, report
        Features in EPSG:4490, 2-D, invalid geometries repaired (listed in
        ``report.repaired``), empty ones dropped (``report.rejected``); the
        index is the feature (or sheet row) number.

    Raises
    ------
    CRSUnknownError
        The file has no CRS; ``exc.candidates`` lists plausible ones.
    ImportRefusedError
        The file cannot be read; the message names the file and the problem.
    """
    df, report = load(Path(path), layer=layer, max_bytes=max_bytes, max_unzipped=max_unzipped)
    if not isinstance(df, gpd.GeoDataFrame):
        raise refuse("err.not_geodata", file=report.file, columns=", ".join(map(str, df.columns)))
    gdf = _drop_empty(df, report)
    gdf = _assign_crs(gdf, report, crs=crs, gcj02=gcj02)
    gdf = _repair(gdf, report)
    return gdf.drop(columns=_METRIC, errors="ignore"), report


def _not_finite(geoms: np.ndarray) -> np.ndarray:
    """True for each shape with a NaN or infinite coordinate."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), dtype=bool)
    if len(coords):
        bad[np.unique(index[~np.isfinite(coords).all(axis=1)])] = True
    return bad


def _drop_empty(gdf: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Reject rows without a shape, or with NaN/infinite coordinates (each named: they would
    otherwise make the whole file look like a wrong CRS)."""
    empty = (gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    not_finite = ~empty & _not_finite(gdf.geometry.to_numpy())
    already = {p.row for p in report.rejected}
    for row in gdf.index[empty]:
        if int(row) not in already:
            report.rejected.append(Problem(report.file, int(row), tr("err.empty_geometry")))
    for row in gdf.index[not_finite]:
        if int(row) not in already:
            report.rejected.append(Problem(report.file, int(row), tr("err.not_finite")))
    out = gdf[~(empty | not_finite)]
    if out.empty:
        raise refuse("err.no_geometry", file=report.file)
    return out


def _repair(gdf: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Drop Z, repair invalid geometries with ``make_valid`` and list each repair."""
    geoms = gdf.geometry.to_numpy()
    has_z = shapely.has_z(geoms)
    if has_z.any():
        geoms = shapely.force_2d(geoms)
        report.notes.append(tr("geom.z_dropped", n=int(has_z.sum())))
    invalid = ~shapely.is_valid(geoms)
    if (has_z.any() or invalid.any()) and _METRIC in gdf.columns:
        gdf = gdf.drop(columns=_METRIC)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        for row, reason in zip(gdf.index[invalid], reasons, strict=True):
            report.repaired.append(Problem(report.file, int(row), tr("geom.repaired", reason=geos_reason(reason))))
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))


# --------------------------------------------------------------------------- planning and writing

@dataclass
class ImportPlan:
    """Validated rows ready to write, the report, and the store (at the version they were
    checked against)."""

    source: store.Store
    layer: str
    frame: pd.DataFrame
    report: ImportReport
    enterprises: gpd.GeoDataFrame | None = None
    """Enterprises created with the figures (``create_enterprises``), written with them."""

    @property
    def store(self) -> Path:
        """Where the store is."""
        return self.source.location


def _ident(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Each row's key as text (composite keys joined with commas)."""
    out = df[keys[0]].astype(str).astype(object)
    for k in keys[1:]:
        out = out + "," + df[k].astype(str).astype(object)
    return out


def _reject(report: ImportReport, rows, messages, ids=None) -> None:
    ids = [None] * len(rows) if ids is None else ids
    for row, message, ident in zip(rows, messages, ids, strict=True):
        report.rejected.append(Problem(report.file, int(row), message, ident))


def _convert_attributes(df: pd.DataFrame, layer: str, mapping: ColumnMapping, report: ImportReport, *, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Schema columns converted from ``df``; rows with any problem are rejected (all problems named)."""
    out = pd.DataFrame(index=df.index)
    found: list[pd.Series] = []
    fields = [*schema.LAYERS[layer].fields]
    if layer == "parcels":
        fields.append(schema.Field(RECORDED_AREA, "float", "m2", required=False))
    for f in fields:
        if f.name in skip:
            continue
        col = mapping.columns.get(f.name)
        if col is not None and col in df.columns:
            raw = df[col]
        else:
            raw = pd.Series(None, index=df.index, dtype=object)
        if f.name in mapping.defaults:
            raw = raw.astype(object).where(as_text(raw).notna(), mapping.defaults[f.name])
        values, problem = convert_field(f, raw, mapping)
        out[f.name] = values
        if problem.notna().any():
            found.append(problem)
    bad = pd.Series(False, index=df.index)
    if found:
        table = pd.concat(found, axis=1)
        bad = table.notna().any(axis=1)
        messages = [i18n.Joined(tuple(p for p in row if isinstance(p, i18n.Message)))
                    for row in table[bad].itertuples(index=False)]
        key = schema.LAYERS[layer].key.split(",")[0]
        ids = out.loc[bad, key].tolist() if key in out.columns else None
        _reject(report, df.index[bad], messages, ids)
    if isinstance(df, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=df.geometry, crs=df.crs)
        if _METRIC in df.columns:
            out[_METRIC] = df[_METRIC]
    return out[~bad]


def _resolve_enterprises(df: pd.DataFrame, mapping: ColumnMapping, enterprises: pd.DataFrame,
                         report: ImportReport, *, create: bool = False,
                         created: dict | None = None) -> pd.DataFrame:
    """Fill ``enterprise_id`` from the 统一社会信用代码 (check character verified) or, failing that,
    the exact name. ``create``: a row matching no enterprise but with a valid code names a new
    enterprise (id ``E`` + its code), collected in ``created`` ({id: (code, name)})."""
    if "enterprise_id" in mapping.columns:
        return df
    uscc_col, name_col = mapping.columns.get("uscc"), mapping.columns.get("name")
    if uscc_col is None and name_col is None:
        raise refuse("err.no_join", file=report.file, columns=", ".join(map(str, df.columns)))
    by_uscc = dict(zip(enterprises["uscc"].astype(str).str.upper(), enterprises["enterprise_id"], strict=True))
    by_name = dict(zip(enterprises["name"].astype(str).str.strip(), enterprises["enterprise_id"], strict=True))
    taken = set(enterprises["enterprise_id"].astype(str))
    created = {} if created is None else created
    ids_out = []
    for row in df.index:
        code = as_text(pd.Series([df.at[row, uscc_col]])).iloc[0] if uscc_col else None
        name = as_text(pd.Series([df.at[row, name_col]])).iloc[0] if name_col else None
        found, valid = None, False
        if code:
            problem = ids.uscc_problem(code)
            if problem:
                report.uscc_errors.append(Problem(report.file, int(row), tr("join.bad_uscc", code=code,
                                                                             problem=problem), code))
            else:
                valid = True
                found = by_uscc.get(code.upper())
        if found is None and name:
            found = by_name.get(name.strip())
        if found is None and create and valid and f"E{code.upper()}" not in taken:
            found = f"E{code.upper()}"
            created.setdefault(found, (code.upper(), (name or "").strip() or code.upper()))
        if found is None:
            key = "join.none_create" if create else "join.none"
            report.unmatched.append(Problem(report.file, int(row), tr(key, code=code or "-",
                                                                      name=name or "-"), code))
        ids_out.append(found)
    out = df.copy()
    out["__enterprise_id"] = ids_out
    mapping.columns["enterprise_id"] = "__enterprise_id"
    matched = out["__enterprise_id"].notna()
    report.notes.append(tr("join.done", n=int(matched.sum()) - int(
        out["__enterprise_id"].isin(list(created)).sum()), total=len(out)))
    return out[matched]


def _new_enterprises(created: dict, source: store.Store, report: ImportReport) -> gpd.GeoDataFrame:
    """The enterprises an import creates, located through the parcels they hold
    (:func:`geo.locate.locate`): matched ones get the parcel's point, town, park and land;
    the others are stored without a point and listed (to confirm, or to place on the map)."""
    from geo import locate

    base = pd.DataFrame([{"enterprise_id": eid, "uscc": code, "name": name}
                         for eid, (code, name) in created.items()])
    found = locate.locate(base, source.parcels)
    ents = gpd.GeoDataFrame(base.assign(
        town_code=None, parcel_id=None, park_id=None, industry=None, above_scale=False,
        specialised=False, land_area_mu=np.nan), geometry=[None] * len(base),
        crs=settings.STORAGE_CRS)
    ents = locate.with_location(ents, found.matched)
    report.created = list(created)
    for r in found.matched.itertuples():
        report.located.append(Problem(report.file, None, tr(
            f"locate.by_{r.how}", parcel=r.parcel_id, holder=r.holder, n=len(r.parcels.split(","))),
            r.enterprise_id))
    for r in found.to_confirm.itertuples():
        report.to_confirm.append(Problem(report.file, None, tr(
            "locate.confirm", name=r.name, holder=r.holder, parcel=r.parcel_id), r.enterprise_id))
    for r in found.unlocated.itertuples():
        report.unlocated.append(Problem(report.file, None, tr("locate.none", name=r.name),
                                        r.enterprise_id))
    report.notes.append(tr("note.created", n=len(ents)))
    return ents


def _join_geometry(df: pd.DataFrame, layer: str, mapping: ColumnMapping, existing: pd.DataFrame,
                   report: ImportReport) -> gpd.GeoDataFrame:
    """Geometry for a table without any, from the store's features with the same key."""
    key = schema.LAYERS[layer].key
    col = mapping.columns.get(key)
    if col is None or col not in df.columns or not isinstance(existing, gpd.GeoDataFrame) or existing.empty:
        raise refuse("err.not_geodata", file=report.file, columns=", ".join(map(str, df.columns)))
    geoms = existing.set_index(key).geometry
    keys = as_text(df[col])
    found = keys.isin(geoms.index)
    _reject(report, df.index[~found], [tr("join.no_geometry", field=FieldName(key), id=k)
                                       for k in keys[~found]])
    out = gpd.GeoDataFrame(df[found].copy(), geometry=list(geoms.reindex(keys[found]).to_numpy()),
                           crs=existing.crs)
    out = out.set_geometry(out.geometry.set_crs(existing.crs, allow_override=True))
    report.crs_used = settings.STORAGE_CRS
    report.notes.append(tr("join.geometry", field=FieldName(key), n=len(out)))
    return out


def _locate_rows(df: pd.DataFrame, mapping: ColumnMapping, existing: pd.DataFrame,
                 parcels: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    """Points for a sheet of enterprises without coordinates: the stored point of a known
    enterprise, else the point of the parcel it holds (:func:`geo.locate.locate`, by credit
    code or exact name); the others are kept without a point and listed (to confirm, or to
    place on the map)."""
    from geo import locate

    key = schema.LAYERS[report.layer].key
    col = mapping.columns.get(key)
    if col is None or col not in df.columns:
        raise refuse("err.missing_columns", file=report.file, layer=report.layer,
                      fields=[FieldName(key)], columns=", ".join(map(str, df.columns)))
    keys = as_text(df[col])
    stored = (existing.set_index(key).geometry if isinstance(existing, gpd.GeoDataFrame)
              and len(existing) else gpd.GeoSeries([], crs=settings.STORAGE_CRS))
    stored = stored[stored.notna()]
    geoms = pd.Series(list(stored.reindex(keys).to_numpy()), index=df.index, dtype=object)
    new = keys[~keys.isin(stored.index)]
    text = {f: as_text(df[mapping.columns[f]]) if mapping.columns.get(f) in df.columns else
            pd.Series(None, index=df.index, dtype=object) for f in ("name", "uscc")}
    found = locate.locate(pd.DataFrame({"enterprise_id": new, "name": text["name"][new.index],
                                        "uscc": text["uscc"][new.index]}), parcels)
    row_of = dict(zip(new, new.index, strict=True))
    points = found.matched.set_index("enterprise_id").geometry.to_crs(settings.STORAGE_CRS)
    for eid, point in points.items():
        geoms[row_of[eid]] = point
    for r in found.matched.itertuples():
        report.located.append(Problem(report.file, int(row_of[r.enterprise_id]), tr(
            f"locate.by_{r.how}", parcel=r.parcel_id, holder=r.holder,
            n=len(r.parcels.split(","))), r.enterprise_id))
    for r in found.to_confirm.itertuples():
        report.to_confirm.append(Problem(report.file, int(row_of[r.enterprise_id]), tr(
            "locate.confirm", name=r.name, holder=r.holder, parcel=r.parcel_id), r.enterprise_id))
    for r in found.unlocated.itertuples():
        report.unlocated.append(Problem(report.file, int(row_of[r.enterprise_id]), tr(
            "locate.none", name=r.name or r.enterprise_id), r.enterprise_id))
    report.crs_used = settings.STORAGE_CRS
    return gpd.GeoDataFrame(df.copy(), geometry=geoms.to_list(), crs=settings.STORAGE_CRS)


_FAMILY = {"MultiPolygon": ("Polygon", "MultiPolygon"), "Point": ("Point",),
           "MultiLineString": ("LineString", "MultiLineString")}


def _fit_geometry_type(gdf: gpd.GeoDataFrame, layer: str, report: ImportReport) -> gpd.GeoDataFrame:
    """Keep the parts of the layer's type (e.g. polygons out of a repaired collection); reject the rest."""
    wanted = schema.LAYERS[layer].geometry
    allowed = _FAMILY[wanted]
    geoms = gdf.geometry.to_numpy().copy()
    types = shapely.get_type_id(geoms)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                      "MultiPolygon", "GeometryCollection", "None"])[types]  # -1: no geometry
    mixed = ~np.isin(names, allowed)
    if schema.LAYERS[layer].extra.get("nullable_geometry"):
        mixed &= types >= 0  # a feature not located yet is kept without a point
    for i in np.flatnonzero(mixed):
        parts = shapely.get_parts(geoms[i])
        keep = [p for p in parts if p.geom_type in allowed]
        if keep and wanted != "Point":
            geoms[i] = shapely.union_all(keep)
            report.notes.append(tr("geom.parts_kept", row=int(gdf.index[i]), type=names[i], layer=layer))
            mixed[i] = False
        elif wanted == "Point" and len(parts) == 1 and parts[0].geom_type == "Point":
            geoms[i] = parts[0]
            mixed[i] = False
        if not mixed[i] and _METRIC in gdf.columns:
            gdf = gdf.drop(columns=_METRIC)
    _reject(report, gdf.index[mixed], [tr("geom.wrong_type", type=n, layer=layer, wanted=wanted)
                                       for n in names[mixed]])
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return out[~mixed]


def _boundary(county: gpd.GeoDataFrame) -> shapely.Geometry:
    """The county in EPSG:4549: the store's boundary, else the bundled one."""
    if len(county):
        return shapely.union_all(county.to_crs(settings.METRIC_CRS).geometry.to_numpy())
    return shapely.union_all(gpd.read_file(settings.BOUNDARY_FILE).to_crs(settings.METRIC_CRS).geometry.to_numpy())


def _drop_outside(gdf: pd.DataFrame, key: str, county_m: shapely.Geometry,
                  report: ImportReport) -> pd.DataFrame:
    """List features just outside the county (within :data:`FAR_OUTSIDE_M`); reject those
    farther away (Beijing, 0/0, a pole: a wrong CRS or a typo, never a Jinyun parcel)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        return gdf
    zone_m = county_m.buffer(OUTSIDE_TOLERANCE_M)  # the tolerance in metres (EPSG:4549) ...
    zone = gpd.GeoSeries([zone_m], crs=settings.METRIC_CRS).to_crs(gdf.crs).iloc[0]  # ... tested in the data's CRS
    shapely.prepare(zone)
    geoms = gdf.geometry.to_numpy()
    # a feature without a place (an enterprise not located yet) is not outside
    outside = ~shapely.intersects(zone, geoms) & ~shapely.is_missing(geoms)
    dist = np.zeros(len(gdf))
    if outside.any():
        # geodesic-safe enough: the distance is only compared with kilometres of tolerance, and
        # a point the projection cannot take (a pole) is simply far
        with np.errstate(invalid="ignore"):
            metric = gdf.geometry[outside].to_crs(settings.METRIC_CRS).to_numpy()
            d = shapely.distance(zone_m, metric) + OUTSIDE_TOLERANCE_M
        dist[outside] = np.where(np.isfinite(d), d, np.inf)
    far = outside & (dist > FAR_OUTSIDE_M)
    for i in np.flatnonzero(outside):
        row, ident = int(gdf.index[i]), str(gdf[key].iloc[i])
        if far[i]:
            km = f"{dist[i] / 1000:.0f}" if np.isfinite(dist[i]) else "∞"
            report.rejected.append(Problem(report.file, row, tr("geom.far_outside", km=km,
                                                               limit=f"{FAR_OUTSIDE_M / 1000:.0f}"), ident))
        else:
            report.outside.append(Problem(report.file, row, tr("geom.outside", km=f"{dist[i] / 1000:.2f}"),
                                          ident))
    kept = ~far
    if kept.any() and outside[kept].all():
        report.notes.append(tr("geom.all_outside"))
    return gdf[~far]


def _derive_town(gdf: gpd.GeoDataFrame, towns: gpd.GeoDataFrame, report: ImportReport) -> gpd.GeoDataFrame:
    towns = towns[["town_code", "geometry"]].to_crs(settings.METRIC_CRS)
    if _METRIC in gdf.columns:
        centres = gpd.GeoSeries(shapely.centroid(gdf[_METRIC].to_numpy()), index=gdf.index, crs=settings.METRIC_CRS)
    else:
        centres = gpd.GeoSeries(shapely.centroid(gdf.geometry.to_numpy()), index=gdf.index, crs=gdf.crs)
    pts = gpd.GeoDataFrame(geometry=centres.to_crs(settings.METRIC_CRS))
    pts = pts[pts.geometry.notna()]  # no point, no nearest town: left empty
    nearest = gpd.sjoin_nearest(pts, towns, how="left")
    nearest = nearest[~nearest.index.duplicated()]
    gdf = gdf.copy()
    gdf["__town_code"] = nearest["town_code"].reindex(gdf.index)
    report.notes.append(tr("town.derived", n=len(pts)))
    return gdf


def _reject_duplicates(out: pd.DataFrame, keys: list[str], report: ImportReport) -> pd.DataFrame:
    """Keep the first row of each ID; reject and list the others."""
    dup = out.duplicated(keys, keep="first")
    if not dup.any():
        return out
    first = out[~dup].reset_index().set_index(keys)["index"]
    for row, key_values in zip(out.index[dup], out.loc[dup, keys].itertuples(index=False), strict=True):
        ident = ",".join(map(str, key_values))
        first_row = first.loc[tuple(key_values) if len(keys) > 1 else key_values[0]]
        message = tr("val.duplicate", id=ident, first=int(first_row))
        report.duplicates.append(Problem(report.file, int(row), message, ident))
        report.rejected.append(Problem(report.file, int(row), message, ident))
    return out[~dup]


def _measure(out: pd.DataFrame, ident: pd.Series, report: ImportReport) -> pd.DataFrame:
    """The area in mu of each polygon, and recorded-area mismatches."""
    if isinstance(out, gpd.GeoDataFrame) and out.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        if _METRIC in out.columns:
            area = pd.Series(shapely.area(out[_METRIC].to_numpy()) / units.M2_PER_MU, index=out.index)
        else:
            area = units.area_mu(out)
        report.area_mu = dict(zip(ident, area.round(3).tolist(), strict=True))
        if RECORDED_AREA in out.columns:
            _check_recorded_area(out[RECORDED_AREA], area, report)
    return out.drop(columns=[RECORDED_AREA, _METRIC], errors="ignore")


def schema_fields(layer: str) -> tuple[schema.Field, ...]:
    """The schema fields of ``layer`` (what the mapping fills)."""
    return schema.LAYERS[layer].fields


IMPORTABLE_LAYERS = tuple(n for n in schema.LAYERS if n not in ("meta", "audit", "targets", "county"))
"""Layers a file can be imported into."""


def plan_import(path: str | os.PathLike, into: store.Store | str | os.PathLike, *, layer: str,  # noqa: PLR0913 (the CLI flags)
                source_layer: str | None = None, crs=None, gcj02: bool | None = None,
                mapping: ColumnMapping | Mapping | None = None,
                max_bytes: int = MAX_UPLOAD_BYTES, max_unzipped: int = MAX_UNZIPPED_BYTES,
                create_enterprises: bool = False) -> ImportPlan:
    """Read ``path``, map and validate it against ``layer`` of the store ``into``; write nothing.

    The store is read once, at one version (a :class:`geo.store.Store`, or its
    location); every check after that works on frames.

    Returns
    -------
    ImportPlan
        ``plan.frame`` holds the valid rows in schema columns (EPSG:4490 for
        spatial layers); ``plan.report`` lists what would be added, updated,
        rejected (with file, row and reason), repaired and lies outside.

    Raises
    ------
    ImportRefusedError
        The whole file is refused (unreadable, unsafe, no CRS, not geodata, a
        required column missing, no valid row).

    ``create_enterprises`` (yearly figures only): rows naming no enterprise of the store, with
    a valid credit code, create the enterprise in the same write (``plan.enterprises``),
    located through the parcels it holds where their holder names it.
    """
    if layer not in IMPORTABLE_LAYERS:
        raise refuse("err.layer", layer=layer, layers=", ".join(IMPORTABLE_LAYERS))
    source = into if isinstance(into, store.Store) else store.Store(into)
    target = schema.LAYERS[layer]
    df, report = load(Path(path), layer=source_layer, max_bytes=max_bytes, max_unzipped=max_unzipped)
    report.layer = layer
    cm = merge_mapping(auto_mapping(df.columns, layer), mapping, df.columns)
    existing = source[layer]
    created: dict = {}
    if layer == "enterprise_figures":
        df = _resolve_enterprises(df, cm, source.enterprises, report,
                                  create=create_enterprises, created=created)
    if target.geometry:
        df = _fit_geometry_type(_geometry_of(df, cm, source, report, crs=crs, gcj02=gcj02),
                                layer, report)
        if "town_code" in target.field_names and "town_code" not in cm.columns and "town_code" not in cm.defaults:
            df = _derive_town(df, source.towns, report)
            cm.columns["town_code"] = "__town_code"
    elif isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    if layer == "parcels" and "lifecycle" not in cm.defaults:
        # a land-bureau file without a stage (or with empty cells) is not refused, nor does one
        # invented stage go on every parcel: they are 未核实 until someone verifies them
        cm.defaults["lifecycle"] = "unverified"
        if "lifecycle" not in cm.columns:
            report.notes.append(tr("note.lifecycle_unverified"))
    report.mapping = {k: v for k, v in cm.columns.items() if not v.startswith("__")}
    missing = [f.name for f in target.fields
               if f.required and f.name not in cm.columns and f.name not in cm.defaults]
    if missing:
        raise refuse("err.missing_columns", file=report.file, layer=layer,
                      fields=[FieldName(m) for m in missing],
                      columns=", ".join(str(c) for c in df.columns if not str(c).startswith("__")))
    out = _convert_attributes(df, layer, cm, report)
    _list_bad_codes(out, layer, report)
    keys = target.key.split(",")
    out = _reject_duplicates(out, keys, report)
    if out.empty and report.unmatched:  # say which rows and why, not "0 rejected"
        listed = [p.message for p in report.unmatched[:10]]
        raise refuse("err.nothing_matched", file=report.file, n=len(report.unmatched),
                     rejected=len(report.rejected), rows=listed)
    if out.empty:
        raise _nothing_valid(report)
    if layer == "land_sales":
        _list_unknown_parcels(out, source.parcels, report)
    out = _drop_outside(out, keys[0], _boundary(source.county), report)
    if out.empty:
        raise _nothing_valid(report)
    ident = _ident(out, keys)
    out = _measure(out, ident, report)
    old = set(_ident(existing, keys)) if len(existing) else set()
    is_update = ident.isin(old)
    _keep_stored(out, existing, ident, is_update, layer, cm)
    report.updated = ident[is_update].tolist()
    report.added = ident[~is_update].tolist()
    report.rejected.sort(key=lambda p: (p.row is None, p.row))
    kept = set(out["enterprise_id"]) if created else set()
    new = _new_enterprises({k: v for k, v in created.items() if k in kept}, source, report) if (
        kept & set(created)) else None
    return ImportPlan(source=source, layer=layer, frame=out, report=report, enterprises=new)


def _geometry_of(df: pd.DataFrame, cm: ColumnMapping, source: store.Store, report: ImportReport,
                 *, crs, gcj02: bool | None) -> gpd.GeoDataFrame:
    """The rows with their shapes in EPSG:4490: the file's own, or for a table without any the
    stored ones (an enterprise sheet: also the points of the parcels the enterprises hold)."""
    layer = report.layer
    if isinstance(df, gpd.GeoDataFrame):
        df = _drop_empty(df, report)
        df = _assign_crs(df, report, crs=crs, gcj02=gcj02)
        return _repair(df, report)
    if schema.LAYERS[layer].extra.get("nullable_geometry"):
        return _locate_rows(df, cm, source[layer], source.parcels, report)
    return _join_geometry(df, layer, cm, source[layer], report)


_CODE_FIELDS = {"enterprises": "uscc", "parcels": "holder_uscc"}


def _list_bad_codes(out: pd.DataFrame, layer: str, report: ImportReport) -> None:
    """Every row's credit code checked (GB 32100-2015); a wrong one is listed with its row and
    the import goes on (a wrong code joins nothing when locating)."""
    name = _CODE_FIELDS.get(layer)
    if name is None or name not in out.columns:
        return
    key = schema.LAYERS[layer].key
    for row, code, ident in zip(out.index, out[name], out[key], strict=True):
        if isinstance(code, str) and code.strip() and (problem := ids.uscc_problem(code)):
            report.uscc_errors.append(Problem(report.file, int(row), tr(
                "val.bad_uscc", code=code, problem=problem), str(ident)))


def _nothing_valid(report: ImportReport) -> ImportRefusedError:
    """No row to write, saying why for the first rows (a planner fixes the file from this)."""
    first = [tr("row_problem", row=p.row, problem=p.message) if p.row is not None else p.message
             for p in sorted(report.rejected, key=lambda p: (p.row is None, p.row))[:5]]
    return refuse("err.nothing_valid", file=report.file, n=len(report.rejected), rows=i18n.Joined(tuple(first)))


def _list_unknown_parcels(out: pd.DataFrame, parcels: pd.DataFrame, report: ImportReport) -> None:
    """A sale of a parcel not in the store is kept (the figures count its contract area) and
    listed as unmatched."""
    known = set(parcels["parcel_id"].astype(str))
    for row, pid, sid in zip(out.index, out["parcel_id"], out["sale_id"], strict=True):
        if str(pid) not in known:
            report.unmatched.append(Problem(report.file, int(row),
                                            tr("join.no_parcel", parcel=pid), str(sid)))


def _keep_stored(out: pd.DataFrame, existing: pd.DataFrame, ident: pd.Series,
                 is_update: pd.Series, layer: str, cm: ColumnMapping) -> None:
    """An update changes only what the file has: a column it lacks keeps the stored values,
    and a parcel's known stage is not made "unverified" by a file that gives none."""
    keys = schema.LAYERS[layer].key.split(",")
    absent = [f.name for f in schema.LAYERS[layer].fields if f.name not in cm.columns
              and f.name not in cm.defaults and f.name not in keys and f.name in existing]
    if absent and is_update.any():
        stored_rows = existing.assign(_id=_ident(existing, keys)).set_index("_id")
        for name in absent:
            out.loc[is_update, name] = ident[is_update].map(stored_rows[name]).to_numpy()
    if layer == "parcels" and len(existing):
        known = ident.map(existing.set_index("parcel_id")["lifecycle"])
        keep = is_update & (out["lifecycle"] == "unverified") & known.notna() & (
            known != "unverified")
        out.loc[keep, "lifecycle"] = known[keep]


def _check_recorded_area(recorded: pd.Series, area_mu: pd.Series, report: ImportReport) -> None:
    has = recorded.notna() & (recorded > 0)
    if not has.any():
        return
    mapped = area_mu[has] * units.M2_PER_MU
    off = (mapped - recorded[has]).abs() / recorded[has] > RECORDED_AREA_TOLERANCE
    if off.any():
        rows = ", ".join(str(r) for r in recorded.index[has][off.to_numpy()][:20])
        report.notes.append(tr("val.recorded_area", n=int(off.sum()), pct=int(RECORDED_AREA_TOLERANCE * 100),
                               rows=rows))


def merged_layer(plan: ImportPlan, existing: pd.DataFrame) -> pd.DataFrame:
    """The layer after the import: existing rows not in the file, then the file's rows."""
    keys = schema.LAYERS[plan.layer].key.split(",")
    new_ids = set(_ident(plan.frame, keys))
    keep = existing[~_ident(existing, keys).isin(new_ids)] if len(existing) else existing
    frame = plan.frame
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.to_crs(existing.crs or settings.STORAGE_CRS)
    merged = pd.concat([keep, frame], ignore_index=True)
    if isinstance(frame, gpd.GeoDataFrame):
        merged = gpd.GeoDataFrame(merged, geometry="geometry", crs=frame.crs)
    return merged


def _history_text(value) -> str | None:
    """A value as the history records it (dates as days, whole numbers without ``.0``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def import_history(plan: ImportPlan, existing: pd.DataFrame, *, user: str, at: str,
                   effective: dt.date, start_id: int) -> pd.DataFrame:
    """The history rows an import writes, as an edit does: for each updated feature, one row
    per changed field (old and new value); for each added feature, one row (field ``*``).
    Every row names the batch (the file, with its counts). Geometry is not compared."""
    layer = schema.LAYERS[plan.layer]
    keys = layer.key.split(",")
    batch = (f"{plan.report.file} · +{len(plan.report.added)} "
             f"~{len(plan.report.updated)}")
    new_ids = _ident(plan.frame, keys).to_numpy()
    old = existing.assign(__id=_ident(existing, keys).to_numpy()) if len(existing) else None
    old = old.drop_duplicates("__id").set_index("__id") if old is not None else pd.DataFrame()
    matched = pd.Series(new_ids).isin(old.index).to_numpy()
    records: list[tuple] = []
    for fid in new_ids[~matched]:
        records.append((fid, "*", None, "added"))
    if matched.any():
        new_m = plan.frame.iloc[np.flatnonzero(matched)]
        old_m = old.loc[new_ids[matched]]
        for f in layer.field_names:
            if f in keys or f not in new_m.columns or f not in old_m.columns:
                continue
            a = [_history_text(v) for v in old_m[f].to_numpy()]
            b = [_history_text(v) for v in new_m[f].to_numpy()]
            records += [(fid, f, x, y) for fid, x, y in zip(new_ids[matched], a, b, strict=True)
                        if x != y]
    return pd.DataFrame({
        "audit_id": np.arange(start_id, start_id + len(records), dtype="int64"),
        "at": at, "user": user, "layer": plan.layer,
        "feature_id": [str(r[0]) for r in records], "field": [r[1] for r in records],
        "old_value": [r[2] for r in records], "new_value": [r[3] for r in records],
        "effective": pd.Timestamp(effective), "batch": batch,
    })


def apply_import(plan: ImportPlan, *, user=None, effective: dt.date | None = None,
                 now: dt.datetime | None = None) -> ImportReport:
    """Write the planned rows and their history (:func:`import_history`) in one atomic
    :func:`geo.store.replace_layers`; the store is untouched on failure, and the write is
    refused when the store changed since the check. ``effective``: the day the imported values
    took effect (default: today), so that the as-of views of earlier days keep the old ones."""
    from geo import edits

    if plan.source.changed():
        raise refuse("err.store_changed", store=plan.source.name)
    from geo import accounts

    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    if user is None or (isinstance(user, str) and not user.strip()):
        user = getpass.getuser() if not accounts.has_accounts(plan.source) else ""
    # an editor imports within their towns only: every row the import writes is checked
    who = accounts.authorise(plan.source, user, "import", layer=plan.layer,
                             frame=plan.frame).name
    day = edits.validate_effective(plan.layer, "*", effective, now)
    existing = plan.source[plan.layer]
    audit = plan.source.audit
    start = int(pd.to_numeric(audit["audit_id"]).max()) + 1 if len(audit) else 1
    rows = import_history(plan, existing, user=who, at=edits.utc_stamp(now), effective=day,
                          start_id=start)
    layers = {plan.layer: merged_layer(plan, existing)}
    if plan.enterprises is not None and len(plan.enterprises):
        # the enterprises the figures name are written with them, or neither is
        accounts.authorise(plan.source, user, "import", layer="enterprises",
                           frame=plan.enterprises)
        created = ImportPlan(source=plan.source, layer="enterprises", frame=plan.enterprises,
                             report=plan.report)
        ents = plan.source.enterprises
        rows = pd.concat([rows, import_history(
            created, ents, user=who, at=edits.utc_stamp(now), effective=day,
            start_id=start + len(rows))], ignore_index=True)
        layers["enterprises"] = merged_layer(created, ents)
    history = pd.concat([audit, rows], ignore_index=True) if len(audit) else rows
    plan.source.replace_layers({**layers, "audit": history})
    plan.report.written = True
    accounts.log_action(plan.source.location, who, "import",
                        f"{plan.report.file} -> {plan.layer}: {len(plan.report.added)} added, "
                        f"{len(plan.report.updated)} updated")
    logger.info("imported %s into %s/%s: %d added, %d updated", plan.report.file, plan.store, plan.layer,
                len(plan.report.added), len(plan.report.updated))
    return plan.report

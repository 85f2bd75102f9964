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
sheet's row numbers (the header is row 1). Messages are in ``lang``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from geo import gcj02 as _gcj02
from geo import i18n, ids, schema, settings, store, units
from geo.errors import PlannerError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest file accepted (Streamlit's default upload limit)."""
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
"""Largest total size a zip/KMZ may expand to (zip-bomb guard)."""
OUTSIDE_TOLERANCE_M = 500.0
"""Features farther than this from the county boundary are listed as outside."""
MAPPINGS_DIR = settings.DATA_DIR / "mappings"

VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml")
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")
SUPPORTED_SUFFIXES = (".zip", ".kmz", *VECTOR_SUFFIXES, *TABLE_SUFFIXES)

# CRS candidates proposed when a file has none, best first when several fit.
CANDIDATE_CRS = ("EPSG:4490", "EPSG:4549", "EPSG:4528", "EPSG:4498", "EPSG:4509", "EPSG:4499", "EPSG:4510")
_COUNTY_BBOX = (119.87, 28.41, 120.42, 28.95)
_METRIC = "__metric"  # the file's own EPSG:4549 geometries, kept while planning when it has them
_CANDIDATE_MARGIN_DEG = 0.5


class ImportRefusedError(PlannerError):
    """The file cannot be imported at all (unreadable, unsafe, empty, not geodata, ...)."""


class CRSUnknownError(ImportRefusedError):
    """The file has no CRS; ``candidates`` lists the plausible ones, best first."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


def _t(key: str, lang: str, **fmt: object) -> str:
    return i18n.t(f"import.{key}", lang, **fmt)


def _refuse(key: str, lang: str, **fmt: object) -> ImportRefusedError:
    return ImportRefusedError(_t(key, lang, **fmt))


@dataclass
class Problem:
    """One row-level finding: which file and row, the feature's ID if known, and what."""

    file: str
    row: int | None
    message: str
    id: str | None = None

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        where = _t("row", lang, file=self.file, row=self.row) if self.row is not None else self.file
        ident = f" [{self.id}]" if self.id else ""
        return f"{where}{ident}: {self.message}"


@dataclass
class ImportReport:
    """Everything known about one import, before and after the write."""

    file: str
    format: str = ""
    source_layer: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs_file: str | None = None
    crs_used: str | None = None
    crs_candidates: list[str] = field(default_factory=list)
    gcj02: bool = False
    rows_read: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    outside: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    area_mu: dict[str, float] = field(default_factory=dict)
    written: bool = False

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (the ``--json`` output)."""
        return asdict(self)

    def lines(self, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        """The report as text lines for the command line."""
        out = [_t("rep.file", lang, file=self.file, format=self.format, layer=self.layer or "-"),
               _t("rep.crs", lang, crs=self.crs_used or "-", file_crs=self.crs_file or "-",
                  gcj=i18n.bool_label(self.gcj02, lang)),
               _t("rep.counts", lang, read=self.rows_read, add=len(self.added), update=len(self.updated),
                  reject=len(self.rejected), repaired=len(self.repaired), outside=len(self.outside))]
        if self.encoding:
            out.append(_t("rep.encoding", lang, encoding=self.encoding))
        out += [f"  {note}" for note in self.notes]
        for key, items in (("rep.rejected", self.rejected), ("rep.repaired", self.repaired),
                           ("rep.duplicates", self.duplicates), ("rep.outside", self.outside),
                           ("rep.unmatched", self.unmatched)):
            if items:
                out.append(_t(key, lang, n=len(items)))
                out += [f"  - {p.text(lang)}" for p in items]
        if self.written:
            out.append(_t("rep.written", lang))
        return out


# --------------------------------------------------------------------------- opening files

def _check_size(path: Path, max_bytes: int, lang: str) -> None:
    if not path.exists():
        raise _refuse("err.not_found", lang, file=path.name)
    size = path.stat().st_size
    if size == 0:
        raise _refuse("err.empty", lang, file=path.name)
    if size > max_bytes:
        raise _refuse("err.too_large", lang, file=path.name, size_mb=f"{size / 2**20:.1f}",
                      limit_mb=f"{max_bytes / 2**20:.0f}")


def _safe_extract(archive: Path, target: Path, *, max_unzipped: int, lang: str) -> list[Path]:
    """Extract ``archive`` into ``target`` only: refuse absolute or ``..`` paths and zip bombs."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse("err.bad_zip", lang, file=archive.name, detail=str(exc)) from exc
    root = target.resolve()
    out: list[Path] = []
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        for m in members:
            dest = (root / m.filename).resolve()
            if Path(m.filename).is_absolute() or ".." in Path(m.filename).parts or root not in dest.parents:
                raise _refuse("err.zip_path", lang, file=archive.name, member=m.filename)
        if sum(m.file_size for m in members) > max_unzipped:
            raise _refuse("err.zip_bomb", lang, file=archive.name, limit_mb=f"{max_unzipped / 2**20:.0f}")
        written = 0
        for m in members:
            dest = (root / m.filename).resolve()
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(m) as src, dest.open("wb") as dst:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        # Declared sizes can lie: count what actually comes out.
                        if written > max_unzipped:
                            raise _refuse("err.zip_bomb", lang, file=archive.name,
                                          limit_mb=f"{max_unzipped / 2**20:.0f}")
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib_error(), EOFError) as exc:
                raise _refuse("err.bad_zip", lang, file=archive.name, detail=str(exc)) from exc
            out.append(dest)
    return out


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


@contextlib.contextmanager
def _opened(path: Path, *, layer: str | None, max_unzipped: int, lang: str) -> Iterator[tuple[Path, str]]:
    """Yield the dataset file to read (inside a temp folder for zip/KMZ) and its display name."""
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".kmz"):
        yield path, path.name
        return
    tmp = Path(tempfile.mkdtemp(prefix="jinyun-import-"))
    try:
        files = _safe_extract(path, tmp, max_unzipped=max_unzipped, lang=lang)
        wanted = (".kml",) if suffix == ".kmz" else (*VECTOR_SUFFIXES, *TABLE_SUFFIXES)
        found = [f for f in files if f.suffix.lower() in wanted and not f.name.startswith(".")
                 and "__MACOSX" not in f.parts]
        if layer and len(found) > 1:
            found = [f for f in found if f.stem == layer or f.name == layer] or found
        if not found:
            raise _refuse("err.zip_no_data", lang, file=path.name,
                          members=", ".join(sorted(f.name for f in files)) or "-")
        if len(found) > 1:
            raise _refuse("err.zip_many", lang, file=path.name,
                          members=", ".join(sorted(f.stem for f in found)))
        yield found[0], f"{path.name}/{found[0].relative_to(tmp)}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def list_sources(path: str | os.PathLike, *, lang: str = i18n.DEFAULT_LANG,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> list[str]:
    """Layers (GeoPackage), sheets (XLSX) or datasets (zip) inside ``path``; ``[]`` for single files."""
    path = Path(path)
    _check_size(path, max_bytes, lang)
    suffix = path.suffix.lower()
    try:
        if suffix == ".gpkg":
            return [name for name, _ in pyogrio.list_layers(path)]
        if suffix in (".xlsx", ".xls"):
            return list(pd.ExcelFile(path).sheet_names)
        if suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [Path(n) for n in zf.namelist()]
            return sorted(n.stem for n in names
                          if n.suffix.lower() in (*VECTOR_SUFFIXES, *TABLE_SUFFIXES) and "__MACOSX" not in n.parts)
    except (zipfile.BadZipFile, pyogrio.errors.DataSourceError, ValueError, OSError) as exc:
        raise _refuse("err.unreadable", lang, file=path.name, detail=str(exc)) from exc
    return []


# --------------------------------------------------------------------------- readers

def _dbf_encoding(shp: Path, lang: str) -> tuple[str, str]:
    """The DBF's encoding and how it was found: from ``.cpg``, else detected (UTF-8 or GB18030)."""
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            raw = cpg.read_text(encoding="ascii", errors="ignore").strip().upper()
            name = {"936": "GBK", "CP936": "GBK", "65001": "UTF-8", "UTF8": "UTF-8"}.get(raw, raw or "UTF-8")
            return name, _t("enc.cpg", lang, encoding=name)
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        return "UTF-8", ""
    data = dbf.read_bytes()
    body = data[32:]  # field names and records: either may hold Chinese
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030", _t("enc.detected", lang, encoding="GB18030")
    return "UTF-8", _t("enc.detected", lang, encoding="UTF-8")


def _read_vector(path: Path, name: str, layer: str | None, report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    kwargs: dict = {}
    if suffix == ".shp":
        for part in (".shx", ".dbf"):
            if not (path.with_suffix(part).exists() or path.with_suffix(part.upper()).exists()):
                raise _refuse("err.shp_part", lang, file=name, part=part)
        encoding, note = _dbf_encoding(path, lang)
        report.encoding = encoding
        if note:
            report.notes.append(note)
        kwargs["encoding"] = encoding
    try:
        layers = [n for n, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise _refuse("err.unreadable", lang, file=name, detail=str(exc)) from exc
    if suffix == ".gpkg":
        if layer is None and len(layers) > 1:
            raise _refuse("err.choose_layer", lang, file=name, layers=", ".join(layers))
        if layer is not None and layer not in layers:
            raise _refuse("err.no_such_layer", lang, file=name, layer=layer, layers=", ".join(layers))
        chosen = [layer or layers[0]]
    elif suffix == ".kml":
        chosen = layers  # every folder of the KML
    else:
        chosen = [None]
    frames = []
    try:
        for lyr in chosen:
            frames.append(pyogrio.read_dataframe(path, layer=lyr, use_arrow=True, **kwargs))
    except UnicodeDecodeError as exc:
        raise _refuse("err.encoding", lang, file=name, encoding=kwargs.get("encoding", "UTF-8"),
                      detail=str(exc)) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, RuntimeError) as exc:
        raise _refuse("err.unreadable", lang, file=name, detail=str(exc)) from exc
    report.source_layer = ", ".join(str(c) for c in chosen if c) or None
    frames = [f for f in frames if len(f)]
    if not frames:
        key = "err.kml_empty" if suffix == ".kml" else "err.no_rows"
        raise _refuse(key, lang, file=name)
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _read_csv(path: Path, name: str, report: ImportReport, lang: str) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        report.encoding = "UTF-8" if encoding == "utf-8-sig" else "GB18030"
        break
    else:
        raise _refuse("err.unreadable", lang, file=name, detail="encoding")
    import io

    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                           sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv_error()) as exc:
        raise _refuse("err.unreadable", lang, file=name, detail=str(exc)) from exc


def csv_error() -> type[Exception]:
    import csv

    return csv.Error


def _read_table(path: Path, name: str, layer: str | None, report: ImportReport, lang: str) -> pd.DataFrame:
    if path.suffix.lower() in (".csv", ".txt"):
        df = _read_csv(path, name, report, lang)
    else:
        try:
            book = pd.ExcelFile(path)
            sheet = layer if layer is not None else book.sheet_names[0]
            if sheet not in book.sheet_names:
                raise _refuse("err.no_such_layer", lang, file=name, layer=sheet,
                              layers=", ".join(book.sheet_names))
            df = book.parse(sheet, dtype=object)
            report.source_layer = sheet
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise _refuse("err.unreadable", lang, file=name, detail=str(exc)) from exc
    df.columns = [str(c).strip() for c in df.columns]
    df = df.dropna(how="all")
    if df.empty:
        raise _refuse("err.no_rows", lang, file=name)
    df.index = df.index + 2  # sheet row numbers: the header is row 1
    return df


_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "point_x")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "y坐标", "point_y")
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "坐标串")


def _find_column(columns, names) -> str | None:
    norm = {_norm(c): c for c in columns}
    return next((norm[n] for n in names if n in norm), None)


def _table_geometry(df: pd.DataFrame, name: str, report: ImportReport, lang: str) -> gpd.GeoDataFrame | None:
    """Points from longitude/latitude columns or shapes from a WKT column; None when neither."""
    lon, lat = _find_column(df.columns, _LON_NAMES), _find_column(df.columns, _LAT_NAMES)
    wkt = _find_column(df.columns, _WKT_NAMES)
    if lon and lat:
        x = pd.to_numeric(df[lon], errors="coerce")
        y = pd.to_numeric(df[lat], errors="coerce")
        bad = x.isna() | y.isna()
        for row in df.index[bad]:
            report.rejected.append(Problem(name, int(row), _t("err.bad_xy", lang, lon=lon, lat=lat,
                                                              x=df.at[row, lon], y=df.at[row, lat])))
        geoms = gpd.points_from_xy(x.where(~bad, 0), y.where(~bad, 0))
        geoms[bad.to_numpy()] = None
        report.notes.append(_t("geom.xy", lang, lon=lon, lat=lat))
        return gpd.GeoDataFrame(df.drop(columns=[lon, lat]), geometry=geoms, crs=None)
    if wkt:
        geoms = []
        for row, text in df[wkt].items():
            try:
                geoms.append(shapely.from_wkt(str(text)) if pd.notna(text) else None)
            except shapely.errors.GEOSException as exc:
                report.rejected.append(Problem(name, int(row), _t("err.bad_wkt", lang, column=wkt, detail=str(exc))))
                geoms.append(None)
        report.notes.append(_t("geom.wkt", lang, column=wkt))
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geoms, crs=None)
    return None


def _load(path: Path, *, layer: str | None, lang: str, max_bytes: int,
          max_unzipped: int) -> tuple[pd.DataFrame, ImportReport]:
    """Read ``path`` as it is: a GeoDataFrame (maybe without CRS) or, for tables without geometry, a DataFrame."""
    path = Path(path)
    report = ImportReport(file=path.name)
    _check_size(path, max_bytes, lang)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise _refuse("err.format", lang, file=path.name, suffixes=" ".join(SUPPORTED_SUFFIXES))
    with _opened(path, layer=layer, max_unzipped=max_unzipped, lang=lang) as (inner, name):
        suffix = inner.suffix.lower()
        report.format = {".shp": "Shapefile", ".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON",
                         ".kml": "KML", ".csv": "CSV", ".txt": "CSV", ".xlsx": "XLSX", ".xls": "XLS"}[suffix]
        if path.suffix.lower() == ".zip":
            report.format = f"zip/{report.format}"
        elif path.suffix.lower() == ".kmz":
            report.format = "KMZ"
        if inner.stat().st_size == 0:
            raise _refuse("err.empty", lang, file=name)
        if suffix in TABLE_SUFFIXES:
            df = _read_table(inner, name, layer, report, lang)
            gdf = _table_geometry(df, name, report, lang)
            out: pd.DataFrame = gdf if gdf is not None else df
        else:
            out = _read_vector(inner, name, layer, report, lang)
            out.index = out.index + 1  # feature numbers
    report.file = path.name if path.suffix.lower() not in (".zip", ".kmz") else name
    report.rows_read = len(out)
    return out, report


@dataclass
class SourceInfo:
    """What the page shows before a check: the first rows, the file's CRS, the CRS candidates."""

    head: pd.DataFrame
    columns: list[str]
    crs: str | None
    candidates: list[str]
    rows: int


def inspect(path: str | os.PathLike, *, layer: str | None = None, rows: int = 5, lang: str = i18n.DEFAULT_LANG,
            max_bytes: int = MAX_UPLOAD_BYTES, max_unzipped: int = MAX_UNZIPPED_BYTES) -> SourceInfo:
    """Read ``path`` once: its first rows (geometry shown as its type), columns, CRS and CRS candidates."""
    df, _ = _load(Path(path), layer=layer, lang=lang, max_bytes=max_bytes, max_unzipped=max_unzipped)
    head = pd.DataFrame(df.head(rows)).copy()
    crs, candidates = None, []
    columns = [str(c) for c in df.columns]
    if isinstance(df, gpd.GeoDataFrame):
        name = df.geometry.name
        head[name] = df.geometry.head(rows).geom_type
        columns.remove(name)
        crs = df.crs.to_string() if df.crs is not None else None
        bounds = _bounds(df.geometry)
        if crs is None and bounds is not None:
            candidates = crs_candidates(bounds)
    return SourceInfo(head=head, columns=columns, crs=crs, candidates=candidates, rows=len(df))


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


def _assign_crs(gdf: gpd.GeoDataFrame, report: ImportReport, *, crs, gcj02: bool, lang: str) -> gpd.GeoDataFrame:
    """Give ``gdf`` its CRS (file, caller, or refuse with candidates) and bring it to EPSG:4490."""
    bounds = _bounds(gdf.geometry)
    report.crs_file = gdf.crs.to_string() if gdf.crs is not None else None
    if bounds is None:
        raise _refuse("err.no_geometry", lang, file=report.file)
    if crs is not None:
        chosen = CRS.from_user_input(crs)
        if gdf.crs is not None and CRS.from_user_input(gdf.crs) != chosen:
            report.notes.append(_t("crs.override", lang, file_crs=report.crs_file, crs=chosen.to_string()))
        gdf = gdf.set_crs(chosen, allow_override=True)
    elif gdf.crs is None:
        if _swapped(bounds, geographic=True) or _swapped(bounds, geographic=False):
            raise _refuse("err.swapped", lang, file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                          y=f"{bounds[1]:.4f}…{bounds[3]:.4f}")
        report.crs_candidates = crs_candidates(bounds)
        if report.crs_candidates == ["EPSG:4490"]:
            gdf = gdf.set_crs(settings.STORAGE_CRS)
            report.notes.append(_t("crs.assumed_degrees", lang))
        else:
            msg = _t("err.no_crs", lang, file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                     y=f"{bounds[1]:.4f}…{bounds[3]:.4f}",
                     candidates=", ".join(report.crs_candidates) or _t("crs.none_fits", lang))
            raise CRSUnknownError(msg, report.crs_candidates)
    geographic = gdf.crs.is_geographic
    if _swapped(bounds, geographic=geographic):
        raise _refuse("err.swapped", lang, file=report.file, x=f"{bounds[0]:.4f}…{bounds[2]:.4f}",
                      y=f"{bounds[1]:.4f}…{bounds[3]:.4f}")
    report.crs_used = gdf.crs.to_string()
    out = gdf.to_crs(settings.STORAGE_CRS)
    if not gcj02 and CRS.from_user_input(gdf.crs) == CRS.from_user_input(settings.METRIC_CRS):
        # keep the metric geometries: areas and nearest towns need no transform back
        out[_METRIC] = gpd.GeoSeries(gdf.geometry.to_numpy(), index=gdf.index, crs=settings.METRIC_CRS)
    if gcj02:
        report.gcj02 = True
        out = out.set_geometry(_gcj02.transform_geometries(out.geometry.to_numpy(), inverse=True),
                               crs=settings.STORAGE_CRS)
        report.notes.append(_t("crs.gcj02", lang))
    lon0, lat0, lon1, lat1 = out.total_bounds
    if not (np.isfinite([lon0, lat0, lon1, lat1]).all() and -180 <= lon0 <= lon1 <= 180 and -90 <= lat0 <= lat1 <= 90):
        raise _refuse("err.bad_coords", lang, file=report.file, crs=report.crs_used)
    return out


def read_features(path: str | os.PathLike, *, layer: str | None = None, crs=None, gcj02: bool = False,
                  lang: str = i18n.DEFAULT_LANG, max_bytes: int = MAX_UPLOAD_BYTES,
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
        The coordinates are GCJ-02 (digitised on AMap/Gaode or Tencent maps).

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
    df, report = _load(Path(path), layer=layer, lang=lang, max_bytes=max_bytes, max_unzipped=max_unzipped)
    if not isinstance(df, gpd.GeoDataFrame):
        raise _refuse("err.not_geodata", lang, file=report.file, columns=", ".join(map(str, df.columns)))
    gdf = _drop_empty(df, report, lang)
    gdf = _assign_crs(gdf, report, crs=crs, gcj02=gcj02, lang=lang)
    gdf = _repair(gdf, report, lang)
    return gdf.drop(columns=_METRIC, errors="ignore"), report


def _drop_empty(gdf: gpd.GeoDataFrame, report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    already = {p.row for p in report.rejected}
    for row in gdf.index[empty]:
        if int(row) not in already:
            report.rejected.append(Problem(report.file, int(row), _t("err.empty_geometry", lang)))
    out = gdf[~empty]
    if out.empty:
        raise _refuse("err.no_geometry", lang, file=report.file)
    return out


def _repair(gdf: gpd.GeoDataFrame, report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    """Drop Z, repair invalid geometries with ``make_valid`` and list each repair."""
    geoms = gdf.geometry.to_numpy()
    has_z = shapely.has_z(geoms)
    if has_z.any():
        geoms = shapely.force_2d(geoms)
        report.notes.append(_t("geom.z_dropped", lang, n=int(has_z.sum())))
    invalid = ~shapely.is_valid(geoms)
    if (has_z.any() or invalid.any()) and _METRIC in gdf.columns:
        gdf = gdf.drop(columns=_METRIC)
    if invalid.any():
        reasons = shapely.is_valid_reason(geoms[invalid])
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])
        for row, reason in zip(gdf.index[invalid], reasons, strict=True):
            report.repaired.append(Problem(report.file, int(row), _t("geom.repaired", lang, reason=reason)))
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))


def _norm(name) -> str:
    text = re.sub(r"[（(【\[].*?[)）】\]]", "", str(name))
    return re.sub(r"[\s_\-·.]", "", text).lower()


# --------------------------------------------------------------------------- columns, units, values

# Schema field -> column names recognised in the county's files (after _norm: no brackets, spaces, case).
# The first alias is the field's Chinese label in messages.
ALIASES: dict[str, tuple[str, ...]] = {
    "parcel_id": ("宗地编号", "宗地代码", "宗地号", "地块编号", "地块代码", "zdbh", "zddm", "dkbh"),
    "town_code": ("乡镇代码", "乡镇编码", "街道代码", "所在乡镇代码", "xzqdm"),
    "platform_id": ("平台编号", "平台代码"),
    "park_id": ("园区编号", "小微园编号", "园区代码"),
    "land_use": ("土地用途", "用途", "地类", "tdyt"),
    "lifecycle": ("供地状态", "用地状态", "阶段", "状态"),
    "approved_year": ("批准年份", "批复年份", "批准年度", "pznf"),
    "plot_ratio": ("容积率", "rjl"),
    "floor_area_m2": ("建筑面积", "总建筑面积", "jzmj"),
    "enterprise_id": ("企业编号", "企业代码"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "tyshxydm"),
    "name": ("企业名称", "单位名称", "纳税人名称", "名称"),
    "industry": ("行业", "所属行业", "产业"),
    "above_scale": ("规上企业", "是否规上", "规上"),
    "specialised": ("专精特新", "是否专精特新"),
    "land_area_mu": ("用地面积", "占地面积"),
    "year": ("年份", "年度", "统计年度"),
    "tax_10k": ("税收", "实缴税金", "实缴税收", "税收收入", "纳税额"),
    "value_added_10k": ("增加值", "工业增加值"),
    "revenue_10k": ("营业收入", "销售收入", "主营业务收入"),
    "energy_tce": ("能耗", "综合能耗", "能源消费量"),
    "employees": ("从业人员", "职工人数", "员工数", "年平均职工人数"),
    "rnd_10k": ("研发投入", "研发经费"),
    "name_zh": ("名称", "中文名称", "园区名称"),
    "name_en": ("英文名称",),
    "status": ("状态", "建设状态"),
    "industry_theme": ("主导产业", "产业主题"),
    "planned_area_mu": ("规划面积", "规划用地", "规划占地"),
    "sale_id": ("电子监管号", "合同编号"),
    "sale_date": ("成交日期", "签订日期", "出让日期"),
    "method": ("供应方式", "出让方式"),
    "buyer": ("竞得单位", "受让人", "受让单位"),
    "price_10k_yuan": ("成交价格", "出让价款", "成交价"),
    "contract_area_m2": ("出让面积", "合同面积"),
    "case_id": ("案例编号", "项目编号"),
    "constraint_id": ("约束编号",),
    "kind": ("类型", "种类"),
    "road_id": ("道路编号",),
    "road_class": ("道路等级",),
}
RECORDED_AREA = "recorded_area_m2"
"""Pseudo-field for 宗地面积 of parcels: not stored (areas come from geometry), compared with it."""
ALIASES[RECORDED_AREA] = ("宗地面积", "土地面积", "zdmj")
_RECORDED_AREA_TOLERANCE = 0.10

ENUM_ALIASES: dict[str, dict[str, str]] = {
    "land_use": {"工业": "industrial", "工业用地": "industrial", "仓储": "warehouse", "仓储用地": "warehouse",
                 "物流仓储用地": "warehouse", "改变用途": "changed", "已改变用途": "changed"},
    "lifecycle": {"批": "approved", "已批": "approved", "供": "supplied", "已供": "supplied", "用": "in_use",
                  "在用": "in_use", "动工": "in_use", "建": "built", "已建": "built", "投": "producing",
                  "已投": "producing", "投产": "producing", "达": "meeting", "达标": "meeting"},
    "sale_method": {"拍卖出让": "auction", "挂牌出让": "listing", "招标出让": "tender"},
}
_TRUE = {"是", "true", "1", "y", "yes", "√", "t"}
_FALSE = {"否", "false", "0", "n", "no", "×", "f", ""}
_AREA_UNITS = {"亩": "亩", "mu": "亩", "公顷": "公顷", "ha": "公顷", "平方米": "平方米", "㎡": "平方米", "m2": "平方米",
               "m²": "平方米"}
_MONEY_UNITS = {"万元": "万元", "元": "元"}
_UNIT_OF_SCHEMA = {"m2": "平方米", "mu": "亩", "10k_yuan": "万元", "10k_yuan/mu": "万元"}
# Accepted ranges beyond "not negative" for fields with a unit.
RANGES: dict[str, tuple[float, float]] = {
    "plot_ratio": (0.0, 20.0), "occupancy_pct": (0.0, 100.0), "star_rating": (0, 5),
    "approved_year": (1949, 2100), "year": (1949, 2100), "identified_year": (1949, 2100),
}


def field_label(name: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """How a field is named in messages: its Chinese alias in ``zh``, its schema name in ``en``."""
    if lang == "zh" and name in ALIASES:
        return f"{ALIASES[name][0]}({name})"
    return name


@dataclass
class ColumnMapping:
    """How a file's columns map onto a layer: saved and reloaded as a JSON preset.

    ``columns``: schema field -> source column; ``units``: schema field -> unit
    of the source column (亩/公顷/平方米, 元/万元); ``values``: schema field ->
    {source value: code}; ``defaults``: schema field -> value used where the
    file has none.
    """

    layer: str
    columns: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)
    name: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Mapping) -> ColumnMapping:
        known = {k: data[k] for k in ("layer", "columns", "units", "values", "defaults", "name") if k in data}
        return cls(**known)


def _unit_in_header(header: str) -> str | None:
    inside = re.findall(r"[（(【\[]\s*(.*?)\s*[)）】\]]", str(header))
    for text in [*inside, str(header)]:
        key = text.strip().lower()
        if key in _AREA_UNITS:
            return _AREA_UNITS[key]
        if key in _MONEY_UNITS:
            return _MONEY_UNITS[key]
    for suffix, unit in (("万元", "万元"), ("公顷", "公顷"), ("平方米", "平方米"), ("亩", "亩")):
        if str(header).strip().endswith(suffix):
            return unit
    return None


def layer_fields(layer: str) -> list[str]:
    """Fields of ``layer`` a file may fill (schema fields plus the recorded area of parcels)."""
    names = schema.LAYERS[layer].field_names
    if layer == "parcels":
        return [*names, RECORDED_AREA]
    if layer == "enterprise_figures":
        return [*names, "uscc", "name"]  # to find the enterprise_id
    return names


def auto_mapping(columns, layer: str) -> ColumnMapping:
    """Guess the mapping of ``columns`` onto ``layer`` from field names and Chinese aliases."""
    mapping = ColumnMapping(layer=layer)
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(_norm(col), str(col))
    taken: set[str] = set()
    fields = layer_fields(layer)
    # exact field names first, then aliases in order, so 名称 goes to name_zh only when no better column exists
    # Shapefiles (DBF) cut field names to 10 characters: approved_year -> approved_y.
    for pass_names in (lambda f: (f,), lambda f: ALIASES.get(f, ()), lambda f: (f[:10],)):
        for f in fields:
            if f in mapping.columns:
                continue
            for alias in pass_names(f):
                col = by_norm.get(_norm(alias))
                if col is not None and col not in taken:
                    mapping.columns[f] = col
                    taken.add(col)
                    unit = _unit_in_header(col)
                    if unit:
                        mapping.units[f] = unit
                    break
    return mapping


def merge_mapping(auto: ColumnMapping, preset: ColumnMapping | Mapping | None, columns) -> ColumnMapping:
    """``preset`` over ``auto``: the preset's columns win where the file has them."""
    if preset is None:
        return auto
    if not isinstance(preset, ColumnMapping):
        preset = ColumnMapping.from_dict({"layer": auto.layer, **preset})
    present = set(map(str, columns))
    out = ColumnMapping(layer=auto.layer, columns=dict(auto.columns), units=dict(auto.units),
                        values={**auto.values, **preset.values}, defaults={**auto.defaults, **preset.defaults},
                        name=preset.name)
    for f, col in preset.columns.items():
        if col in present:
            for other, c in list(out.columns.items()):
                if c == col and other != f:
                    del out.columns[other]
            out.columns[f] = col
            if col not in auto.columns.values() or f not in preset.units:
                unit = _unit_in_header(col)
                if unit:
                    out.units[f] = unit
    out.units.update(preset.units)
    return out


def list_presets(directory: str | os.PathLike = MAPPINGS_DIR) -> list[str]:
    """Names of the saved mapping presets (JSON files in ``directory``)."""
    return sorted(p.stem for p in Path(directory).glob("*.json"))


def load_preset(name_or_path: str | os.PathLike, *, directory: str | os.PathLike = MAPPINGS_DIR,
                lang: str = i18n.DEFAULT_LANG) -> ColumnMapping:
    """A preset by name (in ``directory``) or by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = Path(directory) / f"{path}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise _refuse("err.preset", lang, preset=str(name_or_path), detail=str(exc),
                      presets=", ".join(list_presets(directory)) or "-") from exc
    mapping = ColumnMapping.from_dict(data)
    mapping.name = mapping.name or path.stem
    return mapping


def save_preset(mapping: ColumnMapping, name: str, *, directory: str | os.PathLike = MAPPINGS_DIR) -> Path:
    """Save ``mapping`` as ``<directory>/<name>.json`` (written whole or not at all)."""
    if not re.fullmatch(r"[\w\-\u4e00-\u9fff]+", name):
        msg = f"Preset name {name!r}: use letters, digits, Chinese characters, '-' or '_' only."
        raise ImportRefusedError(msg)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    mapping.name = name
    target = directory / f"{name}.json"
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".json.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(mapping.to_json())
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------- converting values

def _text_of(v) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return str(int(v))
    text = str(v).strip()
    return text or None


def _as_text(col: pd.Series) -> pd.Series:
    """Text values; numbers that are whole (e.g. 331122002.0 from Excel) lose their '.0'."""
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        text = col.str.strip()
        return text.where(text.notna() & (text != ""), None).astype(object)
    if pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(str).astype(object)
    # object / float / bool columns: convert each distinct value once
    uniq = pd.unique(col.to_numpy(dtype=object))
    lookup = {u: _text_of(u) for u in uniq if not (isinstance(u, float) and np.isnan(u))}
    return col.astype(object).map(lookup).where(col.notna(), None).astype(object)


def _convert_field(f: schema.Field, raw: pd.Series, mapping: ColumnMapping,
                   lang: str) -> tuple[pd.Series, pd.Series]:
    """Values of ``f`` and, per row, a problem text (None when fine)."""
    numeric_source = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)
    # numbers stay numbers: no round trip through text
    text = raw if f.dtype in ("int", "float") and numeric_source else _as_text(raw)
    missing = text.isna()
    problems = pd.Series(None, index=raw.index, dtype=object)
    label = field_label(f.name, lang)
    if f.dtype == "str":
        values = text
        if f.enum:
            lookup = _enum_lookup(f.enum, mapping.values.get(f.name, {}))
            codes = {u: lookup.get(_norm(u)) for u in text.dropna().unique()}
            values = text.map(codes).where(text.notna(), None)
            bad = values.isna() & ~missing
            allowed = "/".join(i18n.enum_label(f.enum, c, lang) for c in schema.ENUMS[f.enum])
            problems[bad] = [_t("val.enum", lang, field=label, value=v, allowed=allowed) for v in text[bad]]
    elif f.dtype in ("int", "float"):
        if numeric_source:
            values = raw.astype("float64")
        else:
            cleaned = text.str.replace(",", "", regex=False).str.replace("，", "", regex=False)
            values = pd.to_numeric(cleaned, errors="coerce")
        bad = values.isna() & ~missing
        problems[bad] = [_t("val.number", lang, field=label, value=v) for v in text[bad]]
        if f.dtype == "int":
            frac = values.notna() & (values % 1 != 0)
            problems[frac] = [_t("val.integer", lang, field=label, value=v) for v in text[frac]]
        values = _convert_unit(f, values, mapping.units.get(f.name))
        values, out_of_range = _check_range(f, values, lang)
        problems = problems.where(problems.notna(), out_of_range)
    elif f.dtype == "bool":
        low = text.map(lambda v: v.lower() if v is not None else None)
        values = low.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
        bad = values.isna() & ~missing
        problems[bad] = [_t("val.bool", lang, field=label, value=v) for v in text[bad]]
    else:  # date
        norm = text.str.replace("年", "-", regex=False).str.replace("月", "-", regex=False).str.replace(
            "日", "", regex=False).str.replace("/", "-", regex=False).str.replace(".", "-", regex=False)
        values = pd.to_datetime(norm, errors="coerce", format="mixed")
        bad = values.isna() & ~missing
        problems[bad] = [_t("val.date", lang, field=label, value=v) for v in text[bad]]
    if f.required:
        problems[missing] = _t("val.required", lang, field=label)
    return values, problems


def _enum_lookup(enum: str, extra: Mapping[str, str]) -> dict[str, str]:
    lookup = {}
    for code in schema.ENUMS[enum]:
        lookup[_norm(code)] = code
        for lang in i18n.LANGS:
            lookup[_norm(i18n.enum_label(enum, code, lang))] = code
    for source, code in {**ENUM_ALIASES.get(enum, {}), **extra}.items():
        lookup[_norm(source)] = code
    return lookup


def _convert_unit(f: schema.Field, values: pd.Series, unit: str | None) -> pd.Series:
    target = _UNIT_OF_SCHEMA.get(f.unit or "")
    if unit is None or target is None or unit == target:
        return values
    if target in ("平方米", "亩"):
        m2 = units.area_to_m2(values, unit)
        return m2 if target == "平方米" else units.m2_to_mu(m2)
    return units.money_to_10k_yuan(values, unit)


def _check_range(f: schema.Field, values: pd.Series, lang: str) -> tuple[pd.Series, pd.Series]:
    low, high = RANGES.get(f.name, (0.0, np.inf) if f.unit else (-np.inf, np.inf))
    bad = values.notna() & ((values < low) | (values > high))
    problems = pd.Series(None, index=values.index, dtype=object)
    label = field_label(f.name, lang)
    rng = f"{low:g}…{high:g}" if np.isfinite(high) else f"≥ {low:g}"
    problems[bad] = [_t("val.range", lang, field=label, value=f"{v:g}", range=rng) for v in values[bad]]
    return values, problems


# --------------------------------------------------------------------------- planning and writing

@dataclass
class ImportPlan:
    """Validated rows ready to write, the report, and the store state they were checked against."""

    store: Path
    layer: str
    frame: pd.DataFrame
    report: ImportReport
    stamp: tuple[int, int]


def _ident(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Each row's key as text (composite keys joined with commas)."""
    out = df[keys[0]].astype(str).astype(object)
    for k in keys[1:]:
        out = out + "," + df[k].astype(str).astype(object)
    return out


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _reject(report: ImportReport, rows, messages, ids=None) -> None:
    ids = [None] * len(rows) if ids is None else ids
    for row, message, ident in zip(rows, messages, ids, strict=True):
        report.rejected.append(Problem(report.file, int(row), message, ident))


def _convert_attributes(df: pd.DataFrame, layer: str, mapping: ColumnMapping, report: ImportReport,
                        lang: str, *, skip: tuple[str, ...] = ()) -> pd.DataFrame:
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
            raw = raw.astype(object).where(_as_text(raw).notna(), mapping.defaults[f.name])
        values, problem = _convert_field(f, raw, mapping, lang)
        out[f.name] = values
        if problem.notna().any():
            found.append(problem)
    bad = pd.Series(False, index=df.index)
    if found:
        table = pd.concat(found, axis=1)
        bad = table.notna().any(axis=1)
        sep = "；" if lang == "zh" else "; "
        messages = [sep.join(p for p in row if isinstance(p, str)) for row in table[bad].itertuples(index=False)]
        key = schema.LAYERS[layer].key.split(",")[0]
        ids = out.loc[bad, key].tolist() if key in out.columns else None
        _reject(report, df.index[bad], messages, ids)
    if isinstance(df, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=df.geometry, crs=df.crs)
        if _METRIC in df.columns:
            out[_METRIC] = df[_METRIC]
    return out[~bad]


def _resolve_enterprises(df: pd.DataFrame, mapping: ColumnMapping, enterprises: pd.DataFrame,
                         report: ImportReport, lang: str) -> pd.DataFrame:
    """Fill ``enterprise_id`` from the 统一社会信用代码 (check character verified) or, failing that, the exact name."""
    if "enterprise_id" in mapping.columns:
        return df
    uscc_col, name_col = mapping.columns.get("uscc"), mapping.columns.get("name")
    if uscc_col is None and name_col is None:
        raise _refuse("err.no_join", lang, file=report.file, columns=", ".join(map(str, df.columns)))
    by_uscc = dict(zip(enterprises["uscc"].astype(str).str.upper(), enterprises["enterprise_id"], strict=True))
    by_name = dict(zip(enterprises["name"].astype(str).str.strip(), enterprises["enterprise_id"], strict=True))
    ids_out = []
    for row in df.index:
        code = _as_text(pd.Series([df.at[row, uscc_col]])).iloc[0] if uscc_col else None
        name = _as_text(pd.Series([df.at[row, name_col]])).iloc[0] if name_col else None
        found = None
        if code:
            problem = ids.uscc_problem(code)
            if problem:
                report.notes.append(_t("join.bad_uscc", lang, row=int(row), code=code, problem=problem))
            else:
                found = by_uscc.get(code.upper())
        if found is None and name:
            found = by_name.get(name.strip())
        if found is None:
            report.unmatched.append(Problem(report.file, int(row), _t("join.none", lang, code=code or "-",
                                                                      name=name or "-")))
        ids_out.append(found)
    out = df.copy()
    out["__enterprise_id"] = ids_out
    mapping.columns["enterprise_id"] = "__enterprise_id"
    matched = out["__enterprise_id"].notna()
    report.notes.append(_t("join.done", lang, n=int(matched.sum()), total=len(out)))
    return out[matched]


def _join_geometry(df: pd.DataFrame, layer: str, mapping: ColumnMapping, existing: pd.DataFrame,
                   report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    """Geometry for a table without any, from the store's features with the same key."""
    key = schema.LAYERS[layer].key
    col = mapping.columns.get(key)
    if col is None or col not in df.columns or not isinstance(existing, gpd.GeoDataFrame) or existing.empty:
        raise _refuse("err.not_geodata", lang, file=report.file, columns=", ".join(map(str, df.columns)))
    geoms = existing.set_index(key).geometry
    keys = _as_text(df[col])
    found = keys.isin(geoms.index)
    _reject(report, df.index[~found], [_t("join.no_geometry", lang, field=field_label(key, lang), id=k)
                                       for k in keys[~found]])
    out = gpd.GeoDataFrame(df[found].copy(), geometry=list(geoms.reindex(keys[found]).to_numpy()),
                           crs=existing.crs)
    out = out.set_geometry(out.geometry.set_crs(existing.crs, allow_override=True))
    report.crs_used = settings.STORAGE_CRS
    report.notes.append(_t("join.geometry", lang, field=field_label(key, lang), n=len(out)))
    return out


_FAMILY = {"MultiPolygon": ("Polygon", "MultiPolygon"), "Point": ("Point",),
           "MultiLineString": ("LineString", "MultiLineString")}


def _fit_geometry_type(gdf: gpd.GeoDataFrame, layer: str, report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    """Keep the parts of the layer's type (e.g. polygons out of a repaired collection); reject the rest."""
    wanted = schema.LAYERS[layer].geometry
    allowed = _FAMILY[wanted]
    geoms = gdf.geometry.to_numpy().copy()
    types = shapely.get_type_id(geoms)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                      "MultiPolygon", "GeometryCollection"])[types]
    mixed = ~np.isin(names, allowed)
    for i in np.flatnonzero(mixed):
        parts = shapely.get_parts(geoms[i])
        keep = [p for p in parts if p.geom_type in allowed]
        if keep and wanted != "Point":
            geoms[i] = shapely.union_all(keep)
            report.notes.append(_t("geom.parts_kept", lang, row=int(gdf.index[i]), type=names[i], layer=layer))
            mixed[i] = False
        elif wanted == "Point" and len(parts) == 1 and parts[0].geom_type == "Point":
            geoms[i] = parts[0]
            mixed[i] = False
        if not mixed[i] and _METRIC in gdf.columns:
            gdf = gdf.drop(columns=_METRIC)
    _reject(report, gdf.index[mixed], [_t("geom.wrong_type", lang, type=n, layer=layer, wanted=wanted)
                                       for n in names[mixed]])
    out = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    return out[~mixed]


def _boundary(store_path: Path) -> shapely.Geometry:
    county = store.read_layer(store_path, "county")
    if len(county):
        return shapely.union_all(county.to_crs(settings.METRIC_CRS).geometry.to_numpy())
    return shapely.union_all(gpd.read_file(settings.BOUNDARY_FILE).to_crs(settings.METRIC_CRS).geometry.to_numpy())


def _list_outside(gdf: gpd.GeoDataFrame, key: str, store_path: Path, report: ImportReport, lang: str) -> None:
    zone_m = _boundary(store_path).buffer(OUTSIDE_TOLERANCE_M)  # the tolerance in metres (EPSG:4549) ...
    zone = gpd.GeoSeries([zone_m], crs=settings.METRIC_CRS).to_crs(gdf.crs).iloc[0]  # ... tested in the data's CRS
    shapely.prepare(zone)
    outside = ~shapely.intersects(zone, gdf.geometry.to_numpy())
    far = []
    if outside.any():
        metric = gdf.geometry[outside].to_crs(settings.METRIC_CRS).to_numpy()
        far = shapely.distance(zone_m, metric) + OUTSIDE_TOLERANCE_M
    for row, ident, dist in zip(gdf.index[outside], gdf[key][outside], far, strict=True):
        report.outside.append(Problem(report.file, int(row), _t("geom.outside", lang, km=f"{dist / 1000:.2f}"),
                                      str(ident)))
    if outside.any() and outside.all():
        report.notes.append(_t("geom.all_outside", lang))


def _derive_town(gdf: gpd.GeoDataFrame, store_path: Path, report: ImportReport, lang: str) -> gpd.GeoDataFrame:
    towns = store.read_layer(store_path, "towns")[["town_code", "geometry"]].to_crs(settings.METRIC_CRS)
    if _METRIC in gdf.columns:
        centres = gpd.GeoSeries(shapely.centroid(gdf[_METRIC].to_numpy()), index=gdf.index, crs=settings.METRIC_CRS)
    else:
        centres = gpd.GeoSeries(shapely.centroid(gdf.geometry.to_numpy()), index=gdf.index, crs=gdf.crs)
    pts = gpd.GeoDataFrame(geometry=centres.to_crs(settings.METRIC_CRS))
    nearest = gpd.sjoin_nearest(pts, towns, how="left")
    nearest = nearest[~nearest.index.duplicated()]
    gdf = gdf.copy()
    gdf["__town_code"] = nearest["town_code"].reindex(gdf.index)
    report.notes.append(_t("town.derived", lang, n=len(gdf)))
    return gdf


def _reject_duplicates(out: pd.DataFrame, keys: list[str], report: ImportReport, lang: str) -> pd.DataFrame:
    """Keep the first row of each ID; reject and list the others."""
    dup = out.duplicated(keys, keep="first")
    if not dup.any():
        return out
    first = out[~dup].reset_index().set_index(keys)["index"]
    for row, key_values in zip(out.index[dup], out.loc[dup, keys].itertuples(index=False), strict=True):
        ident = ",".join(map(str, key_values))
        first_row = first.loc[tuple(key_values) if len(keys) > 1 else key_values[0]]
        message = _t("val.duplicate", lang, id=ident, first=int(first_row))
        report.duplicates.append(Problem(report.file, int(row), message, ident))
        report.rejected.append(Problem(report.file, int(row), message, ident))
    return out[~dup]


def _measure(out: pd.DataFrame, key: str, ident: pd.Series, store_path: Path, report: ImportReport,
             lang: str) -> pd.DataFrame:
    """List features outside the county, the area in mu of each polygon, recorded-area mismatches."""
    if isinstance(out, gpd.GeoDataFrame):
        _list_outside(out, key, store_path, report, lang)
        if out.geom_type.isin(["Polygon", "MultiPolygon"]).all():
            if _METRIC in out.columns:
                area = pd.Series(shapely.area(out[_METRIC].to_numpy()) / units.M2_PER_MU, index=out.index)
            else:
                area = units.area_mu(out)
            report.area_mu = dict(zip(ident, area.round(3).tolist(), strict=True))
            if RECORDED_AREA in out.columns:
                _check_recorded_area(out[RECORDED_AREA], area, report, lang)
    return out.drop(columns=[RECORDED_AREA, _METRIC], errors="ignore")


IMPORTABLE_LAYERS = tuple(n for n in schema.LAYERS if n not in ("meta", "audit", "targets", "county"))
"""Layers a file can be imported into."""


def plan_import(path: str | os.PathLike, store_path: str | os.PathLike, *, layer: str,  # noqa: PLR0913 (the CLI flags)
                source_layer: str | None = None, crs=None, gcj02: bool = False,
                mapping: ColumnMapping | Mapping | None = None, lang: str = i18n.DEFAULT_LANG,
                max_bytes: int = MAX_UPLOAD_BYTES, max_unzipped: int = MAX_UNZIPPED_BYTES) -> ImportPlan:
    """Read ``path``, map and validate it against ``layer`` of the store; write nothing.

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
    """
    store_path = Path(store_path)
    if layer not in IMPORTABLE_LAYERS:
        raise _refuse("err.layer", lang, layer=layer, layers=", ".join(IMPORTABLE_LAYERS))
    store.check_store(store_path)
    target = schema.LAYERS[layer]
    stamp = _stamp(store_path)
    df, report = _load(Path(path), layer=source_layer, lang=lang, max_bytes=max_bytes, max_unzipped=max_unzipped)
    report.layer = layer
    cm = merge_mapping(auto_mapping(df.columns, layer), mapping, df.columns)
    existing = store.read_layer(store_path, layer)
    if layer == "enterprise_figures":
        df = _resolve_enterprises(df, cm, store.read_layer(store_path, "enterprises"), report, lang)
    if target.geometry:
        if isinstance(df, gpd.GeoDataFrame):
            df = _drop_empty(df, report, lang)
            df = _assign_crs(df, report, crs=crs, gcj02=gcj02, lang=lang)
            df = _repair(df, report, lang)
        else:
            df = _join_geometry(df, layer, cm, existing, report, lang)
        df = _fit_geometry_type(df, layer, report, lang)
        if "town_code" in target.field_names and "town_code" not in cm.columns and "town_code" not in cm.defaults:
            df = _derive_town(df, store_path, report, lang)
            cm.columns["town_code"] = "__town_code"
    elif isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df.drop(columns=df.geometry.name))
    report.mapping = {k: v for k, v in cm.columns.items() if not v.startswith("__")}
    missing = [f.name for f in target.fields
               if f.required and f.name not in cm.columns and f.name not in cm.defaults]
    if missing:
        raise _refuse("err.missing_columns", lang, file=report.file, layer=layer,
                      fields=", ".join(field_label(m, lang) for m in missing),
                      columns=", ".join(str(c) for c in df.columns if not str(c).startswith("__")))
    out = _convert_attributes(df, layer, cm, report, lang)
    keys = target.key.split(",")
    out = _reject_duplicates(out, keys, report, lang)
    if out.empty:
        raise _refuse("err.nothing_valid", lang, file=report.file, n=len(report.rejected))
    ident = _ident(out, keys)
    out = _measure(out, keys[0], ident, store_path, report, lang)
    old = set(_ident(existing, keys)) if len(existing) else set()
    is_update = ident.isin(old)
    report.updated = ident[is_update].tolist()
    report.added = ident[~is_update].tolist()
    report.rejected.sort(key=lambda p: (p.row is None, p.row))
    return ImportPlan(store=store_path, layer=layer, frame=out, report=report, stamp=stamp)


def _check_recorded_area(recorded: pd.Series, area_mu: pd.Series, report: ImportReport, lang: str) -> None:
    has = recorded.notna() & (recorded > 0)
    if not has.any():
        return
    mapped = area_mu[has] * units.M2_PER_MU
    off = (mapped - recorded[has]).abs() / recorded[has] > _RECORDED_AREA_TOLERANCE
    if off.any():
        rows = ", ".join(str(r) for r in recorded.index[has][off.to_numpy()][:20])
        report.notes.append(_t("val.recorded_area", lang, n=int(off.sum()), pct=int(_RECORDED_AREA_TOLERANCE * 100),
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


def apply_import(plan: ImportPlan, *, lang: str = i18n.DEFAULT_LANG) -> ImportReport:
    """Write the planned rows: one atomic :func:`geo.store.replace_layers`; the store is untouched on failure."""
    if _stamp(plan.store) != plan.stamp:
        raise _refuse("err.store_changed", lang, store=plan.store.name)
    existing = store.read_layer(plan.store, plan.layer)
    store.replace_layers(plan.store, {plan.layer: merged_layer(plan, existing)})
    plan.report.written = True
    logger.info("imported %s into %s/%s: %d added, %d updated", plan.report.file, plan.store, plan.layer,
                len(plan.report.added), len(plan.report.updated))
    return plan.report

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
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from geo import gcj02 as _gcj02
from geo import i18n, settings
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
    header_len = int.from_bytes(data[8:10], "little") if len(data) >= 10 else len(data)
    body = data[header_len:]
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
    return gdf, report


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

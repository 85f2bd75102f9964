"""Reading the county's files for :mod:`geo.importer`: safe unzipping, encodings, formats.

Zip and KMZ archives are extracted only inside a fresh temporary folder (no
absolute or ``..`` member paths, a limit on the expanded size counted while
extracting); DBF encodings come from the ``.cpg`` file or are detected (UTF-8,
else GB18030); CSV/XLSX rows keep their sheet row numbers (header = row 1).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import i18n
from geo._import_report import ImportReport, Problem, norm_header, refuse, tr, without_paths

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest file accepted (Streamlit's default upload limit)."""
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
"""Largest total size a zip/KMZ may expand to (zip-bomb guard)."""

VECTOR_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json", ".kml")
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")
SUPPORTED_SUFFIXES = (".zip", ".kmz", *VECTOR_SUFFIXES, *TABLE_SUFFIXES)


# --------------------------------------------------------------------------- opening files

def _check_size(path: Path, max_bytes: int) -> None:
    if not path.exists():
        raise refuse("err.not_found", file=path.name)
    size = path.stat().st_size
    if size == 0:
        raise refuse("err.empty", file=path.name)
    if size > max_bytes:
        raise refuse("err.too_large", file=path.name, size_mb=f"{size / 2**20:.1f}",
                      limit_mb=f"{max_bytes / 2**20:.0f}")


def _safe_extract(archive: Path, target: Path, *, max_unzipped: int) -> list[Path]:
    """Extract ``archive`` into ``target`` only: refuse absolute or ``..`` paths and zip bombs."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise refuse("err.bad_zip", file=archive.name, detail=without_paths(exc)) from exc
    root = target.resolve()
    out: list[Path] = []
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        for m in members:
            dest = (root / m.filename).resolve()
            if Path(m.filename).is_absolute() or ".." in Path(m.filename).parts or root not in dest.parents:
                raise refuse("err.zip_path", file=archive.name, member=m.filename)
        if sum(m.file_size for m in members) > max_unzipped:
            raise refuse("err.zip_bomb", file=archive.name, limit_mb=f"{max_unzipped / 2**20:.0f}")
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
                            raise refuse("err.zip_bomb", file=archive.name,
                                          limit_mb=f"{max_unzipped / 2**20:.0f}")
                        dst.write(chunk)
            except (zipfile.BadZipFile, zlib_error(), EOFError) as exc:
                raise refuse("err.bad_zip", file=archive.name, detail=without_paths(exc)) from exc
            out.append(dest)
    return out


def _datasets(names: list[Path], *, kmz: bool = False) -> list[Path]:
    """The importable files among an archive's members: vector files first; tables only when there are none.

    A ``.txt`` beside a Shapefile is a read-me, never a table.
    """
    def usable(p: Path) -> bool:
        return not p.name.startswith(".") and "__MACOSX" not in p.parts
    if kmz:
        return [p for p in names if p.suffix.lower() == ".kml" and usable(p)]
    vectors = [p for p in names if p.suffix.lower() in VECTOR_SUFFIXES and usable(p)]
    return vectors or [p for p in names if p.suffix.lower() in (".csv", ".xlsx", ".xls") and usable(p)]


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


@contextlib.contextmanager
def _opened(path: Path, *, layer: str | None, max_unzipped: int) -> Iterator[tuple[Path, str]]:
    """Yield the dataset file to read (inside a temp folder for zip/KMZ) and its display name."""
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".kmz"):
        yield path, path.name
        return
    tmp = Path(tempfile.mkdtemp(prefix="jinyun-import-"))
    try:
        files = _safe_extract(path, tmp, max_unzipped=max_unzipped)
        found = _datasets(files, kmz=suffix == ".kmz")
        if layer and len(found) > 1:
            found = [f for f in found if f.stem == layer or f.name == layer] or found
        if not found:
            raise refuse("err.zip_no_data", file=path.name,
                          members=", ".join(sorted(f.name for f in files)) or "-")
        if len(found) > 1:
            raise refuse("err.zip_many", file=path.name,
                          members=", ".join(sorted(f.stem for f in found)))
        yield found[0], f"{path.name}/{found[0].relative_to(tmp)}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def list_sources(path: str | os.PathLike, *,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> list[str]:
    """Layers (GeoPackage), sheets (XLSX) or datasets (zip) inside ``path``; ``[]`` for single files."""
    path = Path(path)
    _check_size(path, max_bytes)
    suffix = path.suffix.lower()
    try:
        if suffix == ".gpkg":
            return [name for name, _ in pyogrio.list_layers(path)]
        if suffix in (".xlsx", ".xls"):
            return list(pd.ExcelFile(path).sheet_names)
        if suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [Path(n) for n in zf.namelist()]
            return sorted(n.stem for n in _datasets(names))
    except (zipfile.BadZipFile, pyogrio.errors.DataSourceError, ValueError, OSError) as exc:
        raise refuse("err.unreadable", file=path.name, detail=without_paths(exc)) from exc
    return []


# --------------------------------------------------------------------------- readers

def _dbf_encoding(shp: Path) -> tuple[str, i18n.Message]:
    """The DBF's encoding and how it was found: from ``.cpg``, else detected (UTF-8 or GB18030)."""
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            raw = cpg.read_text(encoding="ascii", errors="ignore").strip().upper()
            name = {"936": "GBK", "CP936": "GBK", "65001": "UTF-8", "UTF8": "UTF-8"}.get(raw, raw or "UTF-8")
            return name, tr("enc.cpg", encoding=name)
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        return "UTF-8", ""
    data = dbf.read_bytes()
    body = data[32:]  # field names and records: either may hold Chinese
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030", tr("enc.detected", encoding="GB18030")
    return "UTF-8", tr("enc.detected", encoding="UTF-8")


def _read_vector(path: Path, name: str, layer: str | None, report: ImportReport) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    kwargs: dict = {}
    if suffix == ".shp":
        for part in (".shx", ".dbf"):
            if not (path.with_suffix(part).exists() or path.with_suffix(part.upper()).exists()):
                raise refuse("err.shp_part", file=name, part=part)
        encoding, note = _dbf_encoding(path)
        report.encoding = encoding
        if note:
            report.notes.append(note)
        kwargs["encoding"] = encoding
    try:
        layers = [n for n, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise refuse("err.unreadable", file=name, detail=without_paths(exc)) from exc
    if suffix == ".gpkg":
        if layer is None and len(layers) > 1:
            raise refuse("err.choose_layer", file=name, layers=", ".join(layers))
        if layer is not None and layer not in layers:
            raise refuse("err.no_such_layer", file=name, layer=layer, layers=", ".join(layers))
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
        raise refuse("err.encoding", file=name, encoding=kwargs.get("encoding", "UTF-8"),
                      detail=without_paths(exc)) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, RuntimeError) as exc:
        raise refuse("err.unreadable", file=name, detail=without_paths(exc)) from exc
    report.source_layer = ", ".join(str(c) for c in chosen if c) or None
    frames = [f for f in frames if len(f)]
    if not frames:
        key = "err.kml_empty" if suffix == ".kml" else "err.no_rows"
        raise refuse(key, file=name)
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _read_csv(path: Path, name: str, report: ImportReport) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        report.encoding = "UTF-8" if encoding == "utf-8-sig" else "GB18030"
        break
    else:
        raise refuse("err.unreadable", file=name, detail="encoding")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                           sep=None, engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv_error()) as exc:
        raise refuse("err.unreadable", file=name, detail=without_paths(exc)) from exc


def csv_error() -> type[Exception]:
    import csv

    return csv.Error


def _read_table(path: Path, name: str, layer: str | None, report: ImportReport) -> pd.DataFrame:
    if path.suffix.lower() in (".csv", ".txt"):
        df = _read_csv(path, name, report)
    else:
        try:
            book = pd.ExcelFile(path)
            sheet = layer if layer is not None else book.sheet_names[0]
            if sheet not in book.sheet_names:
                raise refuse("err.no_such_layer", file=name, layer=sheet,
                              layers=", ".join(book.sheet_names))
            df = pd.read_excel(book, sheet_name=sheet, dtype=object)
            report.source_layer = sheet
        except (ValueError, OSError, zipfile.BadZipFile) as exc:
            raise refuse("err.unreadable", file=name, detail=without_paths(exc)) from exc
    df.columns = [str(c).strip() for c in df.columns]
    df = df.dropna(how="all")
    if df.empty:
        raise refuse("err.no_rows", file=name)
    df.index = df.index + 2  # sheet row numbers: the header is row 1
    return df


_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "point_x")
_LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "y坐标", "point_y")
_WKT_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "坐标串")


def _find_column(columns, names) -> str | None:
    norm = {norm_header(c): c for c in columns}
    return next((norm[n] for n in names if n in norm), None)


def _table_geometry(df: pd.DataFrame, name: str, report: ImportReport) -> gpd.GeoDataFrame | None:
    """Points from longitude/latitude columns or shapes from a WKT column; None when neither."""
    lon, lat = _find_column(df.columns, _LON_NAMES), _find_column(df.columns, _LAT_NAMES)
    wkt = _find_column(df.columns, _WKT_NAMES)
    if lon and lat:
        x = pd.to_numeric(df[lon], errors="coerce")
        y = pd.to_numeric(df[lat], errors="coerce")
        bad = x.isna() | y.isna()
        for row in df.index[bad]:
            report.rejected.append(Problem(name, int(row), tr("err.bad_xy", lon=lon, lat=lat,
                                                              x=df.at[row, lon], y=df.at[row, lat])))
        geoms = gpd.points_from_xy(x.where(~bad, 0), y.where(~bad, 0))
        geoms[bad.to_numpy()] = None
        report.notes.append(tr("geom.xy", lon=lon, lat=lat))
        return gpd.GeoDataFrame(df.drop(columns=[lon, lat]), geometry=geoms, crs=None)
    if wkt:
        geoms = []
        for row, text in df[wkt].items():
            try:
                geoms.append(shapely.from_wkt(str(text)) if pd.notna(text) else None)
            except shapely.errors.GEOSException as exc:
                report.rejected.append(Problem(name, int(row), tr("err.bad_wkt", column=wkt, detail=without_paths(exc))))
                geoms.append(None)
        report.notes.append(tr("geom.wkt", column=wkt))
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geoms, crs=None)
    return None


def load(path: Path, *, layer: str | None, max_bytes: int,
          max_unzipped: int) -> tuple[pd.DataFrame, ImportReport]:
    """Read ``path`` as it is: a GeoDataFrame (maybe without CRS) or, for tables without geometry, a DataFrame."""
    path = Path(path)
    report = ImportReport(file=path.name)
    _check_size(path, max_bytes)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise refuse("err.format", file=path.name, suffixes=" ".join(SUPPORTED_SUFFIXES))
    with _opened(path, layer=layer, max_unzipped=max_unzipped) as (inner, name):
        suffix = inner.suffix.lower()
        report.format = {".shp": "Shapefile", ".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON",
                         ".kml": "KML", ".csv": "CSV", ".txt": "CSV", ".xlsx": "XLSX", ".xls": "XLS"}[suffix]
        if path.suffix.lower() == ".zip":
            report.format = f"zip/{report.format}"
        elif path.suffix.lower() == ".kmz":
            report.format = "KMZ"
        if inner.stat().st_size == 0:
            raise refuse("err.empty", file=name)
        if suffix in TABLE_SUFFIXES:
            df = _read_table(inner, name, layer, report)
            gdf = _table_geometry(df, name, report)
            out: pd.DataFrame = gdf if gdf is not None else df
        else:
            out = _read_vector(inner, name, layer, report)
            out.index = out.index + 1  # feature numbers
    report.file = path.name if path.suffix.lower() not in (".zip", ".kmz") else name
    report.rows_read = len(out)
    return out, report

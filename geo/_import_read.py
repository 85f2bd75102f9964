"""Reading the county's files for :mod:`geo.importer`: safe unzipping, encodings, formats.

Zip and KMZ archives are extracted only inside a fresh temporary folder (no
absolute or ``..`` member paths, a limit on the expanded size counted while
extracting); DBF encodings come from the ``.cpg`` file or are detected (UTF-8,
else GB18030); CSV/XLSX rows keep their sheet row numbers (header = row 1).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import i18n
from geo._import_report import (
    ImportRefusedError,
    ImportReport,
    Problem,
    geos_reason,
    norm_header,
    refuse,
    tr,
    without_paths,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest file accepted (Streamlit's default upload limit)."""
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
"""Largest total size a zip/KMZ may expand to (zip-bomb guard): a county cadastre is well under it."""
MAX_TABLE_ROWS = 300_000
"""Most rows a CSV/XLSX may hold: a county's largest real sheet is far below it."""

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


def _scratch_root() -> Path:
    """The folder archives are unpacked in: one per machine, ``<pid>-*`` per unpacking."""
    root = Path(tempfile.gettempdir()) / "jinyun-import"
    root.mkdir(exist_ok=True)
    return root


def clean_leftovers() -> int:
    """Remove what killed imports left behind (the folder names the process that made it; a
    folder whose process is gone is a leftover). Returns how many were removed."""
    removed = 0
    for folder in _scratch_root().iterdir():
        pid = folder.name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _opened(path: Path, *, layer: str | None, max_unzipped: int) -> Iterator[tuple[Path, str]]:
    """Yield the dataset file to read (inside a temp folder for zip/KMZ) and its display name."""
    suffix = path.suffix.lower()
    if suffix not in (".zip", ".kmz"):
        yield path, path.name
        return
    tmp = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=_scratch_root()))
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
            import python_calamine

            return list(python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names)
        if suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                names = [Path(n) for n in zf.namelist()]
            return sorted(n.stem for n in _datasets(names))
    except (zipfile.BadZipFile, pyogrio.errors.DataSourceError, ValueError, OSError) as exc:
        raise _unreadable(path, path.name, exc) from exc
    except Exception as exc:  # calamine's own errors: an XLSX that is not one
        if type(exc).__module__.startswith("python_calamine"):
            raise _unreadable(path, path.name, exc) from exc
        raise
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


def _check_whole_shapefile(shp: Path, name: str) -> None:
    """Refuse a Shapefile cut short in transfer: its .shp or .dbf holds fewer bytes than its
    header declares (the lost records would otherwise read as empty shapes)."""
    import struct

    head = shp.read_bytes()[:100]
    if len(head) >= 28:
        declared = struct.unpack(">i", head[24:28])[0] * 2
        actual = shp.stat().st_size
        if actual < declared:
            raise refuse("err.shp_truncated", file=name, part=".shp", declared=declared, actual=actual)
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is not None:
        with dbf.open("rb") as fh:
            head = fh.read(12)
        if len(head) >= 12:
            records, header_len, record_len = struct.unpack("<IHH", head[4:12])
            declared = header_len + records * record_len
            actual = dbf.stat().st_size
            if actual < declared:
                raise refuse("err.shp_truncated", file=name, part=".dbf", declared=declared,
                             actual=actual)


def _open_shapefile(path: Path, name: str, report: ImportReport) -> str:
    """Check a Shapefile is whole and find its attribute encoding."""
    for part in (".shx", ".dbf"):
        if not (path.with_suffix(part).exists() or path.with_suffix(part.upper()).exists()):
            raise refuse("err.shp_part", file=name, part=part)
    _check_whole_shapefile(path, name)
    encoding, note = _dbf_encoding(path)
    report.encoding = encoding
    if note:
        report.notes.append(note)
    return encoding


def _read_vector(path: Path, name: str, layer: str | None, report: ImportReport) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    kwargs: dict = {}
    if suffix == ".shp":
        kwargs["encoding"] = _open_shapefile(path, name, report)
    try:
        layers = [n for n, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise _unreadable(path, name, exc) from exc
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
            first = sum(len(f) for f in frames) + 1
            try:
                frames.append(pyogrio.read_dataframe(path, layer=lyr, use_arrow=True, **kwargs))
            except shapely.errors.GEOSException:
                # one malformed shape (a ring of two points) must not refuse the file: read
                # the shapes one by one and reject those that cannot be read
                frames.append(_read_shape_by_shape(path, lyr, kwargs, name, first, report))
    except UnicodeDecodeError as exc:
        raise refuse("err.encoding", file=name, encoding=kwargs.get("encoding", "UTF-8"),
                      detail=without_paths(exc)) from exc
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, RuntimeError) as exc:
        raise _unreadable(path, name, exc) from exc
    report.source_layer = ", ".join(str(c) for c in chosen if c) or None
    frames = [f for f in frames if len(f)]
    if not frames:
        key = "err.kml_empty" if suffix == ".kml" else "err.no_rows"
        raise refuse(key, file=name)
    gdf = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return gpd.GeoDataFrame(gdf, geometry="geometry", crs=frames[0].crs)


def _read_shape_by_shape(path: Path, layer, kwargs: dict, name: str, first: int,
                         report: ImportReport) -> gpd.GeoDataFrame:
    """The layer read with each shape parsed on its own: unreadable ones are rejected rows."""
    with warnings.catch_warnings():  # GDAL's "non closed ring" warning: the rows say it
        warnings.simplefilter("ignore", RuntimeWarning)
        attrs = pyogrio.read_dataframe(path, layer=layer, read_geometry=False, **kwargs)
        meta, _, wkb, _ = pyogrio.raw.read(path, layer=layer, columns=[], **kwargs)
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    for i in np.flatnonzero(pd.notna(wkb) & pd.isna(geoms)):
        report.rejected.append(Problem(name, first + int(i), tr("err.bad_shape")))
    return gpd.GeoDataFrame(attrs, geometry=geoms, crs=meta.get("crs"))


_FORMAT_NAMES = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML",
                 ".shp": "Shapefile"}


def _unreadable(path: Path, name: str, exc: Exception) -> ImportRefusedError:
    """A file GDAL cannot open, said in the planner's words: what the file looks like instead
    (a web page saved by mistake, a zip, text, binary data); GDAL's own text is not shown."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        head = b""
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        kind = "html"
    elif head.startswith(b"PK\x03\x04"):
        kind = "zip"
    elif head.startswith(b"SQLite format 3"):
        kind = "sqlite"
    elif text.startswith((b"{", b"[")):
        kind = "json"
    else:
        try:
            head.decode("utf-8")
            kind = "text"
        except UnicodeDecodeError:
            kind = "binary"
    fmt = _FORMAT_NAMES.get(path.suffix.lower(), path.suffix.lstrip(".").upper())
    if kind == "json" and fmt == "GeoJSON":
        return refuse("err.bad_geojson", file=name)
    logger.info("unreadable %s: %s", name, exc)
    return refuse("err.not_format", file=name, format=fmt, kind=tr(f"kind.{kind}"))


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
    if text.count("\n") > MAX_TABLE_ROWS + 1:
        raise refuse("err.too_many_rows", file=name, n=text.count("\n"), limit=MAX_TABLE_ROWS)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""],
                           sep=None, engine="python", header=None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv_error()) as exc:
        raise refuse("err.unreadable", file=name, detail=without_paths(exc)) from exc


def csv_error() -> type[Exception]:
    import csv

    return csv.Error


def _read_sheet(path: Path, name: str, layer: str | None, report: ImportReport) -> pd.DataFrame:
    """An XLSX/XLS sheet through calamine (Rust): a 600,000-row sheet in seconds, not minutes;
    a sheet past :data:`MAX_TABLE_ROWS` is refused before its cells become Python objects."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = layer if layer is not None else book.sheet_names[0]
        if sheet not in book.sheet_names:
            raise refuse("err.no_such_layer", file=name, layer=sheet, layers=", ".join(book.sheet_names))
        cells = book.get_sheet_by_name(sheet)
        if cells.height > MAX_TABLE_ROWS + 1:
            raise refuse("err.too_many_rows", file=name, n=cells.height, limit=MAX_TABLE_ROWS)
        rows = cells.to_python(skip_empty_area=False)
    except ImportRefusedError:
        raise
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise _unreadable(path, name, exc) from exc
    report.source_layer = sheet
    frame = pd.DataFrame(rows, dtype=object)
    return frame.where(frame.map(lambda v: v != ""), None)


def _known_header(cell) -> bool:
    from geo._import_columns import ALIASES

    global _KNOWN_HEADERS
    if _KNOWN_HEADERS is None:
        from geo import schema

        names = {f.name for layer in schema.LAYERS.values() for f in layer.fields}
        names |= {a for aliases in ALIASES.values() for a in aliases}
        names |= {*_LON_NAMES, *_LAT_NAMES, *_WKT_NAMES}
        _KNOWN_HEADERS = {norm_header(n) for n in names}
    return cell is not None and norm_header(cell) in _KNOWN_HEADERS


_KNOWN_HEADERS: set[str] | None = None
_HEADER_SEARCH_ROWS = 20


def _header_row(raw: pd.DataFrame) -> int:
    """The row holding the column names: the first one when it names known fields, else the
    row among the first 20 that names the most (a sheet with a title or a unit line above)."""
    head = raw.head(_HEADER_SEARCH_ROWS)
    scores = [sum(_known_header(v) for v in row) for row in head.itertuples(index=False)]
    if not scores:
        return 0
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best if scores[best] >= 2 and scores[best] > scores[0] else 0


def _read_table(path: Path, name: str, layer: str | None, report: ImportReport) -> pd.DataFrame:
    if path.suffix.lower() in (".csv", ".txt"):
        raw = _read_csv(path, name, report)
    else:
        raw = _read_sheet(path, name, layer, report)
    raw = raw.dropna(how="all").dropna(axis=1, how="all")
    if raw.empty:
        raise refuse("err.no_rows", file=name)
    header = _header_row(raw)
    first = int(raw.index[header])  # 0-based sheet row of the names
    if header:
        report.notes.append(tr("note.header_row", row=first + 1))
    names: list[str] = []
    for i, c in enumerate(raw.iloc[header]):
        text = str(c).strip() if c is not None and str(c).strip() else f"#{i + 1}"
        while text in names:  # two columns of one name: the second is "name.2"
            text = f"{text}.{names.count(text) + 2}"
        names.append(text)
    df = raw.iloc[header + 1:].copy()
    df.columns = names
    if df.empty:
        raise refuse("err.no_rows", file=name)
    df.index = df.index + 1  # sheet row numbers (1-based, as the spreadsheet shows them)
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
                report.rejected.append(Problem(name, int(row), tr("err.bad_wkt", column=wkt, detail=geos_reason(str(exc)))))
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

"""The store: open, check, read, and write all-or-nothing, on either backend.

A store holds every layer of :mod:`geo.schema` plus a ``meta`` table with the
schema version. Its location is a GeoPackage path (the embedded default, one
``.gpkg`` file) or a ``postgresql://`` URL (the team store, :mod:`geo.postgis`);
every function here takes either, and what is above this module does not
know which it has.

GeoPackage writes never touch the file in place: they go to a temporary copy
in the same folder, which is checked and then swapped in with
:func:`os.replace` (atomic on one file system). A failure at any point leaves
the original file byte-for-byte as it was. PostGIS writes are one transaction.

Dates are stored as ISO ``YYYY-MM-DD`` text and read back as ``datetime64``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import postgis, schema
from geo.errors import SchemaError, StoreBusyError, StoreChangedError, StoreError
from geo.i18n import Message
from geo.settings import STORAGE_CRS

logger = logging.getLogger(__name__)

_SQLITE_MAGIC = b"SQLite format 3\x00"

Location = str | os.PathLike


def location_of(value: Location) -> Path | str:
    """A store location as given (a path, or a text that may be a PostgreSQL URL)."""
    if postgis.is_url(str(value)):
        return str(value)
    return Path(value)


def display_name(location: Location) -> str:
    """What a planner sees of the store: the file's name or the database's, nothing more."""
    loc = location_of(location)
    return f"{postgis.database(loc)} (PostGIS)" if isinstance(loc, str) else loc.name


def shown(location: Location) -> str:
    """The location as a planner may see it (a URL without its password)."""
    loc = location_of(location)
    return postgis.shown(loc) if isinstance(loc, str) else str(loc)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise StoreError(Message.of("err.store.not_found", store=str(path)))
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != _SQLITE_MAGIC:
        raise StoreError(Message.of("err.store.not_gpkg", store=str(path)))


def read_meta(path: Location) -> dict[str, str]:
    """The ``meta`` table of a store as a dict; raises :class:`StoreError` if absent."""
    path = location_of(path)
    if isinstance(path, str):
        return postgis.read_meta(path)
    _check_file(path)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                timeout=WRITE_WAIT_S)) as con:
            rows = con.execute("SELECT key, value FROM meta").fetchall()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            logger.info("store %s busy: %s", path.name, exc)
            raise StoreBusyError(Message.of("store.in_use", store=path.name)) from exc
        raise StoreError(Message.of("err.store.no_meta", store=str(path), detail=str(exc))) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(Message.of("err.store.no_meta", store=str(path), detail=str(exc))) from exc
    return dict(rows)


def check_store(path: Location) -> dict[str, str]:
    """Check a store's schema version and layers; return its meta.

    Raises
    ------
    StoreError
        Naming the file and what is wrong: missing, not a GeoPackage, another
        schema version, or missing layers.
    """
    path = location_of(path)
    meta = read_meta(path)
    version = meta.get("schema_version")
    if version != str(schema.SCHEMA_VERSION):
        fix = (Message.of("err.store.fix_migrate", command=f"python -m geo migrate --store {shown(path)}")
               if version in MIGRATIONS else Message.of("err.store.fix_rebuild"))
        raise StoreError(Message.of("err.store.version", store=shown(path), version=repr(version),
                                    reads=schema.SCHEMA_VERSION, fix=fix))
    def layers():
        with read_lock(path):
            return {name for name, _ in pyogrio.list_layers(path)}

    present = (postgis.list_layers(path) if isinstance(path, str)
               else _retrying(layers, path, Message.of("err.store.what_layers")))
    missing = [name for name in schema.REQUIRED_LAYERS if name not in present]
    if missing:
        raise StoreError(Message.of("err.store.missing_layers", store=shown(path), layers=missing))
    return meta


# schema version -> the SQL that brings a store of that version to the next one
MIGRATIONS: dict[str, tuple[str, ...]] = {
    "2": ("ALTER TABLE audit ADD COLUMN effective TEXT", "ALTER TABLE audit ADD COLUMN batch TEXT"),
    "3": (),  # + the users layer (NEW_LAYERS)
    "4": (),  # + candidate_sets
    # the right holder of a parcel (both empty until a land-bureau file gives them); the
    # enterprises' point, town, industry and land may be empty (they need no DDL: the columns
    # are nullable on both backends)
    "5": ("ALTER TABLE parcels ADD COLUMN holder TEXT",
          "ALTER TABLE parcels ADD COLUMN holder_uscc TEXT"),
}
# schema version -> layers the step to the next version adds, empty
NEW_LAYERS: dict[str, tuple[str, ...]] = {"3": ("users",), "4": ("candidate_sets",)}
# layers a store written without them gets empty (no account: no sign-in; no saved set)
DEFAULT_EMPTY = ("users", "candidate_sets")


def migrate(path: Location) -> list[str]:
    """Bring a store of an older schema version to this one, all or nothing (on a copy that
    replaces the file only when every step worked); returns the versions it passed."""
    path = location_of(path)
    version = read_meta(path).get("schema_version")
    added = [name for v, names in NEW_LAYERS.items() if v in MIGRATIONS and
             int(v) >= int(version or 0) for name in names]
    new = {name: _prepare(name, empty_layer(name)) for name in added}
    if isinstance(path, str):
        passed = postgis.run_migrations(path, version, MIGRATIONS, str(schema.SCHEMA_VERSION),
                                        WRITE_WAIT_S, new_layers=new)
        check_store(path)
        return passed
    passed: list[str] = []
    with write_lock(path), _shadow(path, copy=True) as tmp:
        con = sqlite3.connect(tmp, isolation_level=None)
        register_gpkg_functions(con)
        try:
            con.execute("BEGIN IMMEDIATE")
            while version != str(schema.SCHEMA_VERSION):
                if version not in MIGRATIONS:
                    raise StoreError(Message.of("err.store.no_migration", store=str(path),
                                                version=repr(version), target=schema.SCHEMA_VERSION))
                for sql in MIGRATIONS[version]:
                    con.execute(sql)
                passed.append(version)
                version = str(int(version) + 1)
                con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()
        present = {name for name, _ in pyogrio.list_layers(tmp)}
        for name, df in new.items():
            if name not in present:
                _write_layer(tmp, name, df)
        check_store(tmp)
    return passed


def is_demo(path: Location) -> bool:
    """True when the store is the synthetic demo data set."""
    return read_meta(path).get("demo") == "1"


def _date_fields(layer_name: str) -> list[str]:
    return [f.name for f in schema.LAYERS[layer_name].fields if f.dtype == "date"]


def read_layer(path: Location, name: str, *, bbox=None) -> pd.DataFrame:
    """Read one layer; spatial layers come back as a GeoDataFrame in EPSG:4490."""
    path = location_of(path)
    if name not in schema.LAYERS:
        raise StoreError(Message.of("err.store.unknown_layer", layer=name, layers=list(schema.LAYERS)))
    df = (postgis.read_layer(path, name, bbox=bbox) if isinstance(path, str)
          else _read_retrying(path, name, bbox))
    for col in _date_fields(name):
        if col in df.columns:
            df[col] = pd.to_datetime(df[col], errors="coerce")
    for f in schema.LAYERS[name].fields:
        if f.dtype == "str" and f.name in df.columns:
            df[f.name] = df[f.name].astype(object).where(df[f.name].notna(), None)
    if isinstance(df, gpd.GeoDataFrame) and df.crs is None:
        df = df.set_crs(STORAGE_CRS)
    return df


def _retrying(read, path: Path, what: Message):
    """``read()``, tried again for a while when it meets a writer's lock (SQLite locks the file
    while an edit commits, for milliseconds) rather than failing the page."""
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        try:
            return read()
        except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError, OSError) as exc:
            busy = any(w in str(exc) for w in ("locked", "readonly", "busy"))
            if busy and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            msg = Message.of("err.store.cannot_read", store=str(path), what=what, detail=str(exc))
            raise (StoreBusyError if busy else StoreError)(msg) from exc


def _read_retrying(path: Path, name: str, bbox) -> pd.DataFrame:
    def read():
        with read_lock(path):
            return pyogrio.read_dataframe(path, layer=name, use_arrow=True, bbox=bbox)

    return _retrying(read, path, Message.of("err.store.what_layer", layer=name))


def read_all(path: Location) -> dict[str, pd.DataFrame]:
    """Check the store, then read every layer of the schema."""
    check_store(path)
    return {name: read_layer(path, name) for name in schema.LAYERS}


def _prepare(name: str, df: pd.DataFrame) -> pd.DataFrame:
    layer = schema.LAYERS[name]
    absent = [f.name for f in layer.fields if not f.required and f.name not in df.columns]
    if absent:  # an optional field a caller's frame predates (a newer schema's) is empty
        df = df.assign(**{n: pd.Series(None, index=df.index, dtype=(
            "float64" if layer.get(n).dtype in ("float", "int") else object)) for n in absent})
    schema.check(name, df)
    extra = [c for c in schema.COMMON_OPTIONAL if c in df.columns]
    out = df[[*layer.field_names, *extra, *(["geometry"] if layer.geometry else [])]].copy()
    for f in layer.fields:  # whole numbers stay INTEGER in the file, missing ones included
        if f.dtype == "int":
            out[f.name] = pd.to_numeric(out[f.name], errors="raise").round().astype("Int64")
    for col in _date_fields(name):
        days = pd.to_datetime(out[col], errors="coerce", format="mixed")
        if layer.get(col).required and days.isna().any():  # a value that was not a date
            rows = list(out.index[days.isna()][:5])
            raise SchemaError(Message.of("err.store.not_a_date", layer=name, column=col,
                                         rows=[str(r) for r in rows]))
        out[col] = days.dt.strftime("%Y-%m-%d")
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    if layer.geometry:
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=df.crs)
        if out.crs is None:
            raise StoreError(Message.of("err.store.layer_no_crs", layer=name))
        out = out.to_crs(STORAGE_CRS)
    return out


def _write_layer(target: Path, name: str, df: pd.DataFrame) -> None:
    layer = schema.LAYERS[name]
    kwargs = ({"geometry_type": layer.geometry, "promote_to_multi": layer.geometry.startswith("Multi")}
              if layer.geometry else {})
    pyogrio.write_dataframe(df, target, layer=name, driver="GPKG", **kwargs)


@contextlib.contextmanager
def _shadow(path: Path, *, copy: bool) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        if copy:
            shutil.copy2(path, tmp)
        yield tmp
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, *tmp.parent.glob(tmp.name + "-*")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def write_store(path: Location, layers: Mapping[str, pd.DataFrame],
                *, meta: Mapping[str, str] | None = None) -> Path | str:
    """Write a whole new store, all or nothing (over what was there before).

    Every layer of the schema must be given (``meta`` is built here). Each is
    checked against the schema before anything is written.
    """
    path = location_of(path)
    layers = {**{n: empty_layer(n) for n in DEFAULT_EMPTY}, **layers}
    missing = [n for n in schema.REQUIRED_LAYERS if n != "meta" and n not in layers]
    if missing:
        raise StoreError(Message.of("err.store.write_missing", store=str(path), layers=missing))
    prepared = {name: _prepare(name, df) for name, df in layers.items() if name != "meta"}
    meta_rows = {"schema_version": str(schema.SCHEMA_VERSION), **(meta or {})}
    prepared["meta"] = _prepare("meta", pd.DataFrame(
        {"key": list(meta_rows), "value": [str(v) for v in meta_rows.values()]}))
    if isinstance(path, str):
        postgis.write_store(path, prepared, WRITE_WAIT_S)
        check_store(path)
        logger.info("wrote store %s", shown(path))
        return path
    with _shadow(path, copy=False) as tmp:
        for name, df in prepared.items():
            _write_layer(tmp, name, df)
        check_store(tmp)
    logger.info("wrote store %s", path)
    return path


def replace_layers(path: Location, layers: Mapping[str, pd.DataFrame], *,
                   expect_version: str | None = None) -> None:
    """Replace whole layers of an existing store, all or nothing, under :func:`write_lock`.

    ``expect_version``: the :func:`version` the new layers were computed from;
    the write is refused (:class:`StoreChangedError`) when the store changed since.
    """
    path = location_of(path)
    prepared = {name: _prepare(name, df) for name, df in layers.items()}
    if isinstance(path, str):
        postgis.replace_layers(path, prepared, expect_version=expect_version,
                               check=lambda: check_store(path), wait_s=WRITE_WAIT_S)
        return
    with write_lock(path):
        check_store(path)
        if expect_version is not None and file_version(path) != expect_version:
            raise StoreChangedError(Message.of("store.changed", store=path.name))
        with _shadow(path, copy=True) as tmp:
            for name, df in prepared.items():
                _write_layer(tmp, name, df)
            check_store(tmp)


def empty_layer(name: str) -> pd.DataFrame:
    """An empty layer of the schema, spatial ones with their CRS."""
    layer = schema.LAYERS[name]
    if not layer.geometry:
        return schema.empty_frame(name)
    attrs = {f.name: pd.Series([], dtype=schema._PANDAS_DTYPES[f.dtype]) for f in layer.fields}
    return gpd.GeoDataFrame(attrs, geometry=gpd.GeoSeries([], crs=STORAGE_CRS))


def _has_store(location: Path | str) -> bool:
    if isinstance(location, Path):
        return location.exists()
    return "meta" in postgis.list_layers(location)


def init_store(location: Location) -> Path | str:
    """Create an empty store of this schema (a team's PostGIS database, or a new file);
    refused when one is already there, so nobody's data is wiped by mistake."""
    loc = location_of(location)
    if _has_store(loc):
        raise StoreError(Message.of("err.store.exists", store=shown(loc),
                                    command=f"python -m geo check --store {shown(loc)}"))
    return write_store(loc, {name: empty_layer(name) for name in schema.LAYERS if name != "meta"},
                       meta={"demo": "0"})


def copy_store(source: Location, target: Location, *, replace: bool = False) -> dict[str, int]:
    """Copy a whole store, history and meta included, GeoPackage and PostGIS either way
    (to start a team from a file, or for a laptop copy or a backup). The target must be
    new or empty (``geo init``) unless ``replace``; returns the rows copied per layer."""
    src, dst = location_of(source), location_of(target)
    layers = read_all(src)
    if _has_store(dst) and not replace:
        rows = {n: len(read_layer(dst, n)) for n in schema.LAYERS if n != "meta"}
        if any(rows.values()):
            raise StoreError(Message.of("err.store.holds_data", store=shown(dst),
                                        rows=sum(rows.values())))
    meta = {k: v for k, v in layers.pop("meta").set_index("key")["value"].items()
            if k != "schema_version"}
    write_store(dst, layers, meta=meta)
    return {name: len(df) for name, df in layers.items()}


_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _gpkg_empty(blob) -> int | None:
    """GeoPackage ``ST_IsEmpty``: the empty flag (bit 4) of the geometry blob's header."""
    if blob is None:
        return None
    return int(bool(blob[3] & 0x10))


def gpkg_geometry(blob):
    """A GeoPackage geometry blob as a shapely geometry (None for NULL or empty)."""
    if blob is None or blob[3] & 0x10:
        return None
    header = 8 + _ENVELOPE_BYTES[(blob[3] >> 1) & 0x07]
    return shapely.from_wkb(bytes(blob[header:]))


def gpkg_blob(geom, srs_id: int) -> bytes:
    """``geom`` as a GeoPackage geometry blob: standard header, little-endian, xy envelope."""
    minx, miny, maxx, maxy = geom.bounds
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i", int(srs_id))
    return header + struct.pack("<4d", minx, maxx, miny, maxy) + shapely.to_wkb(geom, byte_order=1)


def _gpkg_bound(i: int):
    def bound(blob):
        geom = gpkg_geometry(blob)
        return None if geom is None else geom.bounds[i]
    return bound


def register_gpkg_functions(con: sqlite3.Connection) -> None:
    """The SQL functions GDAL's R-tree triggers call, which plain SQLite lacks.

    An ``UPDATE`` of a spatial layer prepares those triggers even when the
    geometry does not change, so they must exist on the connection.
    """
    con.create_function("ST_IsEmpty", 1, _gpkg_empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        con.create_function(name, 1, _gpkg_bound(i), deterministic=True)


WRITE_WAIT_S = 30.0  # how long a writer waits for another one before giving up with a message


def lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


def _leftovers(path: Path) -> list[Path]:
    """Temporary copies and journals of writes that never finished (a killed import)."""
    return [p for p in path.parent.glob(f".{path.stem}-*.gpkg*") if p.is_file()]


_held = threading.local()  # the stores this thread holds the write lock of


def _flock(fh, mode: int, path: Path, wait_s: float) -> None:
    import fcntl

    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreBusyError(Message.of("store.busy", store=path.name)) from None
            time.sleep(0.02)


@contextlib.contextmanager
def read_lock(path: str | os.PathLike) -> Iterator[None]:
    """Readers share the store, writers have it alone (:func:`write_lock`): GDAL's reads do
    not see SQLite's own locks, so a read during a commit could see half-written pages."""
    import fcntl

    path = Path(path)
    held = getattr(_held, "paths", set())
    if path.name.startswith(".") or path.resolve() in held or not path.exists():
        yield  # a temporary copy, or this thread is the writer
        return
    with lock_path(path).open("a+") as fh:
        _flock(fh, fcntl.LOCK_SH, path, WRITE_WAIT_S)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_lock(path: str | os.PathLike, *, wait_s: float = WRITE_WAIT_S) -> Iterator[None]:
    """One writer at a time on the store at ``path``, across threads and processes.

    Every write (an edit's transaction, a whole-layer replace, a migration) holds
    this lock, so an import's swap cannot drop an edit made while it was writing,
    and two imports cannot both write. A writer waits up to ``wait_s`` seconds,
    then gets :class:`StoreBusyError` with a message instead of a traceback.
    Holding it, a writer removes what killed writers left behind.
    """
    import fcntl

    path = Path(path)
    if not hasattr(_held, "paths"):
        _held.paths = set()
    with lock_path(path).open("a+") as fh:
        _flock(fh, fcntl.LOCK_EX, path, wait_s)
        _held.paths.add(path.resolve())
        try:
            for stale in _leftovers(path):  # no other writer can be running: these are dead
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
                    logger.warning("removed %s, left by a write that did not finish", stale.name)
            yield
        finally:
            _held.paths.discard(path.resolve())
            fcntl.flock(fh, fcntl.LOCK_UN)


class _GpkgTx:
    """One write transaction on a GeoPackage: SQL with ``:named`` parameters (as on PostGIS)."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def execute(self, sql: str, params: Mapping | None = None):
        return self._con.execute(sql, dict(params or {}))

    def geometry(self, table: str, key: str, fid: str):
        """The stored geometry of one feature (shapely, in the storage CRS), or None."""
        col, _ = self._geometry_column(table)
        row = self._con.execute(f'SELECT "{col}" FROM "{table}" WHERE "{key}" = ?', (fid,)).fetchone()
        return gpkg_geometry(row[0]) if row is not None else None

    def set_geometry(self, table: str, key: str, fid: str, geom) -> None:
        """Write one feature's geometry (in the storage CRS; None: no geometry, an enterprise
        not located); GDAL's triggers keep the R-tree."""
        col, srs_id = self._geometry_column(table)
        self._con.execute(f'UPDATE "{table}" SET "{col}" = ? WHERE "{key}" = ?',
                          (gpkg_blob(geom, srs_id) if geom is not None else None, fid))

    def _geometry_column(self, table: str) -> tuple[str, int]:
        return self._con.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns "
                                 "WHERE table_name = ?", (table,)).fetchone()

    def touch(self, tables) -> None:
        """Record in ``gpkg_contents`` that ``tables`` changed (the GeoPackage's own log)."""
        import datetime as dt

        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        for table in tables:
            self._con.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
                              (stamp, table))


@contextlib.contextmanager
def transaction(path: Location):
    """A write transaction on the store for small attribute edits, one writer at a time
    (:func:`write_lock`; on PostGIS an advisory lock). It runs SQL with ``:named``
    parameters and quoted names, the same text on both backends.

    Commits when the block ends, rolls back on any exception: the store is as
    it was. Whole-layer geometry changes go through :func:`replace_layers`; one feature's
    (an outline reshaped, an enterprise placed) through the transaction's ``set_geometry``.
    """
    path = location_of(path)
    if isinstance(path, str):
        check_store(path)
        with postgis.transaction(path, WRITE_WAIT_S) as tx:
            yield tx
        return
    with write_lock(path):
        check_store(path)
        con = sqlite3.connect(path, isolation_level=None, timeout=WRITE_WAIT_S)
        register_gpkg_functions(con)
        try:
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:  # another program holds the file
                logger.info("store %s busy: %s", path.name, exc)
                raise StoreBusyError(Message.of("store.in_use", store=path.name)) from exc
            yield _GpkgTx(con)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()


def version(location: Location) -> str:
    """A token that changes with every write of the store ("" when it is missing)."""
    loc = location_of(location)
    return postgis.version(loc) if isinstance(loc, str) else file_version(loc)


def file_version(path: str | os.PathLike) -> str:
    """A token that changes with every write of the file at ``path`` ("" when it is missing).

    Whole-layer writes swap in a new file (another inode); an edit commits in
    place, which SQLite counts in the file's header (the "file change counter",
    bytes 24-27, bumped by every committed write transaction): a file's
    modification time can stay the same for two commits within a few
    milliseconds, the counter cannot. Cheap enough to ask on every page run.
    """
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            fh.seek(24)
            counter = int.from_bytes(fh.read(4), "big")
    except FileNotFoundError:
        return ""
    return f"{st.st_ino:x}-{counter:x}-{st.st_size:x}"


class Store(Mapping[str, pd.DataFrame]):
    """One store, as of one version: what the tools and pages are handed.

    It is a read-only mapping of layer name to frame (so a tool that takes
    "every layer" takes a Store), read lazily, each layer once; a layer first
    asked for after the file has changed is refused rather than read at the new
    version (:meth:`load` reads them all at once). It also carries
    the store's location, its :attr:`version` (the one cache key of anything
    derived from it), its meta, whether it is the demo (:attr:`is_demo`) and
    the plan its figures are measured against. Writes go through
    :meth:`transaction` and :meth:`replace_layers`; both leave this value as it
    was, and :meth:`reopen` gives the store at its new version.
    """

    def __init__(self, location: Location, *, plan_path: str | os.PathLike | None = None):
        self.location = location_of(location)
        self.version = version(self.location)
        self.meta: dict[str, str] = check_store(self.location)
        self._plan_path = Path(plan_path) if plan_path else None
        self._plan = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._lock = threading.Lock()

    # --- identity -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The store's file name, or its database (what a sheet's source line and a planner
        see)."""
        return display_name(self.location)

    @property
    def is_team(self) -> bool:
        """True for the PostGIS team store."""
        return isinstance(self.location, str)

    @property
    def key(self) -> str:
        """Location and version: the cache key of everything computed from this store."""
        return f"{shown(self.location)}@{self.version}"

    @property
    def is_demo(self) -> bool:
        """True when the store is the synthetic demo data set."""
        return self.meta.get("demo") == "1"

    @property
    def plan(self):
        """The plan (:class:`geo.plan.Plan`) the store's figures are measured against."""
        if self._plan is None:
            from geo.plan import load_plan

            self._plan = load_plan(self._plan_path)
        return self._plan

    def changed(self) -> bool:
        """True when the file was written since this value was opened."""
        return version(self.location) != self.version

    def reopen(self) -> Store:
        return Store(self.location, plan_path=self._plan_path)

    # --- reads ----------------------------------------------------------------------------
    def __getitem__(self, name: str) -> pd.DataFrame:
        frame = self._frames.get(name)
        if frame is None:
            if name not in schema.LAYERS:
                raise KeyError(name)
            with self._lock:  # one store value is shared by every session of the app
                frame = self._frames.get(name)
                if frame is None:
                    frame = read_layer(self.location, name)
                    if self.changed():  # never mix two versions in one value
                        raise StoreError(Message.of("err.store.changed_reading", store=self.name,
                                                    layer=name))
                    self._frames[name] = frame
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(schema.LAYERS)

    def __len__(self) -> int:
        return len(schema.LAYERS)

    def load(self) -> Store:
        """Read every layer now (a server warms its shared store once)."""
        for name in self:
            self[name]
        return self

    def layers(self) -> dict[str, pd.DataFrame]:
        """Every layer as a plain dict (a copy of the mapping, not of the frames)."""
        return {name: self[name] for name in self}

    # --- typed accessors ------------------------------------------------------------------
    county = property(lambda self: self["county"])
    towns = property(lambda self: self["towns"])
    platforms = property(lambda self: self["platforms"])
    zones = property(lambda self: self["zones"])
    parks = property(lambda self: self["parks"])
    parcels = property(lambda self: self["parcels"])
    land_sales = property(lambda self: self["land_sales"])
    enterprises = property(lambda self: self["enterprises"])
    enterprise_figures = property(lambda self: self["enterprise_figures"])
    cases = property(lambda self: self["cases"])
    constraints = property(lambda self: self["constraints"])
    roads = property(lambda self: self["roads"])
    targets = property(lambda self: self["targets"])
    audit = property(lambda self: self["audit"])

    # --- writes ---------------------------------------------------------------------------
    def transaction(self):
        """A write transaction for attribute edits (:func:`transaction`)."""
        return transaction(self.location)

    def replace_layers(self, layers: Mapping[str, pd.DataFrame]) -> Store:
        """Replace whole layers, all or nothing, only if the store is still at this value's
        version (else :class:`StoreChangedError`); returns the store at its new version."""
        replace_layers(self.location, layers, expect_version=self.version)
        return self.reopen()

    def __repr__(self) -> str:
        return f"Store({shown(self.location)!r}, version={self.version!r})"

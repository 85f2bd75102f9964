"""The team store: the same layers, meta and history as the GeoPackage, in PostgreSQL + PostGIS.

:mod:`geo.store` chooses this backend when the store's location is a
``postgresql://`` URL; everything above it (pages, edits, imports, figures,
the command line) is the same code for both. What differs is kept here:

- Reads: one ``SELECT`` per layer, in row order (``fid``), geometries as
  EPSG:4490 like the GeoPackage's. PostgreSQL gives each statement a
  consistent view, so readers need no lock.
- Writes: one transaction each, under a transaction-level advisory lock (the
  GeoPackage's ``fcntl`` lock), so writers queue and a busy store gives
  :class:`StoreBusyError` after the wait, never a half-written layer.
  Whole-layer writes replace the table inside the transaction (PostgreSQL's DDL
  is transactional): a failure leaves every table as it was.
- The version: a counter in ``store_changes`` that every write transaction
  bumps, so every write gives a new :attr:`geo.store.Store.version`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from geo import schema
from geo.errors import StoreBusyError, StoreChangedError, StoreError
from geo.i18n import Message
from geo.settings import STORAGE_CRS

STORAGE_SRID = int(STORAGE_CRS.split(":")[1])

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
_LOCK_ID = 0x4A59_0001  # the store's one write lock, an advisory lock number ("JY" 1)
_SRID = 4490
_MULTI = {"MultiPolygon": (shapely.GeometryType.POLYGON, shapely.MultiPolygon),
          "MultiLineString": (shapely.GeometryType.LINESTRING, shapely.MultiLineString)}
_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def is_url(location) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL as messages and the frame show it: never the password."""
    return make_url(_driver_url(url)).set(drivername="postgresql").render_as_string(
        hide_password=True)


def database(url: str) -> str:
    return make_url(_driver_url(url)).database or ""


def _driver_url(url: str) -> str:
    for scheme in SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def engine(url: str) -> sa.Engine:
    """One pooled engine per URL for the whole process (a server's sessions share it)."""
    with _engines_lock:
        eng = _engines.get(url)
        if eng is None:
            eng = sa.create_engine(_driver_url(url), pool_pre_ping=True)
            _engines[url] = eng
        return eng


def dispose(url: str) -> None:
    """Close the pooled connections of ``url`` (tests dropping their database)."""
    with _engines_lock:
        eng = _engines.pop(url, None)
    if eng is not None:
        eng.dispose()


@contextlib.contextmanager
def _connect(url: str) -> Iterator[sa.Connection]:
    try:
        con = engine(url).connect()
    except sa.exc.OperationalError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(Message.of("err.pg.connect", store=shown(url), detail=first)) from None
    with con:
        yield con


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sa.Connection) -> set[str]:
    return set(sa.inspect(con).get_table_names())


def read_meta(url: str) -> dict[str, str]:
    with _connect(url) as con:
        if "meta" not in _tables(con):
            raise StoreError(Message.of("err.pg.no_meta", store=shown(url),
                                        command=f"python -m geo init --store {shown(url)}"))
        rows = con.execute(sa.text("SELECT key, value FROM meta")).fetchall()
    return {k: v for k, v in rows}


def list_layers(url: str) -> set[str]:
    with _connect(url) as con:
        return _tables(con)


def version(url: str) -> str:
    """The store's change counter as a token ("" when the store is not set up)."""
    try:
        with _connect(url) as con:
            counter = con.execute(sa.text("SELECT counter FROM store_changes")).scalar()
    except (StoreError, sa.exc.ProgrammingError):
        return ""
    return f"pg-{counter}"


def read_layer(url: str, name: str, *, bbox=None) -> pd.DataFrame:
    """One layer as the GeoPackage gives it: a GeoDataFrame in EPSG:4490 for spatial layers,
    columns at their schema types, rows in stored order."""
    layer = schema.LAYERS[name]
    where, params = "", {}
    if bbox is not None and layer.geometry:
        where = (" WHERE ST_Intersects(geometry, ST_MakeEnvelope(:x0, :y0, :x1, :y1, "
                 f"{_SRID}))")
        params = dict(zip(("x0", "y0", "x1", "y1"), map(float, bbox), strict=True))
    sql = sa.text(f"SELECT * FROM {_q(name)}{where} ORDER BY fid")
    with _connect(url) as con:
        try:
            if layer.geometry:
                df = gpd.read_postgis(sql, con, geom_col="geometry", crs=STORAGE_CRS,
                                      params=params)
            else:
                df = pd.read_sql(sql, con, params=params)
        except sa.exc.ProgrammingError as exc:
            raise StoreError(Message.of("err.store.cannot_read", store=shown(url),
                                        what=Message.of("err.store.what_layer", layer=name),
                                        detail=str(exc.orig))) from None
    df = df.drop(columns=["fid"], errors="ignore")
    return _typed(name, df)


def _typed(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Columns as pyogrio reads them from a GeoPackage, so both stores give equal frames."""
    for f in schema.LAYERS[name].fields:
        if f.name not in df.columns:
            continue
        col = df[f.name]
        if f.dtype == "int":
            num = pd.to_numeric(col)
            df[f.name] = num.astype("int64") if num.notna().all() else num.astype("float64")
        elif f.dtype == "float":
            df[f.name] = pd.to_numeric(col).astype("float64")
        elif f.dtype == "bool":
            df[f.name] = col.astype(bool) if col.notna().all() else col.astype(object)
    return df


def _for_sql(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """A prepared layer (:func:`geo.store._prepare`) as PostgreSQL stores it."""
    layer = schema.LAYERS[name]
    out = df.copy()
    for f in layer.fields:
        if f.dtype == "bool" and f.name in out.columns:
            out[f.name] = out[f.name].astype("boolean")
    if layer.geometry in _MULTI:  # as pyogrio's promote_to_multi does for the GeoPackage
        single, multi = _MULTI[layer.geometry]
        geoms = out.geometry.values.copy()
        lone = shapely.get_type_id(geoms) == single
        if lone.any():
            geoms[lone] = [multi([g]) for g in geoms[lone]]
            out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    out.index = pd.RangeIndex(1, len(out) + 1, name="fid")
    return out


def _write_table(con: sa.Connection, name: str, df: pd.DataFrame) -> None:
    layer = schema.LAYERS[name]
    out = _for_sql(name, df)
    if layer.geometry:  # geometry type and SRID from the frame, through GeoAlchemy2
        out.to_postgis(name, con, if_exists="replace", index=True, index_label="fid")
    else:
        out.to_sql(name, con, if_exists="replace", index=True, index_label="fid",
                   method="multi", chunksize=5000)
    # rows added later by an edit (a history row) are numbered on from the last
    con.execute(sa.text(f"ALTER TABLE {_q(name)} ADD PRIMARY KEY (fid)"))
    con.execute(sa.text(f"ALTER TABLE {_q(name)} ALTER COLUMN fid ADD GENERATED BY DEFAULT "
                        f"AS IDENTITY (START WITH {len(out) + 1})"))


def _bump(con: sa.Connection) -> None:
    con.execute(sa.text("CREATE TABLE IF NOT EXISTS store_changes (counter BIGINT NOT NULL)"))
    if con.execute(sa.text("UPDATE store_changes SET counter = counter + 1")).rowcount == 0:
        con.execute(sa.text("INSERT INTO store_changes VALUES (1)"))


class Tx:
    """One write transaction on the team store: SQL with ``:named`` parameters."""

    def __init__(self, con: sa.Connection):
        self._con = con

    def execute(self, sql: str, params: Mapping | None = None):
        return self._con.execute(sa.text(sql), dict(params or {}))

    def geometry(self, table: str, key: str, fid: str):
        """The stored geometry of one feature (shapely, in the storage CRS), or None."""
        row = self._con.execute(sa.text(f"SELECT ST_AsBinary(geometry) FROM {_q(table)} "
                                        f"WHERE {_q(key)} = :fid"), {"fid": fid}).fetchone()
        return shapely.from_wkb(bytes(row[0])) if row is not None and row[0] is not None else None

    def set_geometry(self, table: str, key: str, fid: str, geom) -> None:
        """Write one feature's geometry (in the storage CRS; None: no geometry)."""
        self._con.execute(sa.text(f"UPDATE {_q(table)} SET geometry = "
                                  "ST_SetSRID(ST_GeomFromWKB(:wkb), :srid) "
                                  f"WHERE {_q(key)} = :fid"),
                          {"wkb": shapely.to_wkb(geom) if geom is not None else None,
                           "srid": STORAGE_SRID, "fid": fid})

    def touch(self, tables) -> None:
        """Record that ``tables`` changed: a new store version."""
        _bump(self._con)


@contextlib.contextmanager
def write_transaction(url: str, wait_s: float) -> Iterator[sa.Connection]:
    """A transaction holding the store's write lock (waiting up to ``wait_s``)."""
    with _connect(url) as con, con.begin():
        con.execute(sa.text(f"SET LOCAL lock_timeout = '{int(wait_s * 1000)}ms'"))
        try:
            con.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        except sa.exc.OperationalError as exc:
            if "lock timeout" in str(exc.orig):
                raise StoreBusyError(Message.of("store.busy", store=shown(url))) from None
            raise
        con.execute(sa.text("SET LOCAL lock_timeout = 0"))
        yield con


@contextlib.contextmanager
def transaction(url: str, wait_s: float) -> Iterator[Tx]:
    with write_transaction(url, wait_s) as con:
        yield Tx(con)


def write_store(url: str, prepared: Mapping[str, pd.DataFrame], wait_s: float) -> None:
    """Write every layer (a new store, or over an old one), all or nothing."""
    with write_transaction(url, wait_s) as con:
        con.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        for name, df in prepared.items():
            _write_table(con, name, df)
        _bump(con)


def replace_layers(url: str, prepared: Mapping[str, pd.DataFrame], *, expect_version, check,
                   wait_s: float) -> None:
    with write_transaction(url, wait_s) as con:
        check()
        if expect_version is not None:
            now = f"pg-{con.execute(sa.text('SELECT counter FROM store_changes')).scalar()}"
            if now != expect_version:
                raise StoreChangedError(Message.of("store.changed", store=shown(url)))
        for name, df in prepared.items():
            _write_table(con, name, df)
        _bump(con)


def run_migrations(url: str, version: str, migrations: Mapping[str, tuple[str, ...]],
                   target: str, wait_s: float, *,
                   new_layers: Mapping[str, pd.DataFrame] | None = None) -> list[str]:
    passed: list[str] = []
    with write_transaction(url, wait_s) as con:
        while version != target:
            if version not in migrations:
                raise StoreError(Message.of("err.store.no_migration", store=shown(url),
                                            version=repr(version), target=target))
            for sql in migrations[version]:
                con.execute(sa.text(sql))
            passed.append(version)
            version = str(int(version) + 1)
            con.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                        {"v": version})
        present = _tables(con)
        for name, df in (new_layers or {}).items():
            if name not in present:
                _write_table(con, name, df)
        _bump(con)
    return passed


# One parcel tile, as GDAL's MVT driver writes it for the GeoPackage (the same layer name,
# fields and extent): what the overview's Leaflet.VectorGrid layer draws.
_TILE_SQL = """
WITH b AS (SELECT ST_TileEnvelope(:z, :x, :y) AS env),
t AS (
  SELECT ST_AsMVTGeom(ST_Transform(p.geometry, 3857), b.env, 4096, 80, true) AS geom,
         p.parcel_id, p.lifecycle, p.town_code,
         round((ST_Area(ST_Transform(p.geometry, 4549)) / (10000.0 / 15))::numeric, 2)::float8
           AS area_mu
  FROM parcels p, b
  WHERE p.geometry && ST_Transform(b.env, 4490)
)
SELECT ST_AsMVT(t.*, :layer, 4096, 'geom') FROM t WHERE geom IS NOT NULL
"""


def parcel_tile(con: sa.Connection, z: int, x: int, y: int, layer: str = "parcels") -> bytes:
    """One Mapbox vector tile of the parcels, made by PostGIS (``ST_AsMVT``)."""
    data = con.execute(sa.text(_TILE_SQL), {"z": z, "x": x, "y": y, "layer": layer}).scalar()
    return bytes(data or b"")


def occupied_tiles(con: sa.Connection, z: int) -> set[tuple[int, int]]:
    """The (x, y) tiles at zoom ``z`` that hold a parcel, from the parcels' bounding boxes."""
    rows = con.execute(sa.text(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT ST_Transform(ST_Envelope(geometry), 3857) AS e FROM parcels) s")).fetchall()
    half = 20037508.342789244
    size = 2 * half / 2**z
    out: set[tuple[int, int]] = set()
    for x0, y0, x1, y1 in rows:
        for tx in range(int((x0 + half) // size), int((x1 + half) // size) + 1):
            for ty in range(int((half - y1) // size), int((half - y0) // size) + 1):
                out.add((tx, ty))
    return out

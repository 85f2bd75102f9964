"""Basemaps the county supplies: MBTiles, PMTiles and folders of XYZ tiles in one folder.

Every entry of the folder (:func:`geo.settings.basemaps_dir`) that is an
``.mbtiles`` or ``.pmtiles`` file or a folder of ``{z}/{x}/{y}.png|jpg|jpeg|webp``
tiles is a source, listed by its name. The browser asks for a tile by the
source's :attr:`TileSource.id` (a digest of its name) and three integers, never
by a path: a request cannot name a file outside the folder, and a name with
odd characters never enters a URL. Raster tiles only; vector tiles (MVT) are
refused with a reason.

* MBTiles: SQLite, table ``tiles`` in TMS order (row 0 at the south, so
  ``tile_row = 2**z - 1 - y``), table ``metadata`` for the format, zooms,
  bounds and attribution.
* PMTiles (v3): read with the ``pmtiles`` package over a memory map.
* XYZ folder: the zoom folders present, the format of the first tile found;
  a tile reached through a link that leads outside the folder is not served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import math
import mmap
import os
import re
import sqlite3
import struct
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from pmtiles.reader import Reader
from pmtiles.tile import Compression, MagicNumberNotFound, SpecVersionUnsupported, TileType

from geo.errors import PlannerError
from geo.i18n import Message

logger = logging.getLogger(__name__)

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_FORMAT_ALIASES = {"jpeg": "jpg", "jpg": "jpg", "png": "png", "webp": "webp"}
_PMTILES_TYPES = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
MAX_ZOOM = 24
_ID = re.compile(r"^[0-9a-f]{16}$")


class TileSourceError(PlannerError):
    """A file or folder that is not a raster tile set this app can serve."""


def source_id(name: str) -> str:
    """The id a source is asked for by: a digest of its file or folder name."""
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class TileSource:
    """One tile set: where it is, its format, zooms, bounds (degrees) and attribution."""

    name: str
    path: Path
    kind: str  # "mbtiles", "pmtiles" or "xyz"
    format: str  # "png", "jpg" or "webp"
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None = None
    attribution: str = ""

    @property
    def id(self) -> str:
        return source_id(self.name)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's bytes (XYZ numbering, y from the north), or None when it has none."""
        if not (self.min_zoom <= z <= self.max_zoom and 0 <= x < 2**z and 0 <= y < 2**z):
            return None
        if self.kind == "mbtiles":
            return _mbtiles_tile(self.path, z, x, y)
        if self.kind == "pmtiles":
            return _pmtiles_tile(self.path, z, x, y)
        return _xyz_tile(self.path, self.format, z, x, y)


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _raster_format(name: str, declared: str | None, sample: bytes | None) -> str:
    fmt = _FORMAT_ALIASES.get((declared or "").strip().lower())
    if fmt is None and sample:
        fmt = _sniff(gzip.decompress(sample) if sample[:2] == b"\x1f\x8b" else sample)
    if fmt is None:
        raise TileSourceError(Message.of("err.tiles.not_raster", file=name, format=declared or "?"))
    return fmt


def _bounds(text) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
    except ValueError:
        return None
    if -180 <= west < east <= 180 and -90 <= south < north <= 90:
        return west, south, east, north
    return None


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _open_mbtiles(path: Path) -> TileSource:
    try:
        con = _connect(path)
        try:
            meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
            zmin, zmax = con.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
            sample = con.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise TileSourceError(Message.of("err.tiles.not_mbtiles", file=path.name, detail=str(exc))) from exc
    if zmin is None:
        raise TileSourceError(Message.of("err.tiles.empty", file=path.name))
    fmt = _raster_format(path.name, meta.get("format"), sample[0] if sample else None)
    return TileSource(path.name, path, "mbtiles", fmt, int(zmin), int(zmax),
                      _bounds(meta.get("bounds")), str(meta.get("attribution", "")))


def _mbtiles_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    con = _connect(path)
    try:
        row = con.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? "
                          "AND tile_row=?", (z, x, 2**z - 1 - y)).fetchone()
    finally:
        con.close()
    return None if row is None else bytes(row[0])


def _pmtiles_read(path: Path, fn):
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return fn(Reader(lambda offset, length: mm[offset:offset + length]))


def _open_pmtiles(path: Path) -> TileSource:
    def read(reader: Reader):
        header = reader.header()
        try:
            meta = reader.metadata()
        except (ValueError, OSError):
            meta = {}
        return header, meta

    try:
        header, meta = _pmtiles_read(path, read)
    except (MagicNumberNotFound, SpecVersionUnsupported, ValueError, OSError, IndexError,
            struct.error) as exc:
        raise TileSourceError(Message.of("err.tiles.not_pmtiles", file=path.name, detail=str(exc))) from exc
    fmt = _PMTILES_TYPES.get(header["tile_type"])
    if fmt is None:
        raise TileSourceError(Message.of("err.tiles.not_raster", file=path.name,
                                         format=header["tile_type"].name))
    bounds = (header["min_lon_e7"] / 1e7, header["min_lat_e7"] / 1e7,
              header["max_lon_e7"] / 1e7, header["max_lat_e7"] / 1e7)
    attribution = meta.get("attribution", "") if isinstance(meta, dict) else ""
    return TileSource(path.name, path, "pmtiles", fmt, int(header["min_zoom"]),
                      int(header["max_zoom"]), _bounds(",".join(map(str, bounds))),
                      str(attribution))


def _pmtiles_tile(path: Path, z: int, x: int, y: int) -> bytes | None:
    def get(reader: Reader):
        data = reader.get(z, x, y)
        if data is not None and reader.header()["tile_compression"] == Compression.GZIP:
            data = gzip.decompress(data)
        return data

    return _pmtiles_read(path, get)


def _xyz_zooms(path: Path) -> list[int]:
    return sorted(int(p.name) for p in path.iterdir()
                  if p.is_dir() and p.name.isdigit() and int(p.name) <= MAX_ZOOM)


def _open_xyz(path: Path) -> TileSource:
    zooms = _xyz_zooms(path)
    for z in zooms:
        for tile in sorted((path / str(z)).glob("*/*")):
            fmt = _FORMAT_ALIASES.get(tile.suffix.lower().lstrip("."))
            if fmt and tile.stem.isdigit() and tile.parent.name.isdigit():
                ext = tile.suffix.lstrip(".")
                return TileSource(path.name, path, "xyz", fmt if ext != "jpeg" else "jpg",
                                  zooms[0], zooms[-1], _xyz_bounds(path, zooms[0]),
                                  _attribution_file(path))
    raise TileSourceError(Message.of("err.tiles.no_xyz", file=path.name))


def _xyz_bounds(path: Path, z: int):
    xs = [int(p.name) for p in (path / str(z)).iterdir() if p.name.isdigit()]
    ys = [int(t.stem) for x in xs for t in (path / str(z) / str(x)).iterdir() if t.stem.isdigit()]
    if not xs or not ys:
        return None
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (min(xs) / n * 360 - 180, lat(max(ys) + 1), (max(xs) + 1) / n * 360 - 180, lat(min(ys)))


def _attribution_file(path: Path) -> str:
    meta = path / "metadata.json"
    try:
        return str(json.loads(meta.read_text(encoding="utf-8")).get("attribution", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def _xyz_tile(path: Path, fmt: str, z: int, x: int, y: int) -> bytes | None:
    root = path.resolve()
    exts = ("jpg", "jpeg") if fmt == "jpg" else (fmt,)
    for ext in exts:
        tile = (path / str(z) / str(x) / f"{y}.{ext}").resolve()
        if tile.is_relative_to(root) and tile.is_file():
            return tile.read_bytes()
    return None


def _kind(entry: Path) -> str | None:
    if entry.name.startswith("."):
        return None
    suffix = entry.suffix.lower()
    if entry.is_file() and suffix in (".mbtiles", ".pmtiles"):
        return suffix.lstrip(".")
    return "xyz" if entry.is_dir() else None


def open_source(path: str | os.PathLike) -> TileSource:
    """Read one tile set's description.

    Raises
    ------
    TileSourceError
        Not an MBTiles/PMTiles file or XYZ folder, or not raster tiles.
    """
    path = Path(path)
    kind = _kind(path)
    if kind == "mbtiles":
        return _open_mbtiles(path)
    if kind == "pmtiles":
        return _open_pmtiles(path)
    if kind == "xyz":
        return _open_xyz(path)
    raise TileSourceError(Message.of("err.tiles.unknown_kind", file=path.name))


def list_sources(folder: str | os.PathLike | None) -> list[TileSource]:
    """Every tile set in ``folder``, by name; entries that are not one are logged and skipped."""
    if folder is None or not Path(folder).is_dir():
        return []
    found = []
    for entry in sorted(Path(folder).iterdir(), key=lambda p: p.name):
        if _kind(entry) is None:
            continue
        try:
            found.append(open_source(entry))
        except TileSourceError as exc:
            logger.warning("basemap skipped: %s", exc)
    return found


def find(folder: str | os.PathLike | None, wanted_id: str) -> TileSource | None:
    """The tile set of ``folder`` whose id is ``wanted_id``; only that one is opened."""
    if folder is None or not _ID.match(wanted_id) or not Path(folder).is_dir():
        return None
    for entry in Path(folder).iterdir():
        if source_id(entry.name) == wanted_id and _kind(entry) is not None:
            try:
                return open_source(entry)
            except TileSourceError:
                return None
    return None

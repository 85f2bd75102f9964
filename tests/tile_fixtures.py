"""Real tile sets written by the tests: MBTiles (SQLite, TMS rows), PMTiles, XYZ folders."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as pmtiles_write

from geo import cadastre

JINYUN = (119.87, 28.41, 120.42, 28.95)  # west, south, east, north


def png(rgb=(200, 60, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(buf, "PNG")
    return buf.getvalue()


def tiles_over(bounds=JINYUN, zooms=range(8, 12), rgb=(200, 60, 40)) -> dict:
    """One solid tile of colour ``rgb`` for every XYZ tile over ``bounds``."""
    data = png(rgb)
    out = {}
    merc = cadastre.mercator_bounds(bounds)
    for z in zooms:
        x0, y0, x1, y1 = cadastre.tile_range(merc, z)
        out.update({(z, x, y): data for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)})
    return out


def write_mbtiles(path: Path, tiles: dict, *, fmt: str | None = "png", bounds=JINYUN,
                  attribution: str = "") -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, "
                "tile_data blob)")
    meta = {"name": path.stem, "bounds": ",".join(map(str, bounds)), "attribution": attribution}
    if fmt is not None:
        meta["format"] = fmt
    con.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    con.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()])
    con.commit()
    con.close()
    return path


def write_pmtiles(path: Path, tiles: dict, *, bounds=JINYUN, tile_type=TileType.PNG) -> Path:
    with pmtiles_write(str(path)) as w:
        for (z, x, y), data in sorted(tiles.items(), key=lambda kv: zxy_to_tileid(*kv[0])):
            w.write_tile(zxy_to_tileid(z, x, y), data)
        w.finalize({"tile_type": tile_type, "tile_compression": Compression.NONE,
                    "min_lon_e7": int(bounds[0] * 1e7), "min_lat_e7": int(bounds[1] * 1e7),
                    "max_lon_e7": int(bounds[2] * 1e7), "max_lat_e7": int(bounds[3] * 1e7),
                    "center_zoom": 10, "center_lon_e7": int((bounds[0] + bounds[2]) / 2 * 1e7),
                    "center_lat_e7": int((bounds[1] + bounds[3]) / 2 * 1e7)},
                   {"attribution": "PM test"})
    return path


def write_xyz(folder: Path, tiles: dict, ext: str = "png") -> Path:
    for (z, x, y), data in tiles.items():
        tile = folder / str(z) / str(x) / f"{y}.{ext}"
        tile.parent.mkdir(parents=True, exist_ok=True)
        tile.write_bytes(data)
    return folder

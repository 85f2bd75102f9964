"""A county-wide cadastre in the browser: grid aggregates and vector tiles.

Embedded GeoJSON stays usable up to about 20,000 parcels (PERFORMANCE.md §2), but
in this app 10,000 parcels already drew slower as GeoJSON than as tiles
(``bench/cadastre_browser_bench.py``), hence the default threshold of 8,000.
Above :func:`geo.settings.parcel_tile_threshold` the overview map shows

* below zoom :data:`TILE_MIN_ZOOM`: parcels aggregated on a square grid
  (:func:`grid_aggregates`, a few hundred cells, embedded);
* from :data:`TILE_MIN_ZOOM` on: the parcels themselves as Mapbox vector tiles
  (:func:`build_tiles`, GDAL's MVT driver, built once per parcel content and
  served as static files), drawn by Leaflet.VectorGrid.

Tiles carry only what the map styles and the popup shows (:data:`TILE_FIELDS`);
labels are applied in the browser, so one tile set serves every language.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Transformer

from geo import schema
from geo.settings import METRIC_CRS
from geo.units import M2_PER_MU

logger = logging.getLogger(__name__)

TILE_LAYER = "parcels"           # layer name inside the tiles
TILE_MIN_ZOOM = 14               # parcels drawn from this zoom on; aggregates below it
TILE_MAX_NATIVE_ZOOM = 15        # deepest tiles built; Leaflet over-zooms them beyond
TILE_FIELDS = ("parcel_id", "lifecycle", "town_code", "area_mu")
GRID_CELL_M = 500.0              # side of an aggregate cell, metres in EPSG:4549
TILES_VERSION = "2"              # bump when the tile content or options change


def with_area(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``parcels`` in EPSG:4549 with ``area_mu`` rounded to 0.01 mu."""
    metric = parcels.to_crs(METRIC_CRS)
    return metric.assign(area_mu=np.round(metric.area.to_numpy() / M2_PER_MU, 2))


def grid_aggregates(parcels: gpd.GeoDataFrame, *, cell_m: float = GRID_CELL_M) -> gpd.GeoDataFrame:
    """Parcels counted on a square grid (by their centroid), in EPSG:4549.

    Returns
    -------
    cells
        One row per non-empty cell: ``count``, ``area_mu`` (sum of the
        parcels' areas) and one ``n_<code>`` column per lifecycle code.
    """
    metric = with_area(parcels)
    c = shapely.centroid(metric.geometry.to_numpy())
    ix = np.floor(shapely.get_x(c) / cell_m).astype(np.int64)
    iy = np.floor(shapely.get_y(c) / cell_m).astype(np.int64)
    df = pd.DataFrame({"ix": ix, "iy": iy, "area_mu": metric["area_mu"].to_numpy(),
                       "lifecycle": pd.Categorical(metric["lifecycle"],
                                                   categories=schema.ENUMS["lifecycle"])})
    grouped = df.groupby(["ix", "iy"], sort=True)
    cells = grouped["area_mu"].agg(["size", "sum"]).rename(columns={"size": "count",
                                                                    "sum": "area_mu"})
    stages = pd.crosstab([df["ix"], df["iy"]], df["lifecycle"], dropna=False)
    stages = stages.reindex(columns=list(schema.ENUMS["lifecycle"]), fill_value=0)
    stages.columns = [f"n_{code}" for code in stages.columns]
    cells = cells.join(stages).reset_index()
    cells["area_mu"] = cells["area_mu"].round(1)
    x0 = cells["ix"].to_numpy() * cell_m
    y0 = cells["iy"].to_numpy() * cell_m
    geoms = shapely.box(x0, y0, x0 + cell_m, y0 + cell_m)
    return gpd.GeoDataFrame(cells.drop(columns=["ix", "iy"]), geometry=geoms, crs=METRIC_CRS)


def density_breaks(counts, k: int = 5) -> np.ndarray:
    """Integer class breaks of cell counts at quantiles, so every class shows up.

    Class ``i`` holds counts ``breaks[i-1] <= c < breaks[i]`` (open ends outside).
    """
    values = np.asarray(counts, dtype=float)
    if len(values) == 0:
        return np.array([], dtype=np.int64)
    q = np.ceil(np.quantile(values, np.linspace(0, 1, k + 1)[1:-1])).astype(np.int64)
    return np.unique(q[q > values.min()])


def density_classes(counts, breaks: np.ndarray) -> np.ndarray:
    """Class index of each count under ``breaks`` (see :func:`density_breaks`)."""
    return np.searchsorted(breaks, np.asarray(counts), side="right")


def density_ranges(breaks: np.ndarray, vmax: int) -> list[tuple[int, int]]:
    """(lowest, highest) count of every class, for the legend."""
    edges = [1, *[int(b) for b in breaks], int(vmax) + 1]
    return [(lo, hi - 1) for lo, hi in zip(edges[:-1], edges[1:], strict=True)]


def content_key(parcels: gpd.GeoDataFrame) -> str:
    """A digest of what the tiles show: ids, lifecycle, town and geometry."""
    h = hashlib.sha256(TILES_VERSION.encode())
    attrs = parcels[["parcel_id", "lifecycle", "town_code"]].astype(str)
    h.update(pd.util.hash_pandas_object(attrs, index=False).to_numpy().tobytes())
    h.update(str(parcels.crs).encode())
    for wkb in shapely.to_wkb(parcels.geometry.to_numpy()):
        h.update(wkb)
    return h.hexdigest()[:16]


_WEB_MERCATOR_HALF = 20037508.342789244


def tile_range(bounds_3857, zoom: int) -> tuple[int, int, int, int]:
    """(xmin, ymin, xmax, ymax) of the XYZ tiles at ``zoom`` covering ``bounds_3857``."""
    n = 2**zoom
    size = 2 * _WEB_MERCATOR_HALF / n
    minx, miny, maxx, maxy = bounds_3857
    x0 = int((minx + _WEB_MERCATOR_HALF) // size)
    x1 = int((maxx + _WEB_MERCATOR_HALF) // size)
    y0 = int((_WEB_MERCATOR_HALF - maxy) // size)
    y1 = int((_WEB_MERCATOR_HALF - miny) // size)
    return max(x0, 0), max(y0, 0), min(x1, n - 1), min(y1, n - 1)


def lonlat_bounds(parcels: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the parcels in degrees; cheap for stored (geographic) data."""
    if parcels.crs is not None and parcels.crs.is_geographic:
        return tuple(float(v) for v in parcels.total_bounds)
    return tuple(float(v) for v in parcels.to_crs("EPSG:4326").total_bounds)


def mercator_bounds(lonlat: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A lon/lat box in Web Mercator metres (a lon/lat box stays a box there)."""
    west, south, east, north = lonlat
    xs, ys = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(
        [west, east], [south, north])
    return xs[0], ys[0], xs[1], ys[1]


def _fill_empty_tiles(folder: Path, bounds_3857, min_zoom: int, max_zoom: int) -> None:
    """An empty file for every tile without parcels inside the bounds: no 404 in the browser."""
    for z in range(min_zoom, max_zoom + 1):
        x0, y0, x1, y1 = tile_range(bounds_3857, z)
        for x in range(x0, x1 + 1):
            col = folder / str(z) / str(x)
            col.mkdir(parents=True, exist_ok=True)
            for y in range(y0, y1 + 1):
                tile = col / f"{y}.pbf"
                if not tile.exists():
                    tile.touch()


def build_tiles_postgis(url: str, parcels: gpd.GeoDataFrame, out_dir: str | os.PathLike, *,
                        min_zoom: int = TILE_MIN_ZOOM,
                        max_zoom: int = TILE_MAX_NATIVE_ZOOM) -> Path:
    """The same tile folder as :func:`build_tiles`, made by PostGIS (``ST_AsMVT``) from the
    team store's own table, all or nothing: no parcel crosses into Python."""
    from geo import postgis

    out = Path(out_dir)
    if (out / "metadata.json").exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    target = tmp / "tiles"
    try:
        with postgis.engine(url).connect() as con:
            for z in range(min_zoom, max_zoom + 1):
                for x, y in sorted(postgis.occupied_tiles(con, z)):
                    tile = target / str(z) / str(x) / f"{y}.pbf"
                    tile.parent.mkdir(parents=True, exist_ok=True)
                    tile.write_bytes(postgis.parcel_tile(con, z, x, y, TILE_LAYER))
        bounds = lonlat_bounds(parcels)
        _fill_empty_tiles(target, mercator_bounds(bounds), min_zoom, max_zoom)
        (target / "metadata.json").write_text(json.dumps({
            "name": "tiles", "minzoom": min_zoom, "maxzoom": max_zoom, "format": "pbf",
            "bounds": ",".join(f"{v:.7f}" for v in bounds), "generator": "PostGIS ST_AsMVT",
            "json": json.dumps({"vector_layers": [{"id": TILE_LAYER, "fields": {
                "parcel_id": "String", "lifecycle": "String", "town_code": "String",
                "area_mu": "Number"}}]})}, indent=1), encoding="utf-8")
        try:
            os.replace(target, out)
        except OSError:
            if not (out / "metadata.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("built %d-parcel tiles z%d-%d with ST_AsMVT in %s", len(parcels), min_zoom,
                max_zoom, out)
    return out


@contextlib.contextmanager
def tile_folder(out: Path) -> Iterator[Path]:
    """A scratch folder beside ``out`` to build a tile set in; it becomes ``out`` when the block
    ends without error, all or nothing (a half-built set is never served). Two builds of the
    same content may race: the loser's copy is dropped once the winner's is in place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    target = tmp / "tiles"
    try:
        yield target
        try:
            os.replace(target, out)
        except OSError:
            if not (out / "metadata.json").exists():  # lost a race only if the other build finished
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_tiles(parcels: gpd.GeoDataFrame, out_dir: str | os.PathLike, *,
                min_zoom: int = TILE_MIN_ZOOM, max_zoom: int = TILE_MAX_NATIVE_ZOOM) -> Path:
    """Write the parcels as an MVT tile folder ``out_dir/{z}/{x}/{y}.pbf``, all or nothing.

    Tiles are uncompressed protobuf (the web server gzips them on the way);
    a tile may hold up to 2 MB and every parcel, so none is dropped. Tiles with
    no parcel inside the parcels' bounds are written empty, so a map limited to
    those bounds never asks for a missing tile.
    """
    out = Path(out_dir)
    if (out / "metadata.json").exists():
        return out
    data = with_area(parcels)[[*TILE_FIELDS, "geometry"]].to_crs("EPSG:3857")
    with tile_folder(out) as target:
        pyogrio.write_dataframe(data, target, driver="MVT", layer=TILE_LAYER, dataset_options={
            "MINZOOM": str(min_zoom), "MAXZOOM": str(max_zoom), "COMPRESS": "NO",
            "FORMAT": "DIRECTORY", "MAX_SIZE": "2000000", "MAX_FEATURES": "1000000",
        })
        _fill_empty_tiles(target, mercator_bounds(lonlat_bounds(parcels)), min_zoom, max_zoom)
    logger.info("built %d-parcel tiles z%d-%d in %s", len(parcels), min_zoom, max_zoom, out)
    return out

"""A synthetic county cadastre of N parcels for load tests (default 100,000).

The parcels are irregular and contiguous: Voronoi cells of random seeds inside
street blocks, segmented every 20 m and bent by one smooth displacement field
(so neighbours keep sharing their edges), separated by 2 m gaps between
parcels and 8 m roads between blocks. Their density follows the towns and the
platforms of the demo data inside the real county boundary
(:func:`geo.demo.load_boundary`); every parcel is 0.3 to 30 mu (EPSG:4549).
The same ``seed`` gives the same parcels.

Use as a library::

    from bench.gen_cadastre import generate, build_store
    parcels = generate(10_000, seed=1)          # GeoDataFrame in EPSG:4549
    build_store(100_000, "bench/out/cadastre_100000.gpkg")

or from the shell (writes a full store usable by the app, marked demo)::

    .venv/bin/python bench/gen_cadastre.py --n 100000 --out bench/out/cadastre_100000.gpkg
    JINYUN_STORE=bench/out/cadastre_100000.gpkg .venv/bin/streamlit run app.py
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from rasterio import features
from rasterio.transform import Affine
from scipy import ndimage
from scipy.spatial import cKDTree

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from geo import demo, schema, store  # noqa: E402
from geo.errors import StoreError  # noqa: E402
from geo.settings import DEFAULT_STORE, DEMO_MARKER, METRIC_CRS  # noqa: E402
from geo.units import M2_PER_MU  # noqa: E402

logger = logging.getLogger(__name__)

SEED = 7
OUT_DIR = PROJECT / "bench" / "out"
MIN_MU, MAX_MU = 0.3, 30.0
CELL_M = 100.0             # resolution of the suitability grid
MEAN_PARCEL_M2 = 3000.0    # developed land per parcel, gaps included (about 4.5 mu)
PARCELS_PER_BLOCK = 60     # a street block holds this many parcels on average
PARCEL_GAP_M = 2.0         # gap between neighbouring parcels
ROAD_M = 8.0               # road between street blocks
SEGMENT_M = 20.0           # vertex spacing before the displacement
WIGGLE_M = 1.5             # amplitude of the displacement field
OVERSAMPLE = 1.12          # seeds per wanted parcel (small cells are dropped)


def _demo_layers() -> dict[str, pd.DataFrame]:
    """The demo store's layers; rebuilt under bench/out when the bundled one is stale."""
    try:
        return store.read_all(DEFAULT_STORE)
    except StoreError as exc:
        base = OUT_DIR / "demo_base" / "jinyun_demo.gpkg"
        try:
            return store.read_all(base)
        except StoreError:
            logger.warning("%s; building a fresh demo store at %s", exc, base)
            demo.build(base)
            return store.read_all(base)


def _suitability(county, towns: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, rng):
    """Where development concentrates: near the platforms' zones and the town seats."""
    minx, miny, maxx, maxy = county.bounds
    width = int(np.ceil((maxx - minx) / CELL_M))
    height = int(np.ceil((maxy - miny) / CELL_M))
    transform = Affine(CELL_M, 0.0, minx, 0.0, -CELL_M, maxy)
    cols, rows = np.meshgrid(np.arange(width), np.arange(height))
    x = minx + (cols + 0.5) * CELL_M
    y = maxy - (rows + 0.5) * CELL_M
    s = np.zeros((height, width))
    for t in towns.itertuples():
        weight, reach = (1.0, 3500.0) if t.key_industrial else (0.55, 1800.0)
        d = np.hypot(x - t.geometry.x, y - t.geometry.y)
        s = np.maximum(s, weight * np.exp(-d / reach))
    in_zone = features.rasterize([(g, 1) for g in zones.geometry], out_shape=s.shape,
                                 transform=transform, dtype="uint8")
    s += 0.8 * in_zone
    noise = ndimage.gaussian_filter(rng.standard_normal(s.shape), 6)
    s += 0.35 * noise / noise.std() * s.clip(0.05, 1)
    inside = features.rasterize([(county.buffer(-150), 1)], out_shape=s.shape,
                                transform=transform, dtype="uint8")
    s[inside == 0] = -np.inf
    return s, transform


def _region(s: np.ndarray, transform, area_m2: float, county):
    """The developed land: the best cells of ``s`` covering ``area_m2``, as polygons."""
    order = np.sort(s[np.isfinite(s)])[::-1]
    k = min(len(order) - 1, int(area_m2 / CELL_M**2))
    mask = s >= order[k]
    polys = [shapely.geometry.shape(g) for g, _ in
             features.shapes(mask.astype("uint8"), mask=mask, transform=transform)]
    region = shapely.union_all(shapely.simplify(np.array(polys), CELL_M * 0.4))
    return shapely.intersection(region, county.buffer(-50)), mask


def _seeds(rng, mask: np.ndarray, transform, n_seeds: int):
    """Block seeds and parcel seeds; each block draws its own parcel size."""
    rows, cols = np.nonzero(mask)
    cx = transform.c + (cols + 0.5) * CELL_M
    cy = transform.f - (rows + 0.5) * CELL_M
    n_blocks = max(4, n_seeds // PARCELS_PER_BLOCK)
    pick = rng.choice(len(cx), size=min(n_blocks, len(cx)), replace=False)
    block_xy = np.c_[cx[pick], cy[pick]] + rng.uniform(-0.5, 0.5, (len(pick), 2)) * CELL_M
    # parcel size varies block by block: small village plots to large factories
    block_mean = np.exp(rng.uniform(np.log(1.2), np.log(9.0), len(block_xy)))
    _, cell_block = cKDTree(block_xy).query(np.c_[cx, cy])
    density = 1.0 / block_mean[cell_block]
    density *= n_seeds / density.sum()
    counts = rng.poisson(density)
    xy = np.repeat(np.c_[cx, cy], counts, axis=0)
    xy += rng.uniform(-0.5, 0.5, xy.shape) * CELL_M
    _, seed_block = cKDTree(block_xy).query(xy)
    return block_xy, xy, seed_block


def _displace(coords: np.ndarray, phases: np.ndarray) -> np.ndarray:
    """A smooth field (gradient well below 1), so shared edges stay shared and simple."""
    x, y = coords[:, 0], coords[:, 1]
    dx = np.zeros_like(x)
    dy = np.zeros_like(y)
    for (kx, ky, p), amp in zip(phases, (1.0, 0.6, 0.4), strict=True):
        dx += amp * np.sin(kx * x + ky * y + p)
        dy += amp * np.cos(ky * x - kx * y + p * 1.7)
    return coords + WIGGLE_M / 2.0 * np.c_[dx, dy]


def _largest_part(geoms: np.ndarray) -> np.ndarray:
    parts, owner = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    order = np.lexsort((-area, owner))
    first = np.r_[True, owner[order][1:] != owner[order][:-1]]
    out = np.full(len(geoms), None, dtype=object)
    out[owner[order][first]] = parts[order][first]
    return out


def _tessellate(rng, region, block_xy, xy, seed_block):
    """Parcels: per block, Voronoi cells of its seeds clipped to the block minus roads."""
    blocks = shapely.voronoi_polygons(shapely.multipoints(block_xy), extend_to=region.envelope,
                                      ordered=True)
    blocks = shapely.get_parts(blocks)
    blocks = shapely.intersection(blocks, region)
    blocks = shapely.buffer(blocks, -ROAD_M / 2, join_style="mitre")
    cells, owner = [], []
    order = np.argsort(seed_block, kind="stable")
    bounds = np.searchsorted(seed_block[order], np.arange(len(block_xy) + 1))
    for b in range(len(block_xy)):
        idx = order[bounds[b]:bounds[b + 1]]
        if len(idx) == 0 or shapely.is_empty(blocks[b]):
            continue
        if len(idx) == 1:
            cells.append(np.array([blocks[b]]))
        else:
            vor = shapely.voronoi_polygons(shapely.multipoints(xy[idx]),
                                           extend_to=blocks[b].envelope, ordered=True)
            cells.append(shapely.get_parts(vor))
        owner.append(np.full(len(cells[-1]), b))
    cells = np.concatenate(cells)
    owner = np.concatenate(owner)
    shapely.prepare(blocks)
    inside = shapely.contains_properly(blocks[owner], cells)
    clipped = cells.copy()
    clipped[~inside] = shapely.intersection(cells[~inside], blocks[owner[~inside]])
    clipped = _largest_part(clipped)
    ok = np.array([g is not None for g in clipped]) & ~shapely.is_empty(clipped)
    clipped = clipped[ok]
    phases = np.c_[rng.uniform(0.02, 0.05, 3) * rng.choice([-1, 1], 3),
                   rng.uniform(0.02, 0.05, 3), rng.uniform(0, 2 * np.pi, 3)]
    bent = shapely.transform(shapely.segmentize(clipped, SEGMENT_M),
                             lambda c: _displace(c, phases))
    parcels = shapely.buffer(bent, -PARCEL_GAP_M / 2, join_style="mitre")
    return _largest_part(parcels)


def _attributes(rng, gdf: gpd.GeoDataFrame, layers: dict) -> gpd.GeoDataFrame:
    n = len(gdf)
    pts = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=METRIC_CRS)
    towns = layers["towns"].to_crs(METRIC_CRS)
    seat = np.c_[towns.geometry.x, towns.geometry.y]
    _, nearest = cKDTree(seat).query(np.c_[pts.geometry.x, pts.geometry.y])
    gdf["town_code"] = towns["town_code"].to_numpy()[nearest]
    for layer, key in (("platforms", "platform_id"), ("parks", "park_id")):
        poly = layers[layer].to_crs(METRIC_CRS)[[key, "geometry"]]
        hit = gpd.sjoin(pts, poly, predicate="within", how="left")
        gdf[key] = hit.groupby(level=0)[key].first().reindex(gdf.index).astype(object).where(
            lambda s: s.notna(), None)
    gdf["parcel_id"] = [f"331122-{i:06d}" for i in range(1, n + 1)]
    codes = list(demo.LIFECYCLE_SHARES)
    gdf["lifecycle"] = rng.choice(codes, size=n, p=list(demo.LIFECYCLE_SHARES.values()))
    gdf["land_use"] = rng.choice(schema.ENUMS["land_use"], size=n, p=[0.9, 0.07, 0.03])
    gdf["approved_year"] = rng.integers(1995, 2022, n)
    started = gdf["lifecycle"].isin(["built", "producing", "meeting"]).to_numpy()
    ratio = np.round(rng.uniform(0.5, 2.6, n), 2)
    gdf["plot_ratio"] = np.where(started, ratio, np.nan)
    gdf["floor_area_m2"] = np.where(started, np.round(ratio * gdf.area), np.nan)
    gdf["holder"] = None  # a synthetic cadastre names no right holder
    gdf["holder_uscc"] = None
    gdf["demo_marker"] = DEMO_MARKER
    return gdf[[*schema.LAYERS["parcels"].field_names, "demo_marker", "geometry"]]


def generate(n: int = 100_000, *, seed: int = SEED,
             layers: dict[str, pd.DataFrame] | None = None) -> gpd.GeoDataFrame:
    """``n`` synthetic parcels with the store's parcel schema, in EPSG:4549.

    Parameters
    ----------
    n
        Number of parcels, exactly.
    seed
        Seed of every random draw: the same seed gives the same parcels.
    layers
        Store layers giving the towns, zones, platforms and parks the parcels
        gather around and are attributed to; default the demo store's.
    """
    if n < 10:
        msg = f"n={n}: need at least 10 parcels"
        raise ValueError(msg)
    layers = layers if layers is not None else _demo_layers()
    county = demo.load_boundary().geometry.iloc[0]
    towns = layers["towns"].to_crs(METRIC_CRS)
    zones = layers["zones"].to_crs(METRIC_CRS)
    oversample = OVERSAMPLE
    for _ in range(6):
        rng = np.random.default_rng(seed)
        s, transform = _suitability(county, towns, zones, rng)
        region, mask = _region(s, transform, n * MEAN_PARCEL_M2 * oversample / OVERSAMPLE, county)
        block_xy, xy, seed_block = _seeds(rng, mask, transform, int(n * oversample))
        geoms = _tessellate(rng, region, block_xy, xy, seed_block)
        mu = shapely.area(geoms) / M2_PER_MU
        keep = (mu >= MIN_MU) & (mu <= MAX_MU) & shapely.is_valid(geoms)
        geoms = geoms[keep]
        if len(geoms) >= n:
            break
        oversample *= 1.03 * n / max(len(geoms), 1)
    else:
        msg = f"could not place {n} parcels of {MIN_MU}-{MAX_MU} mu in the county"
        raise RuntimeError(msg)
    # keep the n parcels on the best land: the fringe goes, the rest stays contiguous
    c = shapely.centroid(geoms)
    col = ((shapely.get_x(c) - transform.c) / CELL_M).astype(int).clip(0, s.shape[1] - 1)
    row = ((transform.f - shapely.get_y(c)) / CELL_M).astype(int).clip(0, s.shape[0] - 1)
    best = np.sort(np.argsort(-s[row, col], kind="stable")[:n])
    gdf = gpd.GeoDataFrame(geometry=geoms[best], crs=METRIC_CRS)
    return _attributes(rng, gdf, layers)


def _repoint(layers: dict, parcels: gpd.GeoDataFrame) -> dict:
    """Point enterprises, sales and cases of the demo at the new parcels under them."""
    out = dict(layers)
    old = layers["parcels"].to_crs(METRIC_CRS).set_index("parcel_id").geometry
    new = parcels[["parcel_id", "geometry"]]

    def nearest(points: gpd.GeoSeries) -> pd.Series:
        hit = gpd.sjoin_nearest(gpd.GeoDataFrame(geometry=points, crs=METRIC_CRS), new, how="left")
        return hit.groupby(level=0)["parcel_id"].first()

    ents = layers["enterprises"].to_crs(METRIC_CRS)
    hit = gpd.sjoin(ents[["geometry"]], new, predicate="within", how="left")
    pid = hit.groupby(level=0)["parcel_id"].first()
    out["enterprises"] = ents.assign(parcel_id=pid.astype(object).where(pid.notna(), None))
    sales = layers["land_sales"]
    if len(sales):
        where = old.reindex(sales["parcel_id"]).representative_point()
        where.index = sales.index
        out["land_sales"] = sales.assign(parcel_id=nearest(where))
    cases = layers["cases"].to_crs(METRIC_CRS)
    if len(cases):
        pid = nearest(cases.geometry.representative_point())
        geom = new.set_index("parcel_id").geometry.reindex(pid).to_numpy()
        out["cases"] = cases.assign(parcel_id=pid, geometry=geom)
    out["parcels"] = parcels
    return out


def build_store(n: int = 100_000, out: str | Path | None = None, *, seed: int = SEED) -> Path:
    """Write a full store (the demo's layers, ``n`` generated parcels) at ``out``."""
    out = Path(out) if out else OUT_DIR / f"cadastre_{n}.gpkg"
    layers = _demo_layers()
    parcels = generate(n, seed=seed, layers=layers)
    full = _repoint({k: v for k, v in layers.items() if k != "meta"}, parcels)
    meta = dict(store.read_meta(DEFAULT_STORE)) if DEFAULT_STORE.exists() else {}
    meta.pop("schema_version", None)
    meta.update({"demo": "1", "demo_marker": DEMO_MARKER, "cadastre_seed": str(seed),
                 "cadastre_parcels": str(n), "cadastre_generator": "bench/gen_cadastre.py"})
    store.write_store(out, full, meta=meta)
    dem = out.with_name(f"{out.stem}_dem.tif")  # pages that need the DEM find it beside the store
    src = DEFAULT_STORE.with_name(f"{DEFAULT_STORE.stem}_dem.tif")
    if src.exists() and not dem.exists():
        dem.symlink_to(src.resolve())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of parcels (100000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=None,
                        help="store to write (default bench/out/cadastre_<n>.gpkg)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    path = build_store(args.n, args.out, seed=args.seed)
    print(f"wrote {args.n} parcels to {path} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())

"""Zonal statistics: :func:`geo.terrain.zonal_stats` against rasterstats and exactextract.

Inputs: a 10 m DEM of the county (the demo's 30 m DEM resampled bilinearly
to 10 m, about 36 Mpx) and its slope, written as tiled GeoTIFFs under
``bench/out/``; 10,000 and 100,000 synthetic parcels from
``bench/gen_cadastre.py``. Statistics: elevation min / mean / max / count and
mean slope per parcel.

- ours: read both rasters over the parcels' window, one rasterisation of the
  parcel ids, numpy bincount + pandas groupby (``geo.terrain.zonal_stats``).
- rasterstats: ``zonal_stats(all_touched=False)`` on both files, timed on a
  random sample of parcels (default 2,000) and extrapolated per feature, as in
  shared/PERFORMANCE.md (its cost is per feature); the sample is also where
  the results are compared (they must agree to float tolerance).
- exactextract: both rasters in one call on all parcels (coverage-weighted,
  so it differs by design; the differences are reported, not asserted).

Run::

    .venv/bin/python bench/zonal_bench.py                 # 10k and 100k
    .venv/bin/python bench/zonal_bench.py --sizes 10000 --no-exact
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio import warp
from rasterio.transform import Affine

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.gen_cadastre import generate  # noqa: E402
from geo import settings, terrain  # noqa: E402

OUT = PROJECT / "bench" / "out"


def make_dem10() -> tuple[Path, Path]:
    """The demo DEM resampled to 10 m, and its slope, as tiled GeoTIFFs (built once)."""
    OUT.mkdir(parents=True, exist_ok=True)
    dem_path, slope_path = OUT / "dem10.tif", OUT / "slope10.tif"
    if dem_path.exists() and slope_path.exists():
        return dem_path, slope_path
    src = terrain.read_dem(settings.dem_path(settings.DEFAULT_STORE))
    west, south, east, north = src.bounds
    width, height = int(round((east - west) / 10)), int(round((north - south) / 10))
    transform = Affine(10, 0, west, 0, -10, north)
    out = np.full((height, width), np.nan, dtype=np.float32)
    warp.reproject(src.values, out, src_transform=src.transform, src_crs=settings.METRIC_CRS,
                   dst_transform=transform, dst_crs=settings.METRIC_CRS, src_nodata=np.nan,
                   dst_nodata=np.nan, resampling=warp.Resampling.bilinear)
    slope = terrain.slope_deg(terrain.Dem(out, transform))
    profile = {"driver": "GTiff", "height": height, "width": width, "count": 1, "dtype": "float32",
               "crs": settings.METRIC_CRS, "transform": transform, "nodata": -9999.0, "tiled": True,
               "blockxsize": 256, "blockysize": 256, "compress": "deflate"}
    for path, arr in ((dem_path, out), (slope_path, slope)):
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(np.where(np.isfinite(arr), arr, -9999.0).astype(np.float32), 1)
    return dem_path, slope_path


def ours(geoms: np.ndarray, dem_path: Path, slope_path: Path) -> pd.DataFrame:
    """Read the window of the parcels from both files, then one vectorised zonal pass."""
    box = tuple(shapely.total_bounds(geoms))
    dem = terrain.read_dem(dem_path, bounds=box, margin_px=0)
    slope = terrain.read_dem(slope_path, bounds=box, margin_px=0)
    return terrain.zonal_stats(geoms, {"elev": dem.values, "slope": slope.values}, dem.transform)


def rasterstats_sample(geoms: np.ndarray, dem_path: Path, slope_path: Path) -> pd.DataFrame:
    from rasterstats import zonal_stats

    elev = zonal_stats(list(geoms), str(dem_path), stats=["min", "max", "mean", "count"],
                       all_touched=False, nodata=-9999.0)
    slope = zonal_stats(list(geoms), str(slope_path), stats=["mean"], all_touched=False, nodata=-9999.0)
    df = pd.DataFrame(elev).rename(columns=lambda c: f"elev_{c}")
    df["slope_mean"] = [s["mean"] for s in slope]
    return df.astype(float)


def exact(gdf, dem_path: Path, slope_path: Path) -> pd.DataFrame:
    from exactextract import exact_extract

    return exact_extract([str(dem_path), str(slope_path)], gdf, ["min", "max", "mean"],
                         output="pandas", strategy="raster-sequential")


def compare(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, float]:
    """Largest absolute differences and NaN mismatches between our stats and rasterstats'."""
    res = {}
    for col in ("elev_min", "elev_max", "elev_mean", "slope_mean"):
        x, y = a[col].to_numpy(float), b[col].to_numpy(float)
        both = np.isfinite(x) & np.isfinite(y)
        res[f"{col}_max_abs_diff"] = float(np.max(np.abs(x[both] - y[both]))) if both.any() else 0.0
        res[f"{col}_nan_mismatch"] = int((np.isfinite(x) != np.isfinite(y)).sum())
    res["count_mismatch"] = int((a["elev_count"].to_numpy() != b["elev_count"].fillna(0).to_numpy()).sum())
    return res


def run(n: int, sample: int, with_exact: bool, dem_path: Path, slope_path: Path) -> dict:
    t0 = time.perf_counter()
    parcels = generate(n)
    t_gen = time.perf_counter() - t0
    geoms = parcels.geometry.to_numpy()

    t0, c0 = time.perf_counter(), time.process_time()
    mine = ours(geoms, dem_path, slope_path)
    t_ours, c_ours = time.perf_counter() - t0, time.process_time() - c0

    rng = np.random.default_rng(0)
    idx = np.sort(rng.choice(n, size=min(sample, n), replace=False))
    t0, c0 = time.perf_counter(), time.process_time()
    ref = rasterstats_sample(geoms[idx], dem_path, slope_path)
    t_rs, c_rs = time.perf_counter() - t0, time.process_time() - c0
    rate = len(idx) / t_rs
    t_rs_full = n / rate

    diffs = compare(mine.iloc[idx].reset_index(drop=True), ref)
    assert diffs["count_mismatch"] == 0, diffs
    for col in ("elev_min", "elev_max"):
        assert diffs[f"{col}_max_abs_diff"] <= 1e-4 and diffs[f"{col}_nan_mismatch"] == 0, diffs
    for col in ("elev_mean", "slope_mean"):
        assert diffs[f"{col}_max_abs_diff"] <= 1e-3 and diffs[f"{col}_nan_mismatch"] == 0, diffs

    row = {"n": n, "gen_s": t_gen, "ours_s": t_ours, "ours_cpu_s": c_ours, "rasterstats_per_s": rate,
           "rasterstats_cpu_per_s": len(idx) / c_rs, "rasterstats_s_extrapolated": t_rs_full,
           "speedup_vs_rasterstats": t_rs_full / t_ours,
           "speedup_vs_rasterstats_cpu": (n * c_rs / len(idx)) / c_ours, **diffs}
    if with_exact:
        t0, c0 = time.perf_counter(), time.process_time()
        ex = exact(parcels[["geometry"]], dem_path, slope_path)
        row["exactextract_s"] = time.perf_counter() - t0
        row["exactextract_cpu_s"] = time.process_time() - c0
        row["speedup_vs_exactextract"] = row["exactextract_s"] / t_ours
        mean_col = "dem10_mean"
        d = np.abs(ex[mean_col].to_numpy(float) - mine["elev_mean"].to_numpy(float))
        d = d[np.isfinite(d)]
        row["exact_elev_mean_median_abs_diff"] = float(np.median(d))
        row["exact_elev_mean_p99_abs_diff"] = float(np.percentile(d, 99))
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--sample", type=int, default=2000, help="parcels timed with rasterstats")
    p.add_argument("--no-exact", action="store_true", help="skip exactextract")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    dem_path, slope_path = make_dem10()
    with rasterio.open(dem_path) as src:
        print(f"10 m DEM: {src.width} x {src.height} = {src.width * src.height / 1e6:.1f} Mpx "
              f"({time.perf_counter() - t0:.1f} s to build or open)")
    rows = [run(n, args.sample, not args.no_exact, dem_path, slope_path) for n in args.sizes]
    table = pd.DataFrame(rows).set_index("n").T
    with pd.option_context("display.float_format", lambda v: f"{v:,.4g}", "display.width", 160):
        print(table.to_string())
    for r in rows:
        line = (f"N={r['n']:,}: ours {r['ours_s']:.2f} s; rasterstats {r['rasterstats_per_s']:.0f} "
                f"parcels/s -> {r['rasterstats_s_extrapolated']:.0f} s extrapolated "
                f"({r['speedup_vs_rasterstats']:.0f}x wall, {r['speedup_vs_rasterstats_cpu']:.0f}x cpu; "
                f"ours {r['ours_cpu_s']:.2f} s cpu)")
        if "exactextract_s" in r:
            line += f"; exactextract {r['exactextract_s']:.2f} s ({r['speedup_vs_exactextract']:.1f}x)"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

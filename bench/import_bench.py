"""Import 100,000 parcels from a GeoPackage and from a zipped Shapefile; print rows/s and peak memory.

The parcels are a grid of jittered squares (40-55 m) inside the real county
boundary, with Chinese column names as the land bureau writes them (宗地编号,
土地用途, 供地状态, 批准年份, 容积率, 建筑面积(平方米)) and no town code (the
import takes the nearest town seat). Each format runs in its own process so
that the peak resident memory (``ru_maxrss``) is that import's alone; each
imports into a fresh copy of the demo store under ``bench/out/``.

Usage::

    .venv/bin/python bench/import_bench.py            # 100,000 parcels
    .venv/bin/python bench/import_bench.py --n 20000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from geo import importer, settings, store  # noqa: E402

OUT = PROJECT / "bench" / "out" / "import"
GRID_M = 70.0


def make_parcels(n: int, seed: int = 4) -> gpd.GeoDataFrame:
    """``n`` jittered squares inside the county (EPSG:4549) with land-bureau columns."""
    rng = np.random.default_rng(seed)
    county = gpd.read_file(settings.BOUNDARY_FILE).to_crs(settings.METRIC_CRS).geometry.union_all()
    x0, y0, x1, y1 = county.bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, GRID_M), np.arange(y0, y1, GRID_M))
    inside = shapely.contains_xy(county, xs.ravel(), ys.ravel())
    cx, cy = xs.ravel()[inside], ys.ravel()[inside]
    pick = np.sort(rng.choice(len(cx), size=n, replace=False))
    cx, cy = cx[pick] + rng.uniform(-5, 5, n), cy[pick] + rng.uniform(-5, 5, n)
    half = rng.uniform(20, 27.5, n)
    geoms = shapely.box(cx - half, cy - half, cx + half, cy + half)
    lifecycle = np.array(["已批未供", "已供未用", "在用（动工）", "已建未投", "已投未达", "已达标"])
    return gpd.GeoDataFrame({
        "宗地编号": [f"JY{i:07d}" for i in range(n)],
        "土地用途": rng.choice(["工业用地", "仓储用地"], n, p=[0.9, 0.1]),
        "供地状态": rng.choice(lifecycle, n),
        "批准年份": rng.integers(2005, 2024, n),
        "容积率": rng.uniform(0.5, 3.0, n).round(2),
        "建筑面积(平方米)": rng.uniform(500, 8000, n).round(0),
    }, geometry=geoms, crs=settings.METRIC_CRS)


def write_inputs(n: int) -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    gpkg, zipped = OUT / f"parcels_{n}.gpkg", OUT / f"parcels_{n}.zip"
    if gpkg.exists() and zipped.exists():
        return {"gpkg": gpkg, "shp": zipped}
    t0 = time.perf_counter()
    parcels = make_parcels(n)
    parcels.to_file(gpkg, layer="宗地", driver="GPKG")
    shp_dir = OUT / f"shp_{n}"
    shp_dir.mkdir(exist_ok=True)
    parcels.rename(columns={"建筑面积(平方米)": "建筑面积"}).to_file(shp_dir / "宗地.shp", encoding="GBK")
    with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for part in shp_dir.iterdir():
            zf.write(part, part.name)
    shutil.rmtree(shp_dir)
    print(f"generated {n:,} parcels in {time.perf_counter() - t0:.1f} s "
          f"(gpkg {gpkg.stat().st_size / 2**20:.1f} MB, zip {zipped.stat().st_size / 2**20:.1f} MB)")
    return {"gpkg": gpkg, "shp": zipped}


def base_store() -> Path:
    path = settings.DEFAULT_STORE
    try:
        store.check_store(path)
    except store.StoreError:
        from geo import demo

        path = OUT / "demo.gpkg"
        if not path.exists():
            demo.build(path)
    return path


def run_one(fmt: str, path: Path) -> dict:
    """One import (check, then write) in this process; timings and peak RSS."""
    target = OUT / f"store_{fmt}.gpkg"
    shutil.copy2(base_store(), target)
    t0 = time.perf_counter()
    plan = importer.plan_import(path, target, layer="parcels")
    t1 = time.perf_counter()
    importer.apply_import(plan)
    t2 = time.perf_counter()
    rep = plan.report
    written = len(store.read_layer(target, "parcels"))
    target.unlink()
    return {"format": fmt, "rows": rep.rows_read, "added": len(rep.added), "rejected": len(rep.rejected),
            "outside": len(rep.outside), "check_s": t1 - t0, "write_s": t2 - t1, "total_s": t2 - t0,
            "rows_per_s": rep.rows_read / (t2 - t0), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "parcels_in_store": written}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--one", choices=["gpkg", "shp"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.path)))
        return
    inputs = write_inputs(args.n)
    print(f"{'format':<12}{'rows':>9}{'added':>9}{'rejected':>9}{'check s':>9}{'write s':>9}{'rows/s':>9}"
          f"{'peak MB':>9}")
    for fmt, path in inputs.items():
        proc = subprocess.run([sys.executable, __file__, "--one", fmt, "--path", str(path)],
                              capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        label = {"gpkg": "GeoPackage", "shp": "zipped SHP"}[fmt]
        print(f"{label:<12}{r['rows']:>9,}{r['added']:>9,}{r['rejected']:>9,}{r['check_s']:>9.1f}"
              f"{r['write_s']:>9.1f}{r['rows_per_s']:>9,.0f}{r['peak_mb']:>9,.0f}")


if __name__ == "__main__":
    main()

"""DEM reading, reprojection, slope and zonal statistics against hand-made rasters."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin
from rasterstats import zonal_stats as rs_zonal_stats

from geo import terrain

X0, Y0 = 500_000.0, 3_170_000.0  # top-left corner in EPSG:4549 (inside Jinyun)


def write_tif(path, values, transform, crs="EPSG:4549", nodata=-9999.0):
    profile = {"driver": "GTiff", "height": values.shape[0], "width": values.shape[1], "count": 1,
               "dtype": "float32", "transform": transform, "nodata": nodata}
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values.astype("float32"), 1)
    return path


def tilted_plane(angle_deg: float, res: float = 10.0, n: int = 100) -> np.ndarray:
    """Elevation rising eastwards at ``angle_deg``: z = 100 + x tan(angle)."""
    x = (np.arange(n) + 0.5) * res
    return np.tile(100 + x * math.tan(math.radians(angle_deg)), (n, 1))


@pytest.mark.parametrize("angle", [5.0, 20.0, 30.0])
def test_square_on_tilted_plane_has_that_slope(tmp_path, angle):
    path = write_tif(tmp_path / "plane.tif", tilted_plane(angle), from_origin(X0, Y0, 10, 10))
    dem = terrain.read_dem(path)
    square = gpd.GeoSeries([shapely.box(X0 + 200, Y0 - 800, X0 + 800, Y0 - 200)], crs="EPSG:4549")
    stats = terrain.terrain_stats(square, dem, thresholds_deg=(15, 25)).iloc[0]
    assert stats["slope_mean"] == pytest.approx(angle, abs=1e-3)
    assert stats["slope_share_gt_15"] == (1.0 if angle > 15 else 0.0)
    assert stats["slope_share_gt_25"] == (1.0 if angle > 25 else 0.0)
    # 60 x 60 cells whose centres are inside; elevation at cell centres x = 205 .. 795
    assert stats["elev_count"] == 3600
    assert stats["elev_min"] == pytest.approx(100 + 205 * math.tan(math.radians(angle)), rel=1e-5)
    assert stats["elev_max"] == pytest.approx(100 + 795 * math.tan(math.radians(angle)), rel=1e-5)


def test_dem_in_another_crs_is_reprojected(tmp_path):
    # the same 20-degree plane, written in lon/lat (EPSG:4490) cells of about 10 m
    angle = 20.0
    native = tilted_plane(angle, n=200)
    src_path = write_tif(tmp_path / "plane4549.tif", native, from_origin(X0, Y0, 10, 10))
    geo_path = tmp_path / "plane4490.tif"
    with rasterio.open(src_path) as src:
        transform, width, height = rasterio.warp.calculate_default_transform(
            src.crs, "EPSG:4490", src.width, src.height, *src.bounds)
        out = np.full((height, width), -9999.0, dtype=np.float32)
        rasterio.warp.reproject(rasterio.band(src, 1), out, dst_transform=transform, dst_crs="EPSG:4490",
                                dst_nodata=-9999.0, resampling=rasterio.warp.Resampling.bilinear)
    write_tif(geo_path, out, transform, crs="EPSG:4490")
    dem = terrain.read_dem(geo_path)
    assert dem.reprojected_from == "EPSG:4490"
    assert dem.res == pytest.approx(10, rel=0.2)
    square = gpd.GeoSeries([shapely.box(X0 + 500, Y0 - 1500, X0 + 1500, Y0 - 500)], crs="EPSG:4549")
    stats = terrain.terrain_stats(square, dem).iloc[0]
    assert stats["slope_mean"] == pytest.approx(angle, abs=0.3)


def test_window_read_matches_full_read(tmp_path):
    rng = np.random.default_rng(1)
    values = rng.random((50, 60)) * 100
    path = write_tif(tmp_path / "r.tif", values, from_origin(X0, Y0, 30, 30))
    full = terrain.read_dem(path)
    box = (X0 + 300, Y0 - 900, X0 + 600, Y0 - 300)
    part = terrain.read_dem(path, bounds=box)
    geom = gpd.GeoSeries([shapely.box(*box)], crs="EPSG:4549")
    a = terrain.terrain_stats(geom, full).iloc[0]
    b = terrain.terrain_stats(geom, part).iloc[0]
    assert part.shape[0] < full.shape[0]
    assert a["elev_mean"] == pytest.approx(b["elev_mean"])
    assert a["slope_mean"] == pytest.approx(b["slope_mean"])


def test_zonal_stats_equal_rasterstats(tmp_path):
    rng = np.random.default_rng(7)
    values = (rng.random((80, 90)) * 500).astype(np.float32)
    values[10:20, 10:30] = -9999.0  # a hole of no data
    transform = from_origin(X0, Y0, 10, 10)
    path = write_tif(tmp_path / "z.tif", values, transform)
    pts = rng.uniform([X0 + 20, Y0 - 780], [X0 + 880, Y0 - 20], size=(40, 2))
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=shapely.box(X0, Y0 - 800, X0 + 900, Y0))
    geoms = shapely.intersection(np.array(shapely.get_parts(cells)), shapely.box(X0, Y0 - 800, X0 + 900, Y0))
    geoms = shapely.buffer(geoms, -1.0)  # a 2 m gap between neighbours, as a cadastre has
    ours = terrain.zonal_stats(geoms, {"elev": terrain.read_dem(path).values}, transform)
    theirs = rs_zonal_stats(list(geoms), str(path), stats=["min", "max", "mean", "count"], all_touched=False)
    assert len(theirs) == len(ours) == len(geoms)
    for (_, row), ref in zip(ours.iterrows(), theirs, strict=True):
        assert row["elev_count"] == ref["count"]
        if ref["count"]:
            assert row["elev_min"] == pytest.approx(ref["min"], abs=1e-4)
            assert row["elev_max"] == pytest.approx(ref["max"], abs=1e-4)
            assert row["elev_mean"] == pytest.approx(ref["mean"], abs=1e-4)
        else:
            assert math.isnan(row["elev_mean"])


def test_overlapping_geometries_each_get_all_their_cells():
    values = np.arange(100, dtype=np.float32).reshape(10, 10)
    transform = from_origin(0, 100, 10, 10)
    a = shapely.box(0, 40, 60, 100)   # 6 x 6 cells
    b = shapely.box(30, 10, 90, 70)   # 6 x 6 cells, overlapping a on 3 x 3
    both = terrain.zonal_stats([a, b], {"v": values}, transform, overlapping=True)
    alone = [terrain.zonal_stats([g], {"v": values}, transform).iloc[0] for g in (a, b)]
    assert list(both["v_count"]) == [36, 36]
    for i in range(2):
        assert both.iloc[i]["v_mean"] == pytest.approx(alone[i]["v_mean"])
    flat = terrain.zonal_stats([a, b], {"v": values}, transform, overlapping=False)
    assert list(flat["v_count"]) == [27, 36]  # the later geometry wins the shared cells


def test_no_data_under_site_is_nan_not_zero(tmp_path):
    values = np.full((40, 40), -9999.0, dtype=np.float32)
    values[:, 30:] = 200.0
    path = write_tif(tmp_path / "holes.tif", values, from_origin(X0, Y0, 10, 10))
    dem = terrain.read_dem(path)
    site = gpd.GeoSeries([shapely.box(X0 + 50, Y0 - 250, X0 + 150, Y0 - 150)], crs="EPSG:4549")
    stats = terrain.terrain_stats(site, dem).iloc[0]
    assert stats["pixels"] == 100
    assert stats["elev_count"] == 0
    assert math.isnan(stats["elev_mean"]) and math.isnan(stats["slope_mean"])


def test_missing_file_and_missing_crs_are_refused(tmp_path):
    # each in the planner's language, naming the file but not the server's folders, and with
    # no GDAL message passed through
    with pytest.raises(terrain.DemError) as err:
        terrain.read_dem(tmp_path / "nope.tif")
    assert "not found" in err.value.text("en") and "找不到文件" in err.value.text("zh")
    assert "nope.tif" in err.value.text("zh") and str(tmp_path) not in err.value.text("zh")
    path = write_tif(tmp_path / "nocrs.tif", np.ones((5, 5)), from_origin(X0, Y0, 10, 10), crs=None)
    with pytest.raises(terrain.DemError) as err:
        terrain.read_dem(path)
    assert "no coordinate system" in err.value.text("en") and "没有坐标系" in err.value.text("zh")
    (tmp_path / "text.tif").write_text("not a raster")
    with pytest.raises(terrain.DemError) as err:
        terrain.read_dem(tmp_path / "text.tif")
    assert "not a raster" in err.value.text("en") and "GeoTIFF" in err.value.text("zh")
    assert "not recognized" not in err.value.text("en")  # GDAL's "not recognized as ... format"


def test_bounds_outside_the_dem_raise_coverage_error(tmp_path):
    path = write_tif(tmp_path / "small.tif", np.ones((5, 5)), from_origin(X0, Y0, 10, 10))
    with pytest.raises(terrain.DemCoverageError):
        terrain.read_dem(path, bounds=(X0 + 10_000, Y0 - 20_000, X0 + 11_000, Y0 - 19_000))

"""Small real stores and files for the import tests (written in tmp_path, no binary fixtures)."""

from __future__ import annotations

import contextlib
import hashlib
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo import ids, schema, settings, store

# Parcel squares in EPSG:4549 near Jinyun's county seat (五云街道).
TO_4549 = Transformer.from_crs("EPSG:4490", "EPSG:4549", always_xy=True)
X0, Y0 = TO_4549.transform(120.074, 28.657)
SIDE_M = 100.0
TOWNS = (("331122001", "五云街道", 120.09, 28.66), ("331122102", "壶镇镇", 120.23, 28.83))


def uscc(first17: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters."""
    return first17 + ids.uscc_check_char(first17)


USCC_A = uscc("91331122MA2A00001")
USCC_B = uscc("91331122MA2A00002")


def square(i: int, *, side: float = SIDE_M) -> shapely.Polygon:
    """The i-th square of a row of parcels (EPSG:4549), 10 m apart."""
    x = X0 + i * (side + 10)
    return shapely.box(x, Y0, x + side, Y0 + side)


def _empty(name: str) -> pd.DataFrame:
    layer = schema.LAYERS[name]
    dtypes = {"str": object, "int": "int64", "float": "float64", "bool": "bool", "date": "datetime64[ns]"}
    df = pd.DataFrame({f.name: pd.Series(dtype=dtypes[f.dtype]) for f in layer.fields})
    if layer.geometry:
        return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=settings.STORAGE_CRS), crs=settings.STORAGE_CRS)
    return df


def build_store(path: Path) -> Path:
    """A valid store: real county boundary, two towns, four parcels P1-P4, two enterprises."""
    layers = {name: _empty(name) for name in schema.LAYERS if name != "meta"}
    layers["county"] = gpd.read_file(settings.BOUNDARY_FILE)[["adcode", "name", "source", "geometry"]]
    layers["towns"] = gpd.GeoDataFrame(
        {"town_code": [t[0] for t in TOWNS], "name_zh": [t[1] for t in TOWNS], "name_en": ["Wuyun", "Huzhen"],
         "kind": ["subdistrict", "town"], "key_industrial": [True, True]},
        geometry=gpd.points_from_xy([t[2] for t in TOWNS], [t[3] for t in TOWNS]), crs="EPSG:4490")
    layers["parcels"] = gpd.GeoDataFrame(
        {"parcel_id": ["P1", "P2", "P3", "P4"], "town_code": ["331122001"] * 4, "platform_id": [None] * 4,
         "park_id": [None] * 4, "land_use": ["industrial"] * 4, "lifecycle": ["approved"] * 4,
         "approved_year": [2018] * 4, "plot_ratio": [1.0] * 4, "floor_area_m2": [1000.0] * 4},
        geometry=[square(i) for i in range(4)], crs="EPSG:4549")
    layers["enterprises"] = gpd.GeoDataFrame(
        {"enterprise_id": ["E1", "E2"], "uscc": [USCC_A, USCC_B], "name": ["缙云县甲公司", "缙云县乙公司"],
         "town_code": ["331122001"] * 2, "parcel_id": ["P1", "P2"], "park_id": [None, None],
         "industry": ["机械", "汽摩配"], "above_scale": [True, False], "specialised": [False, False],
         "land_area_mu": [15.0, 15.0]},
        geometry=[square(0).centroid, square(1).centroid], crs="EPSG:4549")
    store.write_store(path, layers)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@contextlib.contextmanager
def refused(match: str, lang: str = "en"):
    """Like ``pytest.raises(ImportRefusedError, match=...)``, matching the message read in ``lang``."""
    from geo import importer

    with pytest.raises(importer.ImportRefusedError) as info:
        yield info
    text = info.value.text(lang)
    assert re.search(match, text), text

"""``python -m geo import``: report, --dry-run, --json, exit status on refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from geo import cli, store
from tests.geo.import_support import sha256, square

ROOT = Path(__file__).resolve().parents[2]
@pytest.fixture
def parcels_file(tmp_path) -> Path:
    gdf = gpd.GeoDataFrame({"宗地编号": ["N1", "N2", "N3"], "土地用途": ["工业用地", "工业用地", "商业"],
                            "供地状态": ["已批未供"] * 3, "批准年份": [2021] * 3},
                           geometry=[square(20), square(21), square(22)], crs="EPSG:4549")
    path = tmp_path / "new_parcels.gpkg"
    gdf.to_file(path, layer="宗地")
    return path


def test_dry_run_reports_and_writes_nothing(parcels_file, small_store, capsys):
    before = sha256(small_store)
    status = cli.main(["import", str(parcels_file), "--layer", "parcels", "--store", str(small_store),
                       "--dry-run", "--lang", "en"])
    out = capsys.readouterr().out
    assert status == 0
    assert "3 rows read: 2 to add, 0 to update, 1 rejected" in out
    assert "new_parcels.gpkg row 3 [N3]: land_use: value '商业' is not one of" in out
    assert "Dry run (--dry-run): nothing written." in out
    assert sha256(small_store) == before


def test_json_report_and_write(parcels_file, small_store, capsys):
    status = cli.main(["import", str(parcels_file), "--layer", "parcels", "--store", str(small_store), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0
    assert data["rows_read"] == 3 and data["added"] == ["N1", "N2"] and data["written"] is True
    assert data["rejected"][0]["row"] == 3 and "土地用途" in data["rejected"][0]["message"]
    assert data["crs_used"] == "EPSG:4549"
    assert data["area_mu"]["N1"] == pytest.approx(15.0, rel=1e-3)
    assert sorted(store.read_layer(small_store, "parcels")["parcel_id"]) == ["N1", "N2", "P1", "P2", "P3", "P4"]


def test_strict_refuses_when_rows_are_rejected(parcels_file, small_store, capsys):
    before = sha256(small_store)
    status = cli.main(["import", str(parcels_file), "--layer", "parcels", "--store", str(small_store),
                       "--strict", "--lang", "en"])
    assert status == 3
    assert sha256(small_store) == before


def test_refused_file_exits_non_zero_in_a_real_process(tmp_path, small_store):
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    before = sha256(small_store)
    proc = subprocess.run([sys.executable, "-m", "geo", "import", str(bad), "--layer", "parcels",
                           "--store", str(small_store), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "broken.zip is not a valid zip archive" in proc.stderr
    assert sha256(small_store) == before


def test_missing_crs_lists_candidates_then_crs_flag_imports(tmp_path, small_store, capsys):
    gdf = gpd.GeoDataFrame({"宗地编号": ["Z1"], "土地用途": ["工业"], "供地状态": ["批"], "批准年份": [2020]},
                           geometry=[square(30)], crs="EPSG:4549")
    gdf = gdf.to_crs("EPSG:4528").set_crs(None, allow_override=True)
    csv = tmp_path / "zone40.csv"
    gdf.assign(WKT=gdf.geometry.to_wkt()).drop(columns="geometry").to_csv(csv, index=False)
    status = cli.main(["import", str(csv), "--layer", "parcels", "--store", str(small_store), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 2 and data["crs_candidates"] == ["EPSG:4528"]
    status = cli.main(["import", str(csv), "--layer", "parcels", "--store", str(small_store),
                       "--crs", "EPSG:4528", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 0 and data["added"] == ["Z1"] and data["crs_used"] == "EPSG:4528"


def test_default_values_fill_a_missing_column(tmp_path, small_store, capsys):
    gdf = gpd.GeoDataFrame({"宗地编号": ["D1", "D2"], "土地用途": ["工业用地"] * 2, "批准年份": [2021] * 2},
                           geometry=[square(50), square(51)], crs="EPSG:4549")
    path = tmp_path / "no_status.geojson"
    gdf.to_crs("EPSG:4490").to_file(path)
    args = ["import", str(path), "--layer", "parcels", "--store", str(small_store), "--lang", "en",
            "--dry-run"]
    assert cli.main(args) == 0  # no stage in the file: the parcels would be "not verified"
    assert "not verified" in capsys.readouterr().out
    args = args[:-1]
    assert cli.main([*args, "--default", "nonsense"]) == 2
    assert cli.main([*args, "--default", "lifecycle=已供未用"]) == 0
    parcels = store.read_layer(small_store, "parcels").set_index("parcel_id")
    assert parcels.loc[["D1", "D2"], "lifecycle"].tolist() == ["supplied", "supplied"]

"""Data health: each check counts and names what is missing, on the page and the command line."""

from __future__ import annotations

import json

from geo import cli, health, importer, store
from tests.geo.import_support import USCC_A
from tests.geo.test_county_files import _sales, _tax_sheet


def test_health_names_what_is_missing_and_the_cli_prints_it(tmp_path, small_store, capsys):
    before = {c.key: c.count for c in health.checks(store.Store(small_store))}
    assert sum(before.values()) == 0  # the small store is clean
    importer.apply_import(importer.plan_import(_sales(tmp_path, ["2020-02-01"], ["NOPE9"]),
                                               small_store, layer="land_sales"), user="王工")
    importer.apply_import(importer.plan_import(
        _tax_sheet(tmp_path, [["缙云县甲公司", USCC_A, 2023, 120, 300, 100, 50]]), small_store,
        layer="enterprise_figures"), user="王工")
    found = {c.key: c for c in health.findings(store.Store(small_store))}
    assert found["sales_without_parcels"].ids == ("S1",)
    assert found["figures_missing_indicators"].ids == ("E1,2023",)
    assert found["sales_without_parcels"].figures == ("land.sold",)  # it weakens a figure
    assert cli.main(["health", "--store", str(small_store), "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sales_without_parcels"]["count"] == 1
    assert rows["sales_without_parcels"]["label"].startswith("所指宗地不在库中的出让记录：1")
    assert rows["parks_without_start"]["count"] == 0

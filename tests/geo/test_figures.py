"""One engine for every figure (geo.figures): the rules, computed by hand on tiny layers, and
the same value everywhere a figure appears on the demo store."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from geo import asof, figures, inefficient, land, parks, plan, store
from geo.export import brief
from tests.fixtures import square, tiny_layers

SALE = {"method": "listing", "buyer": "某公司", "price_10k_yuan": 150.0,
        "contract_area_m2": 10000.0, "invest_intensity_10k_per_mu": 300.0,
        "tax_per_mu_10k": 20.0, "plot_ratio_min": 1.2, "agreed_start": pd.Timestamp("2019-06-01"),
        "agreed_completion": pd.Timestamp("2021-06-01"), "actual_start": pd.NaT,
        "actual_completion": pd.NaT, "is_expansion": False}


def _fig(figs, key):
    return figures.by_key(figs)[key]


@pytest.fixture
def layers():
    return tiny_layers()


def test_tiny_store_by_hand(layers):
    figs = figures.figures(layers, plan.load_plan(), as_of="2021-12-31")
    f = figures.by_key(figs)
    assert f["parks.started"].value == 3 and f["parks.completed"].value == 2
    assert f["parks.started"].target == f["parks.completed"].target == 17
    assert f["parks.planned_land_mu"].value == pytest.approx(20 + 30 + 40)  # the started parks
    assert f["parks.floor_m2"].value == pytest.approx(51000.0)
    assert [f[f"land.sold_mu.{y}"].value for y in (2019, 2020, 2021)] == pytest.approx([30, 0, 15])
    assert f["revitalised.mu"].value == pytest.approx(15.0)  # D2 is revitalised in 2022
    assert f["land.sold_mu.2019"].label.text("en") == "Industrial land sold in 2019 (mu)"
    assert [c.key for c in figures.overview(figs)] == [
        "parks.started", "parks.completed", "parks.planned_land_mu", "parks.floor_m2",
        "land.sold_mu.2019", "land.sold_mu.2020", "land.sold_mu.2021", "revitalised.mu"]


def test_land_revitalised_before_the_plan_does_not_count(layers):
    cases = layers["cases"]
    early = cases.iloc[[0]].assign(case_id="D0", parcel_id="T8",
                                   revitalised_date=pd.Timestamp("2018-09-01"), identified_year=2017,
                                   geometry=[square(8, row=2)])
    layers["cases"] = pd.concat([cases, early], ignore_index=True).set_crs(cases.crs,
                                                                            allow_override=True)
    p = plan.load_plan()
    for as_of in (None, "2021-12-31"):
        value = _fig(figures.figures(layers, p, as_of=as_of), "revitalised.mu").value
        assert value == pytest.approx(15.0)  # D1 (2019) only, not D0 (2018)
    page = inefficient.progress(layers, p, as_of="2021-12-31")
    assert page["revitalised_mu_cum"].iloc[-1] == pytest.approx(15.0)


def test_a_sale_on_an_unmapped_parcel_counts_its_contract_area_and_is_listed(layers):
    unmapped = {"sale_id": "S9", "parcel_id": "NOWHERE", "sale_date": pd.Timestamp("2020-05-01"),
                **SALE, "contract_area_m2": 20000.0}  # 30 mu
    layers["land_sales"] = pd.concat([layers["land_sales"], pd.DataFrame([unmapped])],
                                     ignore_index=True)
    p = plan.load_plan()
    f = figures.by_key(figures.figures(layers, p, as_of="2021-12-31"))
    assert f["land.sold_mu.2020"].value == pytest.approx(30.0)
    assert f["land.unmapped_sales"].value == 1
    assert land.unmapped_sales(layers)["sale_id"].tolist() == ["S9"]
    assert land.sold_by_year(layers, p, as_of="2021-12-31").loc[2020, "area_mu"] == \
        pytest.approx(30.0)  # the land page: the same rule


def test_warehouse_land_counts_only_when_the_plan_says_so(layers):
    layers["parcels"].loc[layers["parcels"]["parcel_id"] == "T0", "land_use"] = "warehouse"
    p = plan.load_plan()
    assert _fig(figures.figures(layers, p, as_of="2019-12-31"), "land.sold_mu.2019").value == \
        pytest.approx(15.0)  # T1 only: 工业用地 is what the plan counts
    raw = {**p.raw, "land": {**p.raw.get("land", {}),
                             "counted_land_uses": ["industrial", "warehouse"]}}
    both = dataclasses.replace(p, raw=raw)
    assert _fig(figures.figures(layers, both, as_of="2019-12-31"), "land.sold_mu.2019").value == \
        pytest.approx(30.0)


def test_idle_on_the_calendar_anniversary_on_both_pages():
    sales = pd.DataFrame([{"sale_id": "S1", "parcel_id": "T0", "sale_date": pd.Timestamp("2020-01-10"),
                           **SALE, "agreed_start": pd.Timestamp("2020-03-01")}])
    for day, idle in (("2021-02-28", False), ("2021-03-01", True)):
        flag = land.idle_flags(sales, as_of=day)["flag"].iloc[0]
        assert (flag == "idle") is idle, day
        assert bool(inefficient.idle_parcels(sales, pd.Timestamp(day)).loc["T0"]) is idle, day


def test_figures_as_stored_do_not_depend_on_the_clock(layers):
    dated = asof.data_date(layers, today="2030-01-01")
    assert dated == asof.data_date(layers, today="2040-06-30") == pd.Timestamp("2022-02-01")  # D2 revitalised
    fee = [_fig(figures.figures(layers, plan.load_plan()), "land.idle_fee_10k").value
           for _ in range(2)]
    assert fee[0] == fee[1]


@pytest.fixture(scope="module")
def demo(demo_store):
    return store.Store(demo_store)


@pytest.mark.parametrize("quarter", ["2019Q4", "2020Q4", "2021Q4"])
def test_every_place_gives_the_same_figure_on_the_demo(demo, quarter, capsys):
    from geo import cli

    end = asof.period_end(quarter)
    figs = figures.by_key(figures.figures(demo, as_of=end))
    # the brief's table
    rows = brief.kpi_rows(brief.BriefContext.for_store(demo, quarter)).set_index("key")
    for key, row in rows.iterrows():
        assert row["value"] == pytest.approx(figs[key].value), key
    assert {"parks.started", "parks.completed", f"land.sold_mu.{end.year}", "revitalised.mu"} <= \
        set(rows.index)
    # the pages' own tables
    sold = land.sold_by_year(demo, demo.plan, as_of=end)
    for year, value in sold["area_mu"].items():
        assert figs[f"land.sold_mu.{year}"].value == pytest.approx(value)
    progress = parks.progress(demo, demo.plan, as_of=end).set_index("target_id")
    assert progress.loc["parks_built", "value"] == figs["parks.completed"].value
    assert progress.loc["park_land_mu", "value"] == pytest.approx(figs["parks.planned_land_mu"].value)
    rev = inefficient.progress(demo, demo.plan, as_of=end)
    assert rev["revitalised_mu_cum"].iloc[-1] == pytest.approx(figs["revitalised.mu"].value)
    summary = land.summary(demo, demo.plan, as_of=end).set_index("key")["value"]
    assert summary["idle_fee_10k"] == pytest.approx(figs["land.idle_fee_10k"].value)
    # the command line
    assert cli.main(["figures", "--as-of", quarter, "--store", str(demo.location), "--json"]) == 0
    printed = {r["key"]: r["value"] for r in json.loads(capsys.readouterr().out)}
    assert printed == pytest.approx({k: f.value for k, f in figs.items()})


def test_as_stored_equals_the_last_quarter_of_data_on_the_demo(demo):
    now = figures.by_key(figures.figures(demo))
    at_date = figures.by_key(figures.figures(demo, as_of=asof.data_date(demo)))
    for key in ("parks.started", "parks.completed", "land.idle_fee_10k", "revitalised.mu"):
        assert now[key].value == pytest.approx(at_date[key].value), key


def test_evaluation_as_of_a_quarter_uses_the_last_complete_year():
    figs = pd.DataFrame({"enterprise_id": ["E1"] * 3, "year": [2019, 2020, 2021]})
    assert asof.figures_as_of(figs, pd.Timestamp("2021-03-31"))["year"].max() == 2020
    assert asof.figures_as_of(figs, pd.Timestamp("2021-12-31"))["year"].max() == 2021
    assert asof.last_complete_year("2020-06-30") == 2019


@pytest.fixture
def tiny_store(tmp_path):
    return store.write_store(tmp_path / "tiny.gpkg", tiny_layers(), meta={"demo": "0"})


def test_a_back_dated_edit_moves_the_figures_of_its_own_date(tiny_store):
    from geo import edits

    def started(as_of):
        return _fig(figures.figures(store.Store(tiny_store), plan.load_plan(), as_of=as_of),
                    "parks.started").value

    assert started("2021-12-31") == 3
    # P1 started on 1 November 2021, entered years later with that effective date
    edits.apply_edit(tiny_store, "parks", "P1", {"status": "under_construction",
                                                 "start_date": "2021-11-01"},
                     user="测试", effective="2021-11-01")
    assert started("2021-12-31") == 4  # the 2021Q4 figures (overview, brief, parks page) move
    assert started("2021-09-30") == 3  # before it took effect: as it was
    hist = edits.history(store.read_layer(tiny_store, "audit"), "parks", "P1")
    assert set(hist["effective"].dt.strftime("%Y-%m-%d")) == {"2021-11-01"}
    assert hist["at"].str.endswith("Z").all()  # entered: UTC; shown in Beijing time
    assert edits.beijing_time(pd.Series(["2026-12-02T16:30:00Z"])).iloc[0] == "2026-12-03 00:30"


def test_an_edit_entered_today_without_a_date_leaves_earlier_figures(tiny_store):
    from geo import edits

    edits.apply_edit(tiny_store, "parks", "P1", {"status": "under_construction",
                                                 "start_date": "2021-11-01"}, user="测试")
    s = store.Store(tiny_store)
    assert _fig(figures.figures(s, plan.load_plan(), as_of="2021-12-31"), "parks.started").value == 3
    with pytest.raises(Exception, match="晚于录入日") as info:
        edits.apply_edit(tiny_store, "parks", "P2", {"star_rating": 1}, user="测试",
                         effective="2999-01-01")
    assert "after the day of entry" in info.value.text("en")


def test_figures_command_refuses_a_date_it_cannot_read(demo, capsys):
    from geo import cli

    assert cli.main(["figures", "--as-of", "2021年底", "--store", str(demo.location)]) == 2
    assert "--as-of 2021年底：应为年份" in capsys.readouterr().err
    assert cli.main(["figures", "--as-of", "2021-11-30", "--store", str(demo.location)]) == 0


def test_search_finds_by_id_name_or_credit_code_exact_first(layers):
    from geo import search

    parks = search.search(layers, "P1")
    assert parks[0].layer == "parks" and parks[0].feature_id == "P1"  # the exact id first
    assert all(h.feature_id != "P1" for h in parks[1:])
    assert search.search(layers, "   ") == [] and search.search(layers, "no such thing") == []
    town = layers["towns"].iloc[0]
    hit = search.search(layers, town["name_zh"])[0]
    assert (hit.layer, hit.feature_id) == ("towns", town["town_code"])
    minx, miny, maxx, maxy = hit.bounds
    assert minx <= hit.point[0] <= maxx and miny <= hit.point[1] <= maxy

import pytest

from geo import kpi, plan
from tests.fixtures import tiny_layers


@pytest.fixture
def layers():
    return tiny_layers()


def test_park_counts_by_status(layers):
    assert kpi.parks_started(layers["parks"]) == 3  # under construction, completed, operating
    assert kpi.parks_built(layers["parks"]) == 2


def test_park_land_and_floor(layers):
    assert kpi.park_planned_land_mu(layers["parks"]) == pytest.approx(100.0)
    assert kpi.park_mapped_land_mu(layers["parks"]) == pytest.approx(15 + 15 + 60 + 15)
    assert kpi.park_floor_m2(layers["parks"]) == pytest.approx(51000.0)


def test_land_sold_per_year_from_parcel_geometry(layers):
    sold = kpi.land_sold_mu_by_year(layers["parcels"], layers["land_sales"], [2019, 2020, 2021])
    assert sold.to_dict() == pytest.approx({2019: 30.0, 2020: 0.0, 2021: 15.0})


def test_revitalised_mu_counts_only_revitalised_cases_up_to_a_year(layers):
    assert kpi.revitalised_mu(layers["cases"]) == pytest.approx(30.0)
    assert kpi.revitalised_mu(layers["cases"], until_year=2021) == pytest.approx(15.0)


def test_overview_kpis_against_the_plan(layers):
    cards = {k.id: k for k in kpi.overview_kpis(layers, plan.load_plan())}
    assert cards["parks_built"].value == 2 and cards["parks_built"].target == 17
    # land and floor of the three parks started (P2-P4), not of the planned one
    assert cards["park_land_mu"].value == pytest.approx(20.0 + 30.0 + 40.0)
    assert cards["park_floor_m2"].value == pytest.approx(51000.0)
    assert not cards["parks_built"].met
    assert cards["land_sold_mu_2019"].value == pytest.approx(30.0)
    assert cards["land_sold_mu_2019"].label_args == {"year": 2019}
    assert cards["revitalised_mu"].share == pytest.approx(15.0 / 600)
    assert set(cards) == {"parks_started", "parks_built", "park_land_mu", "park_floor_m2",
                          "land_sold_mu_2019", "land_sold_mu_2020", "land_sold_mu_2021",
                          "revitalised_mu"}

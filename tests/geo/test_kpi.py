import pytest

from geo import kpi
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


def test_revitalised_mu_counts_only_revitalised_cases_up_to_a_year(layers):
    assert kpi.revitalised_mu(layers["cases"]) == pytest.approx(30.0)
    assert kpi.revitalised_mu(layers["cases"], until_year=2021) == pytest.approx(15.0)

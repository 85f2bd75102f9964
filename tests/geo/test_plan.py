
from geo import plan
from geo.errors import PlanFileError
from tests.geo.said import raises_said


def test_jinyun_plan_has_the_targets_of_the_spec():
    p = plan.load_plan()
    assert p.years == [2019, 2020, 2021]
    expected = {"parks_built": 17, "park_land_mu": 1500, "park_floor_m2": 2_000_000,
                "smart_parks": 3, "three_star_parks": 2, "enterprises_in_parks": 1000,
                "specialised_enterprises": 100, "land_sold_mu": 600, "zone_expansion_mu": 1000,
                "revitalised_mu": 600, "renovated_floor_m2": 180_000, "standard_factory_m2": 300_000,
                "tax_per_mu_growth_pct": 7, "labour_productivity_growth_pct": 7,
                "energy_intensity_max_tce": 0.57}
    for tid, value in expected.items():
        assert p.target(tid).value == value
    assert "600亩" in p.target("land_sold_mu").text_zh


def test_target_comparisons():
    p = plan.load_plan()
    assert p.target("land_sold_mu").met(600)
    assert not p.target("land_sold_mu").met(599.9)
    assert p.target("energy_intensity_max_tce").met(0.57)
    assert not p.target("energy_intensity_max_tce").met(0.58)


def test_another_county_loads_its_own_plan(tmp_path):
    f = tmp_path / "other.toml"
    f.write_text("""
[plan]
title_zh = "某县计划"
title_en = "Some county plan"
start_year = 2022
end_year = 2023
[[targets]]
id = "land_sold_mu"
area = "land"
name_zh = "出让"
name_en = "sold"
value = 300
unit = "mu"
per = "year"
comparison = ">="
text_zh = "每年300亩"
""", encoding="utf-8")
    p = plan.load_plan(f)
    assert p.years == [2022, 2023]
    assert p.target("land_sold_mu").value == 300
    with raises_said(PlanFileError, "no target 'parks_built'"):
        p.target("parks_built")


def test_bad_plan_files_name_the_file_and_the_problem(tmp_path):
    missing = tmp_path / "missing.toml"
    with raises_said(PlanFileError, "missing.toml not found"):
        plan.load_plan(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[plan\n", encoding="utf-8")
    with raises_said(PlanFileError, "broken.toml: not valid TOML"):
        plan.load_plan(broken)
    partial = tmp_path / "partial.toml"
    partial.write_text('[plan]\ntitle_zh="x"\ntitle_en="x"\nstart_year=2019\nend_year=2021\n'
                       '[[targets]]\nid="a"\nvalue="many"\n', encoding="utf-8")
    with raises_said(PlanFileError, r"target #1 \(a\) lacks"):
        plan.load_plan(partial)

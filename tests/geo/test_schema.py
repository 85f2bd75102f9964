import pandas as pd

from geo import i18n, schema
from tests.fixtures import tiny_layers


def test_every_enum_value_has_a_chinese_and_an_english_label():
    for enum, codes in schema.ENUMS.items():
        for code in codes:
            zh, en = i18n.TABLE[f"enum.{enum}.{code}"]
            assert zh and en and zh != en, (enum, code)


def test_every_field_has_a_type_and_every_layer_a_key():
    for layer in schema.LAYERS.values():
        for key in layer.key.split(","):
            assert key in layer.field_names, layer.name
        for f in layer.fields:
            assert f.dtype in ("str", "int", "float", "bool", "date")


def test_the_tiny_fixture_fits_the_schema():
    for name, df in tiny_layers().items():
        assert schema.validate(name, df) == [], name


def test_validate_names_every_problem():
    parks = tiny_layers()["parks"]
    parks.loc[0, "status"] = "demolished"
    parks.loc[1, "park_id"] = "P1"
    parks.loc[2, "name_zh"] = None
    problems = schema.validate("parks", parks.drop(columns="industry_theme"))
    text = " | ".join(problems)
    assert "missing columns industry_theme" in text
    assert "values demolished not in" in text
    assert "duplicate keys park_id=P1" in text
    assert "parks.name_zh: required value missing in rows 2" in text
    chinese = " | ".join(schema.validate("parks", parks.drop(columns="industry_theme"), "zh"))
    assert "缺少列 industry_theme" in chinese and "parks.name_zh：第 2 行" in chinese


def test_describe_lists_fields_with_units_and_labels():
    table = schema.describe("zh")
    row = table[(table["layer"] == "parks") & (table["field"] == "status")].iloc[0]
    assert row["values"] == "规划, 在建, 建成, 运营"
    assert table.loc[(table["layer"] == "parks") & (table["field"] == "floor_area_m2"), "unit"].item() == "m2"
    assert isinstance(table, pd.DataFrame)

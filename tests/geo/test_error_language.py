"""Errors a planner reads speak one language: the Chinese text has no English words
(only the file, layer or setting it names), the English text no Chinese."""

from __future__ import annotations

import re
import sqlite3

import pandas as pd
import pytest

from geo import plan, schema, store
from geo.errors import PlanFileError, PlannerError, StoreError
from geo.maps import performance

HAN = re.compile(r"[\u4e00-\u9fff\uff08\uff09\uff0c\uff1a\uff1b\u3001\u3002]")  # and full-width marks


def _bad_version(path):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    con.commit()
    con.close()
    return path


def _plan(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _cases(tmp_path):
    missing = tmp_path / "nothere.gpkg"
    old = _bad_version(tmp_path / "old.gpkg")
    no_key = _plan(tmp_path / "nokey.toml", '[plan]\ntitle_zh = "规划"\ntitle_en = "Plan"\nstart_year = 2021\n')
    bad_value = _plan(tmp_path / "value.toml", '[plan]\ntitle_zh = "规划"\ntitle_en = "Plan"\nstart_year = 2021\n'
                      'end_year = 2025\n[[targets]]\nid = "parks_built"\narea = "county"\nper = "year"\n'
                      'comparison = ">="\nname_zh = "厂房"\nname_en = "Buildings"\nvalue = "many"\nunit = "m2"\ntext_zh = "建成厂房"\n')
    none = {"enterprise_figures": pd.DataFrame({"year": pd.Series([], dtype="Int64")})}
    return [
        (StoreError, lambda: store.check_store(missing),
         [str(missing), "`python -m geo demo`", "JINYUN_STORE"]),
        (StoreError, lambda: store.check_store(old), [str(old), "'0'"]),
        (PlanFileError, lambda: plan.load_plan(tmp_path / "absent.toml"), [str(tmp_path / "absent.toml")]),
        (PlanFileError, lambda: plan.load_plan(no_key), [str(no_key), "`[plan]`", "`end_year`"]),
        (PlanFileError, lambda: plan.load_plan(bad_value), [str(bad_value), "parks_built", "`value`", "'many'"]),
        (PlannerError, lambda: performance.latest_figures_year(none), []),
        (PlannerError, lambda: performance.latest_figures_year(none, until=2020), []),
        (schema.SchemaError, lambda: schema.check("parks", pd.DataFrame({"park_id": ["P1"]})),
         ["parks", "name_zh", "name_en", "geometry", "_"]),
    ]


@pytest.mark.parametrize("case", range(8))
def test_an_error_speaks_one_language(tmp_path, case):
    cls, raise_it, names = _cases(tmp_path)[case]
    with pytest.raises(cls) as info:
        raise_it()
    zh, en = info.value.text("zh"), info.value.text("en")
    assert str(info.value) == zh  # the default language
    assert zh != en and HAN.search(zh), zh
    words = zh
    for name in sorted(names, key=len, reverse=True):  # the file, layer or setting it names stays as is
        words = words.replace(name, "")
    if cls is schema.SchemaError:  # the column names it lists
        words = re.sub(r"[a-z_0-9]+", "", words)
    assert not re.search(r"[A-Za-z]", words), zh
    assert not HAN.search(en), en

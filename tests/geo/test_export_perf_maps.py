"""Print specs of the per-mu class map and the ranking flag map, on the demo store."""

from __future__ import annotations

import re

import pytest

from geo import evaluation, plan, ranking, store, styles
from geo.export import maps


@pytest.fixture(scope="module")
def layers(demo_store):
    return store.read_all(demo_store)


def test_performance_maps_are_exportable_pages():
    assert {"overview", "per_mu", "ranking"} <= set(maps.PAGES)


def test_per_mu_spec_colours_each_parcel_by_its_best_class(layers):
    p = plan.load_plan()
    spec = maps.spec_for("per_mu", layers, lang="zh", plan=p, visible=["ignored"])
    scored = evaluation.scores(layers, evaluation.method_from_plan(p), 2021)
    best = scored.sort_values("score", ascending=False).drop_duplicates("parcel_id")
    for cls in evaluation.CLASSES:
        layer = next(d for d in spec.layers if d.key == f"class:{cls}")
        on_map = best[best["parcel_id"].isin(layers["parcels"]["parcel_id"])]
        assert len(layer.geoms) == int((on_map["cls"] == cls).sum())
    heading, entries = spec.legend[0]
    assert heading == "A/B/C/D 分类（2021年）"
    counts = [int(re.search(r"（(\d+)）", e.label).group(1)) for e in entries]
    assert sum(counts) == len(scored)
    assert [e.symbol.face for e in entries] == list(styles.EVAL_CLASS_COLORS.values())


def test_ranking_spec_marks_every_unit_with_its_flag_and_rank(layers):
    p = plan.load_plan()
    spec = maps.ranking_spec(layers, lang="zh", plan=p, quarter="2021Q2")
    flagged = ranking.flags(layers, p, "2021Q2")
    drawn = sum(len(d.geoms) for d in spec.layers if d.key.startswith(("flag:", "flag_town:")))
    assert drawn == len(flagged)
    assert [e.label for e in spec.legend[0][1]] == ["红旗", "黄旗", "蓝旗"]
    first = flagged.iloc[0]
    assert any(label == f"{first['name_zh']}（{int(first['rank'])}）"
               for label in (lab.text for lab in spec.labels))
    assert "2021Q2" in spec.what

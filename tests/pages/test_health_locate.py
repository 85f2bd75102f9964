"""AppTest of the data health page's 'locate enterprises' part: enterprises without a point are
listed, those a parcel's right holder names are located in one click, with history."""

from __future__ import annotations

from geo import locate, store
from tests.pages.conftest import open_page

PAGE = "pages/health.py"


def _unlocate(path, n: int) -> list[str]:
    """Take the point of the first ``n`` enterprises whose parcel names them by credit code,
    and of one whose holder is written another way."""
    s = store.Store(path)
    found = locate.locate(s.enterprises, s.parcels)
    sure = list(found.matched.loc[found.matched["how"] == "uscc", "enterprise_id"][:n])
    other = list(found.to_confirm["enterprise_id"][:1])
    with store.transaction(path) as tx:
        for eid in [*sure, *other]:
            tx.set_geometry("enterprises", "enterprise_id", eid, None)
        tx.touch(["enterprises"])
    return sure + other


def test_enterprises_named_by_their_parcels_are_located_in_one_click(store_copy, monkeypatch):
    sure_a, sure_b, to_confirm = _unlocate(store_copy, 2)
    at = open_page(PAGE, store_copy, monkeypatch)
    assert any("没有位置的企业：3 家" in e.label for e in at.expander)
    assert any("可按宗地定位：2 家" in m.value for m in at.markdown)
    assert any("待确认：1 家" in m.value for m in at.markdown)
    at.button(key="locate.apply").click().run()
    assert not at.exception and not at.error, at.error
    assert any("已写入 2 家企业的位置" in s.value for s in at.success)
    ents = store.read_layer(store_copy, "enterprises").set_index("enterprise_id")
    assert ents.loc[sure_a].geometry is not None and ents.loc[sure_b].geometry is not None
    assert ents.loc[to_confirm].geometry is None  # a normalised name waits for a planner
    audit = store.read_layer(store_copy, "audit")
    placed = audit[(audit["field"] == "geometry")]
    assert sorted(placed["feature_id"]) == sorted([sure_a, sure_b])
    assert set(placed["user"]) == {"本机用户"}
    assert at.selectbox(key="locate.pick").options == [
        f"{ents.loc[to_confirm, 'name']}（{to_confirm}）"]


def test_a_normalised_match_is_written_only_once_ticked(store_copy, monkeypatch):
    *_, to_confirm = _unlocate(store_copy, 0)
    at = open_page(PAGE, store_copy, monkeypatch)
    assert not _has(at, "locate.confirm")  # nothing ticked: nothing to confirm
    assert store.read_layer(store_copy, "enterprises").set_index("enterprise_id").loc[
        to_confirm].geometry is None
    # the planner ticks the row in the table (what the data editor keeps in session state)
    at.session_state["locate.confirm_table"] = {"edited_rows": {0: {"确认": True}},
                                                "added_rows": [], "deleted_rows": []}
    at.run()
    assert _has(at, "locate.confirm")
    at.button(key="locate.confirm").click().run()
    assert not at.exception and not at.error, at.error
    ents = store.read_layer(store_copy, "enterprises").set_index("enterprise_id")
    assert ents.loc[to_confirm].geometry is not None
    assert any("所有企业都已有位置" in s.value for s in at.success)


def _has(at, key: str) -> bool:
    return any(b.key == key for b in at.button)

"""AppTest of the history page: every change listed, filtered, one undone as a change of its own."""

from __future__ import annotations

from geo import edits, store
from tests.pages.conftest import open_page_alone, with_accounts

PAGE = "pages/history.py"


def test_history_lists_filters_and_undoes(store_copy, monkeypatch):
    edits.apply_edit(store_copy, "parks", "P03", {"enterprises_in": 31}, user="王工")
    edits.apply_edit(store_copy, "parks", "P04", {"star_rating": 2}, user="李工")
    with_accounts(store_copy, "王工", "李工")
    at = open_page_alone(PAGE, store_copy, monkeypatch, user="admin")
    at.selectbox(key="history.layer").set_value("parks").run()  # not the accounts' own rows
    table = at.dataframe[0].value
    assert len(table) == 2 and set(table["修改人"]) == {"王工", "李工"}
    at.multiselect(key="history.users").set_value(["王工"]).run()
    table = at.dataframe[0].value
    assert table["要素编号"].tolist() == ["P03"]
    at.button(key="history.undo_one").click().run()
    assert not at.exception and not at.error
    assert any("已撤销" in s.value for s in at.success)
    parks = store.read_layer(store_copy, "parks").set_index("park_id")
    assert parks.loc["P03", "enterprises_in"] != 31 and parks.loc["P04", "star_rating"] == 2
    audit = edits.history_since(store.read_layer(store_copy, "audit"), layer="parks")
    assert len(audit) == 3 and audit.iloc[0]["user"] == "admin"  # the undo is a change too

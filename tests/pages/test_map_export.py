"""The export panel under each map page's map, in AppTest: the sheet is built from the
page's own map (its layers, colours and filters) and offered for download."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.pages.conftest import open_page_alone

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("page", "key"), [
    ("pages/land.py", "land-map-zh"),
    ("pages/inefficient.py", "ineff-map-zh"),
    ("pages/evaluation.py", "ev-map-zh"),
    ("pages/assess.py", "assess_map"),
])
def test_each_map_page_builds_a_sheet_of_its_map(page, key, demo_store, monkeypatch):
    at = open_page_alone(page, demo_store, monkeypatch)
    at.button(key=f"{key}.build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    signature, body, scale, bar_m, unplaced = at.session_state[f"{key}.sheet"]
    assert all(isinstance(name, str) for name in unplaced)
    assert body.startswith(PNG_MAGIC)
    assert Image.open(io.BytesIO(body)).size == (1754, 1240)  # A4 landscape, 150 dpi
    assert scale > 1000 and bar_m > 0


def test_parks_sheet_names_the_filter_in_force(demo_store, monkeypatch):
    at = open_page_alone("pages/parks.py", demo_store, monkeypatch)
    at.multiselect(key="parks.f_status").set_value(["operating"]).run()
    at.radio(key="parks-map-zh.format").set_value("pdf").run()
    at.button(key="parks-map-zh.build").click().run()
    assert not at.exception, at.exception
    signature, body, _, _, _ = at.session_state["parks-map-zh.sheet"]
    assert body.startswith(b"%PDF")
    subtitle = signature[0]
    assert "状态：运营" in subtitle

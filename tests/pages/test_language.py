"""AppTest: the language travels in the address (``?lang=en``), so a reload or a shared link
opens in the language the planner chose."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


@pytest.fixture
def app(demo_store, monkeypatch):
    monkeypatch.setenv("JINYUN_STORE", str(demo_store))
    return AppTest.from_file(APP, default_timeout=180)


def test_a_link_with_lang_en_opens_in_english(app):
    app.query_params["lang"] = "en"
    at = app.switch_page("pages/parks.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="lang").value == "en"
    assert at.title[0].value == "Micro-enterprise parks: progress"


def test_switching_writes_the_language_into_the_address(app):
    at = app.switch_page("pages/health.py").run()
    assert at.query_params.get("lang") in (None, [], [""])  # Chinese: the address stays clean
    at.radio(key="lang").set_value("en").run()
    assert at.query_params["lang"] in ("en", ["en"])
    # moving to another page keeps it: tests/e2e/test_languages.py (AppTest replays the
    # basemap choice by its old label after a switch, so one switch per test here)


def test_an_unknown_language_in_the_address_falls_back_to_chinese(app):
    app.query_params["lang"] = "fr"
    at = app.switch_page("pages/parks.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="lang").value == "zh"
    assert at.title[0].value == "小微企业园建设进度"

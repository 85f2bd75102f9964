"""AppTest: the language travels in the address (``?lang=en``), so a reload or a shared link
opens in the language the planner chose."""

from __future__ import annotations

import json
import re
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


PAGES = re.findall(r'st\.Page\(\s*"(pages/[\w/]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))
HAN = re.compile(r"[\u3400-\u9fff]")
# Latin a Chinese header may carry: units and codes
LATIN_OK = {"mu", "km", "ID", "USCC", "m", "A", "B", "C", "D", "GDP", "tce", "PDF", "PNG"}
EMPTY_SHOWN = {"None", "none", "nan", "NaN", "NaT", "<NA>"}


def _header_problems(name: str, lang: str) -> list[str]:
    if re.fullmatch(r"[a-z][a-z0-9_]*", name) and name not in LATIN_OK:
        return [f"raw column name {name!r}"]
    if lang == "en" and HAN.search(name):
        return [f"Chinese header {name!r}"]
    if lang == "zh" and set(re.findall(r"[A-Za-z]{2,}", re.sub(r"\S*\d\S*", "", name))) - LATIN_OK:
        return [f"English header {name!r}"]
    return []


def _cell_problems(frame, *, static: bool = False) -> list[str]:
    """Cells that would read "None", "nan" or "NaT": text saying so, or (in ``st.table``, which
    has no placeholder for it) a missing value."""
    out = []
    for col in frame.columns:
        values = frame[col]
        if values.dtype == object:
            shown = {str(v) for v in values if isinstance(v, str)}
            if shown & EMPTY_SHOWN:
                out.append(f"{col!r} shows {sorted(shown & EMPTY_SHOWN)}")
        if static and values.isna().any():
            out.append(f"{col!r} has missing values a static table prints as None/nan")
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_table_has_translated_headers_and_no_none_cells(app, page, lang):
    app.session_state["lang"] = lang
    at = app.switch_page(page).run()
    assert not at.exception, at.exception
    problems = []
    for kind, elements in (("dataframe", at.dataframe), ("table", at.table)):
        for i, el in enumerate(elements):
            frame = el.value
            # a header a column_config relabels is shown by that label; hidden ones not at all
            config = json.loads(el.proto.columns or "{}") if kind == "dataframe" else {}
            names = [config.get(str(c), {}).get("label") or str(c) for c in frame.columns
                     if not config.get(str(c), {}).get("hidden")]
            names += [str(n) for n in frame.index.names if n]
            problems += [f"{kind} {i}: {p}" for n in names for p in _header_problems(n, lang)]
            problems += [f"{kind} {i}: {p}" for p in _cell_problems(frame, static=kind == "table")]
    for i, el in enumerate(at.get("vega_lite_chart")):
        problems += [f"chart {i}: {p}" for p in _chart_problems(json.loads(el.proto.spec), lang)]
    assert problems == [], f"{page} ({lang}):\n" + "\n".join(problems)


def _encodings(spec: dict):
    for enc in [spec.get("encoding", {})] + [layer.get("encoding", {}) for layer in spec.get("layer", [])]:
        for channel, value in enc.items():
            yield from ((channel, v) for v in (value if isinstance(value, list) else [value]))


def _chart_problems(spec: dict, lang: str) -> list[str]:
    """Axis titles, legend and tooltip fields in the page's language; no date axis, whose
    ticks Vega writes as English month names."""
    out = []
    for channel, enc in _encodings(spec):
        if not isinstance(enc, dict) or "field" not in enc:
            continue
        shown = enc.get("title") or enc["field"]
        if "streamlit-generated" in enc["field"]:
            out.append(f"{channel}: Streamlit's own field {shown!r}")
        out += [f"{channel}: {p}" for p in _header_problems(str(shown), lang)]
        if enc.get("type") == "temporal":
            out.append(f"{channel}: a date axis (English month names)")
    return out


def test_chart_check_catches_streamlits_own_names():
    spec = {"encoding": {"tooltip": [{"field": "value -- streamlit-generated", "title": "value"}],
                         "x": {"field": "at", "type": "temporal"}}}
    assert len(_chart_problems(spec, "zh")) == 4

"""The translation table: two data files with the same keys and placeholders, and every
key the code names is in them."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from geo import i18n

ROOT = Path(__file__).resolve().parents[2]
# t("..."), state.t("..."), Note("..."), a legend section("..."), Message.of("..."); the importer's tr("...") and
# refuse("...") name keys under "import."
KEY_USE = re.compile(r"\b(t|tr|refuse|Note|section|of)\(\s*[\"']([a-z][a-z0-9_]*\.[a-z0-9_.]+)[\"']")
PREFIX = {"tr": "import.", "refuse": "import."}
# Chinese counts with a measure word (个); English needs none
EMPTY_IN = {"en": {"unit.count"}, "zh": set()}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys():
    zh, en = i18n.load_locale("zh"), i18n.load_locale("en")
    assert sorted(set(zh) - set(en)) == []
    assert sorted(set(en) - set(zh)) == []
    assert len(i18n.TABLE) == len(zh)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_text_is_empty(lang):
    empty = {k for k, v in i18n.load_locale(lang).items() if not v.strip()}
    assert empty == EMPTY_IN[lang]


def test_placeholders_agree_between_languages():
    wrong = {k: (zh, en) for k, (zh, en) in i18n.TABLE.items()
             if _placeholders(zh) != _placeholders(en)}
    assert wrong == {}


def test_every_key_named_in_the_code_exists():
    used: dict[str, str] = {}
    for folder in ("geo", "layers", "ui", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            for call, key in KEY_USE.findall(path.read_text(encoding="utf-8")):
                used.setdefault(PREFIX.get(call, "") + key, str(path.relative_to(ROOT)))
    for call, key in KEY_USE.findall((ROOT / "app.py").read_text(encoding="utf-8")):
        used.setdefault(PREFIX.get(call, "") + key, "app.py")
    assert len(used) > 300  # the scan finds the code's keys
    assert {k: where for k, where in used.items() if k not in i18n.TABLE} == {}


def test_an_unknown_key_raises():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")

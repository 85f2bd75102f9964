"""The one translation table. Every user-visible string goes through :func:`t`.

Chinese (``zh``, simplified) is the default language; English (``en``) is a switch.
The strings live in data files, one per language (``geo/locales/zh.toml`` and
``en.toml``), so a translator edits text, not code. Keys are dotted:
``<area>.<name>``. Status labels of schema fields live there too, under
``enum.<field>.<code>``, so the map, tables and exports agree.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def load_locale(lang: str) -> dict[str, str]:
    """The strings of ``lang`` as read from its file."""
    with (LOCALES_DIR / f"{lang}.toml").open("rb") as fh:
        return tomllib.load(fh)


def _table() -> dict[str, tuple[str, str]]:
    zh, en = (load_locale(lang) for lang in LANGS)
    # a key missing from one file fails tests/geo/test_i18n.py; here it is simply left out
    return {key: (zh[key], en[key]) for key in zh if key in en}


TABLE: dict[str, tuple[str, str]] = _table()


def t(key: str, lang: str = DEFAULT_LANG, /, **fmt: object) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` from ``fmt``.

    An unknown key raises ``KeyError`` so that a missing string fails a test
    instead of showing a raw key to a planner.
    """
    zh, en = TABLE[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def enum_label(field: str, code: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a status/enum value, e.g. ``enum_label("park_status", "operating")``."""
    return t(f"enum.{field}.{code}", lang)


def bool_label(value: bool, lang: str = DEFAULT_LANG) -> str:
    """是/否 or Yes/No."""
    return t("bool.true" if value else "bool.false", lang)


def name_column(lang: str = DEFAULT_LANG) -> str:
    """The column holding a place's name in ``lang`` (towns, platforms, zones carry both)."""
    return "name_en" if lang == "en" else "name_zh"


def column_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """How a column or field is labelled in tables, tooltips and forms: ``col.<name>``,
    else ``field.<name>``, else the name itself (a column of the planner's own file)."""
    for key in (f"col.{name}", f"field.{name}"):
        if key in TABLE:
            return t(key, lang)
    return name


def render(value: object, lang: str = DEFAULT_LANG) -> object:
    """``value`` as shown in ``lang``: a :class:`Message` (or anything with ``text(lang)``)
    is translated, a list or tuple of them joined with the language's list mark (、 or ", ");
    other values stay."""
    if hasattr(value, "text") and callable(value.text):
        return value.text(lang)
    if isinstance(value, list | tuple):
        return ("、" if lang == "zh" else ", ").join(str(render(v, lang)) for v in value)
    return value


@dataclass(frozen=True)
class Message:
    """A text for the user, not yet in a language: a key of the table and its arguments.

    ``geo`` returns messages; the page, the command line or the exporter that shows
    one turns it into the user's language with :meth:`text`. Arguments may be
    messages themselves (or lists of them), translated in the same language.
    """

    key: str
    args: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **args: object) -> Message:
        return cls(key, tuple(args.items()))

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang, **{name: render(v, lang) for name, v in self.args})

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Column:
    """A field's label in the reader's language (:func:`column_label`), inside a message."""

    name: str

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return column_label(self.name, lang)


@dataclass(frozen=True)
class Code:
    """A stored value as the reader knows it: an enum code by its label, nothing as ∅."""

    enum: str | None
    value: str | None

    def text(self, lang: str = DEFAULT_LANG) -> str:
        if self.value is None or self.value == "":
            return "∅"
        return enum_label(self.enum, self.value, lang) if self.enum else str(self.value)


@dataclass(frozen=True)
class Joined:
    """Several messages shown as one (the problems of one row), in the language's punctuation."""

    parts: tuple[Message, ...]

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return ("；" if lang == "zh" else "; ").join(p.text(lang) for p in self.parts)

    def __str__(self) -> str:
        return self.text()

"""Matching an error by what it says in one language (a translated message's ``str`` is Chinese)."""

from __future__ import annotations

import contextlib
import re

import pytest


@contextlib.contextmanager
def raises_said(cls, match: str, lang: str = "en"):
    """Like ``pytest.raises(cls, match=...)``, matching the error's text in ``lang``
    (``exc.text(lang)`` for a planner error, ``str(exc)`` for any other)."""
    with pytest.raises(cls) as info:
        yield info
    render = getattr(info.value, "text", None)
    text = render(lang) if callable(render) else str(info.value)
    assert re.search(match, text), text

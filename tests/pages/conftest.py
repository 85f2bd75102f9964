"""Opening a page in AppTest, shared by the page tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def open_page(page: str, store_path, monkeypatch, *, timeout_s: int = 120) -> AppTest:
    """``page`` through app.py (frame, navigation, demo banner) on the store at ``store_path``."""
    monkeypatch.setenv("JINYUN_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.switch_page(page).run()  # straight to the page: the overview's big map is not needed
    assert not at.exception, at.exception
    return at


def open_page_alone(page: str, store_path, monkeypatch, *, timeout_s: int = 90) -> AppTest:
    """The page script alone. Through app.py + switch_page, AppTest loses a button's click on
    the rerun that ``ui.ensure_navigation`` makes, so clicks are driven on the page directly."""
    monkeypatch.setenv("JINYUN_STORE", str(store_path))
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout_s).run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str):
    """The first dataframe shown that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

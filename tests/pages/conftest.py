"""Opening a page in AppTest, shared by the page tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


PASSWORD = "test password 1"


def with_accounts(store_path, *editors: str, viewers=(), scoped: dict | None = None) -> None:
    """Give the store accounts (an admin, and the editors and viewers named), so that it
    requires sign-in as a team's store does."""
    from geo import accounts

    accounts.add_user(store_path, "admin", role="admin", password=PASSWORD, actor="setup")
    for name in editors:
        accounts.add_user(store_path, name, role="editor", password=PASSWORD, actor="admin",
                          towns=(scoped or {}).get(name, ()))
    for name in viewers:
        accounts.add_user(store_path, name, role="viewer", password=PASSWORD, actor="admin")


def signed_in(at: AppTest, store_path, name: str) -> AppTest:
    """``at`` with ``name`` signed in, as the sign-in form leaves the session (AppTest cannot
    type into a form of another run, and st.user is fixed in AppTest)."""
    import time

    from geo import accounts, store
    from ui.auth import SESSION_KEY

    user = accounts.account(store.Store(store_path), name)
    at.session_state[SESSION_KEY] = {"user": user, "at": time.time()}
    return at


def open_page(page: str, store_path, monkeypatch, *, timeout_s: int = 120,
              user: str | None = None) -> AppTest:
    """``page`` through app.py (frame, navigation, demo banner) on the store at ``store_path``;
    ``user``: signed in as that account."""
    monkeypatch.setenv("JINYUN_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    if user:
        signed_in(at, store_path, user)
    at.switch_page(page).run()  # straight to the page: the overview's big map is not needed
    assert not at.exception, at.exception
    return at


def open_page_alone(page: str, store_path, monkeypatch, *, timeout_s: int = 90,
                    user: str | None = None) -> AppTest:
    """The page script alone. Through app.py + switch_page, AppTest loses a button's click on
    the rerun that ``ui.ensure_navigation`` makes, so clicks are driven on the page directly."""
    monkeypatch.setenv("JINYUN_STORE", str(store_path))
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout_s)
    if user:
        signed_in(at, store_path, user)
    at.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str):
    """The first dataframe shown that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()

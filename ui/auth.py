"""Sign-in for the pages: who is working (:func:`current_user`), the sign-in screen, sign-out.

Three cases, chosen by the store and the settings (:mod:`geo.settings`):

- a store without accounts and no single sign-on: the planner's own copy, used as
  :data:`geo.accounts.LOCAL_USER` with no sign-in (``make run`` on the demo);
- ``JINYUN_AUTH=oidc``: Streamlit's own ``st.login`` against the bureau's identity
  provider (``.streamlit/secrets.toml``, section ``[auth]``); the role and towns
  come from the store's account of the same name, never from the token alone
  (a name the store does not know is a viewer);
- otherwise, a store with accounts: the built-in sign-in form (:func:`geo.accounts
  .authenticate`, rate-limited); a sign-in lasts ``JINYUN_SESSION_HOURS`` hours.

The role shown here only decides which buttons a page offers: every write is
checked again in ``geo`` where it happens.
"""

from __future__ import annotations

import time

import streamlit as st

from geo import accounts, settings
from geo.errors import PlannerError
from ui import data, state

SESSION_KEY = "auth.session"


def _store_has_accounts() -> bool:
    return accounts.has_accounts(data.current())


def _oidc_user() -> accounts.User | None:
    user = st.user
    if not user.get("is_logged_in"):
        return None
    name = str(user.get("preferred_username") or user.get("email") or user.get("sub"))
    try:
        found = accounts.account(data.current(), name)
    except accounts.AccessDenied:
        found = None
    if found is None or found.local:
        return accounts.User(name, "viewer", display_name=str(user.get("name") or ""))
    return found


def current_user() -> accounts.User | None:
    """The signed-in planner, the local user, or None (not signed in, or expired)."""
    if settings.auth_mode() == "oidc":
        return _oidc_user()
    if not _store_has_accounts():
        return accounts.local_user()
    session = st.session_state.get(SESSION_KEY)
    if session is None:
        return None
    if time.time() - session["at"] > settings.session_hours() * 3600:
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["auth.expired"] = True
        return None
    return session["user"]


def gate() -> accounts.User | None:
    """Show the sign-in screen when nobody is signed in (the page stops there); else the user."""
    user = current_user()
    if user is not None:
        return user
    st.title(state.t("auth.sign_in_title"))
    if st.session_state.pop("auth.expired", False):
        st.warning(state.t("auth.expired"))
    if settings.auth_mode() == "oidc":
        st.button(state.t("auth.sso"), key="auth.sso", type="primary", on_click=st.login)
        return None
    st.caption(state.t("auth.sign_in_help"))
    with st.form("auth.form"):
        name = st.text_input(state.t("auth.username"), key="auth.username")
        password = st.text_input(state.t("auth.password"), type="password", key="auth.password")
        submitted = st.form_submit_button(state.t("auth.sign_in"), type="primary")
    if submitted:
        try:
            user = accounts.authenticate(data.store_path(), name, password)
        except PlannerError as exc:
            st.error(exc.text(state.lang()))
        else:
            st.session_state[SESSION_KEY] = {"user": user, "at": time.time()}
            st.rerun()
    return None


def _sign_out(user: accounts.User) -> None:
    accounts.log_action(data.store_path(), user.name, "sign_out")
    st.session_state.pop(SESSION_KEY, None)


def sidebar(user: accounts.User) -> None:
    """Who is working, in the frame; and the way out."""
    if user.local:
        st.sidebar.caption(state.t("auth.local_user"))
        return
    st.sidebar.caption(state.t("auth.signed_in_as", user=user.label,
                               role=state.t(f"enum.role.{user.role}")))
    if user.scoped:
        st.sidebar.caption(state.t("auth.scope_note", scope="、".join(user.towns + user.platforms)))
    if settings.auth_mode() == "oidc":
        if st.sidebar.button(state.t("auth.sign_out"), key="auth.sign_out"):
            accounts.log_action(data.store_path(), user.name, "sign_out")
            st.logout()
    else:
        st.sidebar.button(state.t("auth.sign_out"), key="auth.sign_out", on_click=_sign_out,
                          args=(user,))


def user() -> accounts.User:
    """The planner of this run (pages run only once :func:`gate` let them through)."""
    found = current_user()
    if found is None:  # a page reached without the frame: nobody may write
        return accounts.User("", "viewer")
    return found


def log(action: str, detail: str = "") -> None:
    """An entry of the action log for the current planner (exports, brief downloads)."""
    accounts.log_action(data.store_path(), user().name, action, detail)


def logged(action: str, detail: str, body):
    """A download's data that, when the planner downloads it, leaves a line in the action log.

    Who and where are taken now, while the page runs: the data is produced later, on the
    click, outside the page's run."""
    name, location = user().name, data.store_path()

    def produce():
        accounts.log_action(location, name, action, detail)
        return body() if callable(body) else body

    return produce

"""Who is working, and what each planner may touch.

A store with no account is a single planner's own copy: the app opens without
sign-in, as :data:`LOCAL_USER`, an editor. A store with any account (the
``users`` layer) requires sign-in, and every write is checked here, where it
happens (:func:`authorise_edit` inside the edit's transaction, :func:`authorise`
before an import or an undo), for the pages and the command line alike:

- viewer: sees every page and exports; writes nothing;
- editor: edits and imports, within the towns or platforms of the account when
  it is scoped (a 壶镇镇 editor changes only features in 壶镇镇);
- admin: all of that, plus accounts, settings and undoing anyone's change.

Passwords are hashed with argon2id (``argon2-cffi``); nothing about a password is
logged or stored in the history. Failed sign-ins are counted in the action log
(:func:`log_action`), and :data:`MAX_FAILURES` of them within
:data:`FAILURE_WINDOW` lock the name for that window. The action log records
sign-in, sign-out, failed sign-in, imports, exports and brief downloads; it is
kept beside the store (a small SQLite file next to a GeoPackage, a table in
PostGIS) so that writing it does not change the store's version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import postgis, schema, store
from geo.errors import PlannerError
from geo.i18n import Message

LOCAL_USER = "本机用户"
ROLES = schema.ENUMS["role"]
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
ACTIONS = ("sign_in", "sign_out", "sign_in_failed", "import", "export", "brief", "users", "undo")


class AccessDenied(PlannerError):
    """The signed-in planner may not do this; nothing was written."""


@dataclass(frozen=True)
class User:
    """A planner as the store knows them (or the local user of a store without accounts)."""

    name: str
    role: str = "viewer"
    towns: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    display_name: str = ""
    local: bool = False
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def scoped(self) -> bool:
        return self.role == "editor" and bool(self.towns or self.platforms)

    def covers(self, town: str | None, platform: str | None) -> bool:
        """True when a feature in ``town`` / ``platform`` is within this planner's scope."""
        if not self.scoped:
            return True
        return (town is not None and town in self.towns) or (
            platform is not None and platform in self.platforms)


def local_user() -> User:
    return User(LOCAL_USER, "editor", local=True)


def _split(value) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    return tuple(v.strip() for v in str(value).split(",") if v.strip())


def _user_from_row(row: Mapping) -> User:
    return User(str(row["username"]), str(row["role"]), _split(row.get("towns")),
                _split(row.get("platforms")), str(row.get("display_name") or ""))


def has_accounts(layers: Mapping[str, pd.DataFrame]) -> bool:
    """True when the store has any account, so that it requires sign-in."""
    return len(layers["users"]) > 0


def account(layers: Mapping[str, pd.DataFrame], name: str) -> User:
    """The account ``name`` (enabled), or :class:`AccessDenied`. A store without accounts has
    one user, who may use any name: the planner working on their own copy."""
    users = layers["users"]
    if users.empty:
        return User(str(name).strip() or LOCAL_USER, "editor", local=True)
    rows = users[users["username"] == str(name)]
    if rows.empty or bool(rows.iloc[0]["disabled"]):
        raise AccessDenied(Message.of("auth.unknown_user", name=name))
    return _user_from_row(rows.iloc[0])


# ------------------------------------------------------------------------------ the writes

def _as_user(layers, user: User | str) -> User:
    """The account as the store has it now (a session's copy may be out of date: a role
    changed or an account disabled since the sign-in)."""
    if isinstance(user, User):
        if user.local and not has_accounts(layers):
            return user
        return account(layers, user.name)
    return account(layers, user)


def _scope_of_rows(layers: Mapping[str, pd.DataFrame], layer: str,
                   frame: pd.DataFrame) -> pd.DataFrame:
    """Each row's town and platform: its own, or its parcel's (sales, cases), or its
    enterprise's (yearly figures)."""
    out = pd.DataFrame(index=frame.index)
    if "town_code" in frame.columns:
        out["town_code"] = frame["town_code"]
        out["platform_id"] = frame.get("platform_id", None)
        return out
    via = {"parcel_id": "parcels", "enterprise_id": "enterprises"}
    for col, parent in via.items():
        if col in frame.columns:
            ref = layers[parent].set_index(col)
            out["town_code"] = frame[col].map(ref["town_code"])
            out["platform_id"] = (frame[col].map(ref["platform_id"]) if "platform_id" in ref
                                  else None)
            return out
    out["town_code"] = None
    out["platform_id"] = None
    return out


def _town_names(layers: Mapping[str, pd.DataFrame], codes: Iterable[str]) -> str:
    names = layers["towns"].set_index("town_code")["name_zh"].to_dict()
    return "、".join(str(names.get(c, c)) for c in codes)


def authorise(layers: Mapping[str, pd.DataFrame], user: User | str, action: str, *,
              layer: str | None = None, frame: pd.DataFrame | None = None,
              others: Iterable[str] = ()) -> User:
    """Check that ``user`` may do ``action`` ("edit", "import", "undo", "admin") on the rows
    of ``frame`` of ``layer``; returns the :class:`User`, or raises :class:`AccessDenied`
    saying why. ``others``: the people whose changes an undo takes back."""
    who = _as_user(layers, user)
    if action == "admin" and not (who.is_admin or who.local):
        raise AccessDenied(Message.of("auth.need_admin", user=who.label))
    if action in ("edit", "import", "undo") and not who.can_edit:
        raise AccessDenied(Message.of("auth.need_editor", user=who.label,
                                      role=Message.of(f"enum.role.{who.role}")))
    if action == "undo" and not (who.is_admin or who.local):
        foreign = sorted({o for o in others if o != who.name})
        if foreign:
            raise AccessDenied(Message.of("auth.undo_others", user=who.label,
                                          others="、".join(foreign)))
    if frame is not None and layer is not None and who.scoped:
        scope = _scope_of_rows(layers, layer, frame)
        inside = [who.covers(t, p) for t, p in zip(scope["town_code"], scope["platform_id"],
                                                   strict=True)]
        outside = frame[[not ok for ok in inside]]
        if len(outside):
            key = schema.LAYERS[layer].key.split(",")[0]
            ids = "、".join(map(str, outside[key].head(10))) if key in outside else ""
            towns = sorted({t for t in scope.loc[outside.index, "town_code"] if t})
            raise AccessDenied(Message.of(
                "auth.out_of_scope", user=who.label, scope=_town_names(layers, who.towns)
                or "、".join(who.platforms), layer=Message.of(f"layer.{layer}"), ids=ids,
                where=_town_names(layers, towns) or "—"))
    return who


def authorise_edit(tx, user: User | str, layer: str, feature_id: str) -> User:
    """The check an edit makes inside its own transaction (so an account disabled a moment ago
    cannot write): the same rules as :func:`authorise`, read with the transaction's SQL."""
    rows = tx.execute('SELECT username, display_name, role, towns, platforms, disabled '
                      'FROM users').fetchall()
    cols = ["username", "display_name", "role", "towns", "platforms", "disabled"]
    users = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    if isinstance(user, User) and user.local and users.empty:
        return user
    name = user.name if isinstance(user, User) else user
    who = account({"users": users}, name)
    if not who.scoped:
        return authorise({"users": users}, who, "edit")
    key = schema.LAYERS[layer].key
    fields = schema.LAYERS[layer].field_names
    if "town_code" in fields:
        row = tx.execute(f'SELECT town_code, {"platform_id" if "platform_id" in fields else "NULL"}'
                         f' FROM "{layer}" WHERE "{key}" = :fid', {"fid": feature_id}).fetchone()
    else:  # sales and cases are where their parcel is
        row = tx.execute(f'SELECT p.town_code, p.platform_id FROM "{layer}" f JOIN parcels p '
                         f'ON p.parcel_id = f.parcel_id WHERE f."{key}" = :fid',
                         {"fid": feature_id}).fetchone()
    town, platform = (tuple(row) if row else (None, None))
    if not who.can_edit or not who.covers(town, platform):
        towns = pd.DataFrame([tuple(r) for r in tx.execute(
            "SELECT town_code, name_zh FROM towns").fetchall()], columns=["town_code", "name_zh"])
        frame = pd.DataFrame({key: [feature_id], "town_code": [town], "platform_id": [platform]})
        authorise({"users": users, "towns": towns}, who, "edit", layer=layer, frame=frame)
    return who


# ------------------------------------------------------------------------------ passwords

def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id with the library's current defaults


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise AccessDenied(Message.of("auth.password_short"))
    return _hasher().hash(password)


def _verify(hashed: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not hashed:
        return False
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(location, name: str, password: str, *,
                 now: dt.datetime | None = None) -> User:
    """Sign ``name`` in with ``password``: the account, or :class:`AccessDenied` (the same
    message whether the name or the password was wrong). Every attempt is in the action log;
    after :data:`MAX_FAILURES` failures within :data:`FAILURE_WINDOW` the name is locked for
    the rest of that window, even with the right password."""
    now = now or dt.datetime.now(dt.UTC)
    name = str(name).strip()
    recent = actions(location, since=now - FAILURE_WINDOW)
    failures = recent[(recent["user"] == name) & (recent["action"] == "sign_in_failed")]
    if len(failures) >= MAX_FAILURES:
        first = pd.to_datetime(failures["at"], utc=True).min()
        until = (first + FAILURE_WINDOW).tz_convert("Asia/Shanghai").strftime("%H:%M")
        log_action(location, name, "sign_in_failed", "locked", now=now)
        raise AccessDenied(Message.of("auth.locked", until=until))
    users = store.read_layer(location, "users")
    rows = users[users["username"] == name]
    ok = len(rows) and not bool(rows.iloc[0]["disabled"]) and _verify(
        rows.iloc[0]["password_hash"], password)
    if not ok:
        log_action(location, name, "sign_in_failed", now=now)
        raise AccessDenied(Message.of("auth.wrong_password"))
    log_action(location, name, "sign_in", now=now)
    return _user_from_row(rows.iloc[0])


# ------------------------------------------------------------------------------ accounts

def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccessDenied(Message.of("auth.bad_role", role=role, roles="、".join(ROLES)))
    return role


def _write_users(location, users: pd.DataFrame, rows: list[dict], actor: str) -> None:
    s = store.Store(location)
    audit = s.audit
    start = int(pd.to_numeric(audit["audit_id"]).max()) + 1 if len(audit) else 1
    at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = pd.DataFrame([{"audit_id": start + i, "at": at, "user": actor, "layer": "users",
                         "feature_id": r["name"], "field": r["field"],
                         "old_value": r["old"], "new_value": r["new"],
                         "effective": at[:10], "batch": None} for i, r in enumerate(rows)],
                       columns=schema.LAYERS["audit"].field_names)
    s.replace_layers({"users": users, "audit": pd.concat([audit, new], ignore_index=True)
                      if len(audit) else new})
    log_action(location, actor, "users", "; ".join(f"{r['name']} {r['field']}" for r in rows))


def _admin(location, actor: User | str) -> str:
    layers = store.Store(location)
    if not has_accounts(layers):
        return actor.name if isinstance(actor, User) else str(actor)  # the first account
    return authorise(layers, actor, "admin").name


def add_user(location, name: str, *, role: str, password: str | None, actor: User | str,  # noqa: PLR0913 (the account's fields)
             towns: Iterable[str] = (), platforms: Iterable[str] = (),
             display_name: str = "") -> User:
    """Add an account (the first one must be an admin: from then on the store needs sign-in).
    ``password`` None: the planner signs in through single sign-on only."""
    name = str(name).strip()
    if not name or "," in name:
        raise AccessDenied(Message.of("auth.bad_name", name=name))
    who = _admin(location, actor)
    users = store.read_layer(location, "users")
    if (users["username"] == name).any():
        raise AccessDenied(Message.of("auth.exists", name=name))
    if users.empty and _check_role(role) != "admin":
        raise AccessDenied(Message.of("auth.first_admin"))
    row = {"username": name, "display_name": display_name or None, "role": _check_role(role),
           "towns": ",".join(towns) or None, "platforms": ",".join(platforms) or None,
           "password_hash": hash_password(password) if password else None, "disabled": False,
           "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    out = pd.concat([users, pd.DataFrame([row])], ignore_index=True) if len(users) else \
        pd.DataFrame([row])
    _write_users(location, out, [{"name": name, "field": "role", "old": None, "new": role}], who)
    return _user_from_row(row)


def update_user(location, name: str, *, actor: User | str, role: str | None = None,  # noqa: PLR0913 (the account's fields)
                towns: Iterable[str] | None = None, disabled: bool | None = None,
                password: str | None = None) -> None:
    """Change an account's role, towns, disabled flag or password (admins only)."""
    who = _admin(location, actor)
    users = store.read_layer(location, "users")
    hit = users["username"] == name
    if not hit.any():
        raise AccessDenied(Message.of("auth.unknown_user", name=name))
    i = users.index[hit][0]
    changes = []
    for col, value in (("role", role and _check_role(role)),
                       ("towns", None if towns is None else (",".join(towns) or None)),
                       ("disabled", disabled)):
        if value is not None or (col == "towns" and towns is not None):
            old = users.at[i, col]
            if str(old) != str(value):
                changes.append({"name": name, "field": col, "old": None if old is None else
                                str(old), "new": None if value is None else str(value)})
                users.at[i, col] = value
    if password is not None:
        users.at[i, "password_hash"] = hash_password(password)
        changes.append({"name": name, "field": "password", "old": None, "new": "(changed)"})
    remaining = users[(users["role"] == "admin") & ~users["disabled"].astype(bool)]
    if remaining.empty:
        raise AccessDenied(Message.of("auth.last_admin"))
    if changes:
        _write_users(location, users, changes, who)


def list_users(location) -> pd.DataFrame:
    """The accounts without their password hashes (what an admin and ``geo users list`` see)."""
    users = store.read_layer(location, "users")
    return users.drop(columns=["password_hash"]).assign(
        sso_only=users["password_hash"].isna())


# ------------------------------------------------------------------------------ action log

_ACTION_COLUMNS = ["at", "user", "action", "detail"]


def _log_file(location) -> Path:
    path = Path(location)
    return path.with_name(f"{path.stem}_actions.sqlite")


@contextlib.contextmanager
def _log_con(location):
    loc = store.location_of(location)
    if isinstance(loc, str):
        with postgis.engine(loc).begin() as con:
            con.execute(postgis.sa.text(
                "CREATE TABLE IF NOT EXISTS actions (at TEXT, \"user\" TEXT, action TEXT, "
                "detail TEXT)"))
            yield lambda sql, params=None: con.execute(postgis.sa.text(sql), params or {})
        return
    con = sqlite3.connect(_log_file(loc), timeout=30)
    try:
        con.execute('CREATE TABLE IF NOT EXISTS actions (at TEXT, "user" TEXT, action TEXT, '
                    'detail TEXT)')
        yield con.execute
        con.commit()
    finally:
        con.close()


def log_action(location, user: str, action: str, detail: str = "", *,
               now: dt.datetime | None = None) -> None:
    """One line of the action log: who, when (UTC), what (one of :data:`ACTIONS`)."""
    if action not in ACTIONS:
        msg = f"unknown action {action!r}"
        raise ValueError(msg)
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with _log_con(location) as run:
        run('INSERT INTO actions (at, "user", action, detail) VALUES (:at, :user, :action, '
            ':detail)', {"at": at, "user": str(user), "action": action, "detail": detail})


def actions(location, *, since: dt.datetime | None = None) -> pd.DataFrame:
    """The action log, newest first (from ``since`` on)."""
    stamp = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if since else ""
    with _log_con(location) as run:
        rows = run('SELECT at, "user", action, detail FROM actions WHERE at >= :since '
                   "ORDER BY at DESC", {"since": stamp}).fetchall()
    return pd.DataFrame([tuple(r) for r in rows], columns=_ACTION_COLUMNS)

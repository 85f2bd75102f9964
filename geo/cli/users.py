"""``users add|list|set-role|disable``: the store's accounts, from the server's shell."""

from __future__ import annotations

import argparse
import getpass
import sys

from geo import accounts, settings
from geo.accounts import AccessDenied
from geo.cli._registry import command
from geo.i18n import Message
from geo.settings import store_location


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["add", "list", "set-role", "disable", "enable", "password"])
    p.add_argument("name", nargs="?", help="the account")
    p.add_argument("role", nargs="?", help="for set-role: viewer, editor or admin")
    p.add_argument("--role", dest="new_role", default=None, help="for add: viewer|editor|admin")
    p.add_argument("--towns", default=None, help="town codes an editor may change, CODE,CODE")
    p.add_argument("--platforms", default=None, help="platform ids an editor may change")
    p.add_argument("--display-name", default="", help="the planner's name as shown")
    p.add_argument("--sso", action="store_true",
                   help="for add: no password, signs in through single sign-on only")
    p.add_argument("--user", default=None,
                   help="the admin doing this (checked against the store; not needed for the "
                        "first account)")
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")


def _password() -> str:
    """Asked twice on a terminal; else two lines of standard input (for scripts)."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码 / password: ")
        second = getpass.getpass("再输入一次 / again: ")
    else:
        first = sys.stdin.readline().rstrip("\n")
        second = sys.stdin.readline().rstrip("\n")
    if first != second:
        raise AccessDenied(Message.of("auth.password_mismatch"))
    return first


def _codes(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


@command("users", "manage the store's accounts: add, list, set-role, disable, enable, password",
         _args)
def _users(args: argparse.Namespace) -> int:
    location = args.store or settings.store_location()
    actor = args.user or ""
    if args.action == "list":
        users = accounts.list_users(location)
        for r in users.itertuples():
            scope = ",".join(filter(None, [r.towns, r.platforms])) or "*"
            print(f"{r.username:<12} {r.role:<7} scope {scope:<20} "
                  f"{'disabled' if r.disabled else 'enabled'}{'  sso' if r.sso_only else ''}")
        return 0
    if not args.name:
        raise AccessDenied(Message.of("auth.bad_name", name=""))
    if args.action == "add":
        password = None if args.sso else _password()
        accounts.add_user(location, args.name, role=args.new_role or "viewer", password=password,
                          actor=actor, towns=_codes(args.towns), platforms=_codes(args.platforms),
                          display_name=args.display_name)
    elif args.action == "set-role":
        accounts.update_user(location, args.name, role=args.role or args.new_role, actor=actor,
                             towns=None if args.towns is None else _codes(args.towns))
    elif args.action in ("disable", "enable"):
        accounts.update_user(location, args.name, disabled=args.action == "disable", actor=actor)
    else:
        accounts.update_user(location, args.name, password=_password(), actor=actor)
    print(f"{args.name}: {args.action} done")
    return 0

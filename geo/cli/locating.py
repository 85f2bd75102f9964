"""``python -m geo locate``: enterprises without a point, located through the parcels they hold
(:mod:`geo.locate`). Lists what it finds; ``--apply`` writes the sure matches (credit code or
exact name) with their history; normalised names and the rest are left for the data health page."""

from __future__ import annotations

import argparse
import json

from geo import edits, i18n, locate, store
from geo.cli._registry import command
from geo.settings import store_location


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--apply", action="store_true",
                   help="write the points found by credit code or exact name (with history)")
    p.add_argument("--user", default="", help="who writes: an account of the store, checked "
                                              "(default: the OS user on a store without accounts)")
    p.add_argument("--json", action="store_true", help="what was found, as JSON")
    p.add_argument("--lang", default="zh", choices=list(i18n.LANGS))


def _rows(frame) -> list[dict]:
    cols = [c for c in ("enterprise_id", "name", "uscc", "how", "parcel_id", "holder")
            if c in frame.columns]
    return [{c: (None if v is None or v != v else v) for c, v in r.items()}
            for r in frame[cols].to_dict("records")]


@command("locate", "locate enterprises without a point through the parcels they hold", _args)
def _locate(args: argparse.Namespace) -> int:
    import getpass

    from geo import accounts

    s = store.Store(args.store or store_location())
    found = locate.locate(locate.unlocated_enterprises(s.enterprises), s.parcels)
    written = 0
    if args.apply and len(found.matched):
        user = args.user.strip() or (getpass.getuser() if not accounts.has_accounts(s) else "")
        seen = {e: edits.feature_version(s.audit, "enterprises", e)
                for e in found.matched["enterprise_id"]}
        locate.place_found(s.location, found.matched, user=user, expected_versions=seen)
        written = len(found.matched)
    if args.json:
        print(json.dumps({"matched": _rows(found.matched), "to_confirm": _rows(found.to_confirm),
                          "unlocated": _rows(found.unlocated), "written": written},
                         ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    print(i18n.t("locate.matched", lang, n=len(found.matched)))
    print(i18n.t("locate.to_confirm", lang, n=len(found.to_confirm)))
    for r in found.to_confirm.itertuples():
        print(f"  {r.enterprise_id} {r.name} ~ {r.holder} ({r.parcel_id})")
    print(i18n.t("locate.unplaced", lang, n=len(found.unlocated)))
    if written:
        print(i18n.t("locate.placed", lang, n=written))
    return 0

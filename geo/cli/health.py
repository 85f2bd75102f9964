"""``python -m geo health``: what is missing or suspect in the store (:mod:`geo.health`)."""

from __future__ import annotations

import argparse
import json

from geo import health, store
from geo.cli._registry import command
from geo.settings import store_location


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--json", action="store_true", help="every check as JSON")
    p.add_argument("--lang", default="zh", choices=["zh", "en"])


@command("health", "data health: what is missing or suspect, per layer and figure", _args)
def _health(args: argparse.Namespace) -> int:
    s = store.Store(args.store or store_location())
    found = health.checks(s)
    if args.json:
        print(json.dumps([c.as_dict(args.lang) for c in found], ensure_ascii=False, indent=1))
    else:
        for c in found:
            mark = "ok " if not c.count else "!! "
            print(f"{mark}{c.label.text(args.lang)}" + (f": {', '.join(c.ids[:10])}"
                                                        if c.count else ""))
    return 0

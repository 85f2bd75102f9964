"""``python -m geo history``: who changed what, when (Beijing time) and with which effect date."""

from __future__ import annotations

import argparse
import json

from geo import edits, store
from geo.cli._registry import command
from geo.settings import store_location, store_path


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--since", default=None, help="entered on or after this day (2021-11-01)")
    p.add_argument("--user", default=None, help="changes made by this person")
    p.add_argument("--layer", default=None, help="changes of this layer (parks, parcels ...)")
    p.add_argument("--feature", default=None, help="changes of this feature (its ID)")
    p.add_argument("--json", action="store_true", help="print JSON (one object per change)")


@command("history", "list the changes recorded in the store's history (edits and imports)",
         _args)
def _history(args: argparse.Namespace) -> int:
    audit = store.read_layer(args.store or store_path(), "audit")
    rows = edits.history_since(audit, since=args.since, user=args.user, layer=args.layer,
                               feature_id=args.feature)
    rows = rows.assign(beijing_time=edits.beijing_time(rows["at"]),
                       effective=rows["effective"].dt.strftime("%Y-%m-%d"))
    if args.json:
        cols = ["audit_id", "at", "beijing_time", "effective", "user", "layer", "feature_id",
                "field", "old_value", "new_value", "batch"]
        records = rows[cols].astype(object).where(rows[cols].notna(), None).to_dict("records")
        print(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows.itertuples():
        batch = f"  [{r.batch}]" if isinstance(r.batch, str) and r.batch else ""
        print(f"#{r.audit_id:<5} {r.beijing_time}  effective {r.effective or '-':<10}  {r.user:<8} "
              f"{r.layer}/{r.feature_id}  {r.field}: {r.old_value} -> {r.new_value}{batch}")
    return 0

"""Many planners editing the same park and case at once, through the functions the pages call.

    .venv/bin/python bench/concurrent_edits.py --store data/jinyun_demo.gpkg --writers 20 --edits 50

Works on a copy of the store (the given file is not changed). Each writer is a
thread that does what the edit form does: read the store (value and version
together), add one to a counter field, save with the version it saw
(``geo.edits.apply_edit(..., expected_version=...)``); a save refused as stale
is read again and retried. Prints, per layer, the saves that landed, the lost
updates (landed saves missing from the final value: must be 0), the saves
refused as stale, the errors, and saves per second.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from geo import edits, store  # noqa: E402
from geo.errors import StoreBusyError, StoreError  # noqa: E402

TARGETS = (("parks", "park_id", "enterprises_in"), ("cases", "case_id", "renovated_floor_m2"))


def run(path: Path, layer: str, key: str, field: str, writers: int, per_writer: int) -> dict:
    first = store.Store(path)[layer].iloc[0]
    fid = str(first[key])
    start = float(first[field] or 0)
    counts = {"landed": 0, "stale": 0, "busy": 0, "errors": 0}
    lock = threading.Lock()

    def writer(n: int) -> None:
        done = 0
        while done < per_writer:
            try:
                s = store.Store(path)
                row = s[layer].set_index(key).loc[fid]
                seen = edits.feature_version(s.audit, layer, fid)
            except StoreError:  # changed while being read: read again, as the page would
                continue
            try:
                edits.apply_edit(path, layer, fid, {field: float(row[field] or 0) + 1},
                                 user=f"planner{n}", expected_version=seen)
            except edits.StaleEditError:
                with lock:
                    counts["stale"] += 1
                continue
            except StoreBusyError:
                with lock:
                    counts["busy"] += 1
                continue
            except Exception:  # noqa: BLE001 (counted and reported)
                with lock:
                    counts["errors"] += 1
                return
            done += 1
            with lock:
                counts["landed"] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    final = float(store.Store(path)[layer].set_index(key).loc[fid, field])
    counts["lost"] = counts["landed"] - int(round(final - start))
    counts["per_s"] = counts["landed"] / elapsed
    counts["seconds"] = elapsed
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=Path("data/jinyun_demo.gpkg"))
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--edits", type=int, default=50, help="saves per writer and layer")
    parser.add_argument("--postgis", action="store_true",
                        help="on a PostGIS copy (a throwaway PostgreSQL, as the tests start)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        if args.postgis:
            from tests.pg_server import Server

            server = Server().start()
            stack.callback(server.stop)
            path = server.new_database("bench")
            store.copy_store(args.store, path)
            kind = "PostGIS"
        else:
            path = Path(tmp) / args.store.name
            shutil.copy2(args.store, path)
            kind = "GeoPackage"
        print(f"store: {kind} copy of {args.store}, {args.writers} writers x {args.edits} saves")
        for layer, key, field in TARGETS:
            c = run(path, layer, key, field, args.writers, args.edits)
            print(f"{layer:<6} {field:<20} landed {c['landed']:>5}  lost {c['lost']}  "
                  f"refused as stale {c['stale']:>5}  busy {c['busy']}  errors {c['errors']}  "
                  f"{c['per_s']:.1f} saves/s ({c['seconds']:.1f} s)")


if __name__ == "__main__":
    main()

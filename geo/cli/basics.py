"""``demo`` and ``check``: build the demo store, check a store."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geo.cli._registry import command
from geo.settings import store_location, store_path


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=None,
                   help="GeoPackage to write (default: JINYUN_STORE or data/jinyun_demo.gpkg)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the plan's date)")


@command("demo", "build the synthetic demo GeoPackage and DEM", _demo_args)
def _demo(args: argparse.Namespace) -> int:
    from geo import demo

    out = args.out or store_path()
    t0 = time.perf_counter()
    paths = demo.build(out, **({"seed": args.seed} if args.seed is not None else {}))
    print(f"demo store: {paths.store}\ndemo DEM:   {paths.dem}\n"
          f"built in {time.perf_counter() - t0:.1f} s")
    return 0


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")


@command("check", "check a store's schema version and layers", _check_args)
def _check(args: argparse.Namespace) -> int:
    from geo import store

    path = args.store or store_path()
    meta = store.check_store(path)
    # what a write would refuse: empty required fields, unknown codes, duplicate keys
    problems = [p for name in store.schema.LAYERS
                for p in store.schema.validate(name, store.read_layer(path, name))]
    for problem in problems:
        print(f"{store.shown(path)}: {problem}")
    verdict = "OK" if not problems else f"{len(problems)} problem(s)"
    print(f"{store.shown(path)}: schema version {meta['schema_version']}, "
          f"demo={meta.get('demo', '0')}, {verdict}")
    return 0 if not problems else 1


@command("migrate", "bring a store of an older schema version to this one (all or nothing)",
         _check_args)
def _migrate(args: argparse.Namespace) -> int:
    from geo import store

    path = args.store or store_path()
    passed = store.migrate(path)
    if passed:
        print(f"{store.shown(path)}: migrated from schema version {passed[0]} to {store.schema.SCHEMA_VERSION}")
    else:
        print(f"{store.shown(path)}: already at schema version {store.schema.SCHEMA_VERSION}")
    return 0

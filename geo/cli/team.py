"""``init`` and ``copy-store``: set up a team's PostGIS store, copy a store either way."""

from __future__ import annotations

import argparse
import shutil

from geo import settings, store
from geo.cli._registry import command
from geo.settings import store_location


def _init_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", type=store_location, default=None,
                   help="postgresql:// URL or GeoPackage path (default: JINYUN_STORE)")


@command("init", "create an empty store of this schema (a team's PostGIS database)", _init_args)
def _init(args: argparse.Namespace) -> int:
    location = args.store or settings.store_location()
    store.init_store(location)
    print(f"{store.shown(location)}: empty store created, schema version "
          f"{store.schema.SCHEMA_VERSION}")
    return 0


def _copy_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", type=store_location, help="store to copy (path or URL)")
    p.add_argument("target", type=store_location, help="new or empty store (path or URL)")
    p.add_argument("--replace", action="store_true",
                   help="overwrite a target that already holds data")


@command("copy-store", "copy a whole store with its history, GeoPackage <-> PostGIS",
         _copy_args)
def _copy(args: argparse.Namespace) -> int:
    rows = store.copy_store(args.source, args.target, replace=args.replace)
    print(f"{store.shown(args.source)} -> {store.shown(args.target)}: "
          + ", ".join(f"{name} {n}" for name, n in rows.items() if n))
    dem_from, dem_to = settings.dem_path(args.source), settings.dem_path(args.target)
    if dem_from.exists() and not dem_to.exists():  # the DEM is a file beside either store
        shutil.copy2(dem_from, dem_to)
        print(f"DEM: {dem_from} -> {dem_to}")
    return 0

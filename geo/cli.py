"""Command line: ``python -m geo <command>`` (also installed as ``jinyun``).

Each sub-command is the guts of a tool in :mod:`geo` plus argument parsing,
the way rasterio's ``rio`` wraps its modules. Later issues add ``import``,
``assess``, ``find-sites`` and ``export`` here.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from geo.errors import PlannerError
from geo.settings import store_path

# name -> (help, add_arguments, run); run returns the exit status.
COMMANDS: dict[str, tuple[str, Callable, Callable]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a sub-command; other modules of the CLI call this at import."""
    def register(run: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = (help_text, add_arguments, run)
        return run
    return register


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
    p.add_argument("--store", type=Path, default=None, help="GeoPackage (default: JINYUN_STORE)")


@command("check", "check a store's schema version and layers", _check_args)
def _check(args: argparse.Namespace) -> int:
    from geo import store

    path = args.store or store_path()
    meta = store.check_store(path)
    print(f"{path}: schema version {meta['schema_version']}, demo={meta.get('demo', '0')}, OK")
    return 0


def _load_plugins() -> None:
    # Sub-commands of later modules register themselves on import; a missing
    # optional module is not an error here.
    import importlib

    for module in ("geo.importer_cli", "geo.assess_cli", "geo.export_cli", "geo.cadastre_cli"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def build_parser() -> argparse.ArgumentParser:
    _load_plugins()
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Jinyun industrial parks & land planner: command-line tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command][2](args)
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

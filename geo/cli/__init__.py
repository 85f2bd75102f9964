"""Command line: ``python -m geo <command>`` (also installed as ``jinyun``).

Each sub-command is the guts of a tool in :mod:`geo` plus argument parsing,
the way rasterio's ``rio`` wraps its modules: ``demo`` and ``check``
(:mod:`geo.cli.basics`), ``import`` (:mod:`geo.cli.importing`), ``assess`` and
``find-sites`` (:mod:`geo.cli.assess`), ``export`` and ``brief``
(:mod:`geo.cli.export`), ``figures`` (:mod:`geo.cli.figures`), ``tiles``
(:mod:`geo.cli.cadastre`), ``init`` and ``copy-store`` (:mod:`geo.cli.team`), ``users`` (:mod:`geo.cli.users`).
"""

from __future__ import annotations

import argparse
import logging
import sys

from geo.cli import (  # noqa: F401 (they register their commands)
    assess,
    basics,
    cadastre,
    export,
    figures,
    health,
    history,
    importing,
    locating,
    team,
    users,
)
from geo.cli._registry import COMMANDS, command
from geo.errors import PlannerError

__all__ = ["COMMANDS", "build_parser", "command", "main"]

ORDER = ("demo", "check", "migrate", "init", "copy-store", "users", "import", "history", "figures", "health", "locate", "assess", "find-sites", "export", "brief", "tiles")  # in --help


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Jinyun industrial parks & land planner: command-line tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in sorted(COMMANDS, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
        help_text, add_arguments, _ = COMMANDS[name]
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return COMMANDS[args.command][2](args)
    except PlannerError as exc:
        print(f"error: {exc.text(getattr(args, 'lang', 'zh'))}", file=sys.stderr)
        return 2

"""``python -m geo figures``: every figure of the plan as of a date, for a scripted report."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path

import pandas as pd

from geo import asof, figures, store
from geo.cli._registry import command
from geo.errors import PlannerError
from geo.i18n import Message
from geo.settings import store_location, store_path


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", default=None,
                   help="a year (2021), a quarter (2021Q4) or a date (2021-11-30); default: the "
                        "data as stored")
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--plan", type=Path, default=None, help="plan file (default: JINYUN_PLAN)")
    p.add_argument("--json", action="store_true", help="print JSON (one object per figure)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of labels")


def as_of_date(text: str | None):
    """A period (``2021``, ``2021Q4``) or a date (``2021-11-30``) as a date; None stays None."""
    if text is None:
        return None
    with contextlib.suppress(ValueError):  # not a period: maybe a day
        return asof.period_end(text)
    try:
        return pd.Timestamp(text).normalize()
    except ValueError:
        raise PlannerError(Message.of("err.cli.as_of", value=text)) from None


@command("figures", "print every figure of the plan as of a date, with its key and definition",
         _args)
def _figures(args: argparse.Namespace) -> int:
    s = store.Store(args.store or store_path(), plan_path=args.plan)
    table = figures.table(figures.figures(s, as_of=as_of_date(args.as_of)), args.lang)
    if args.json:
        print(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=2))
        return 0
    for r in table.itertuples():
        target = "" if r.target is None or r.target != r.target else f" / {r.target:,.0f}"
        verdict = "" if r.met is None else ("  ✓" if r.met else "  ✗")
        print(f"{r.key:<36} {r.value:>14,.1f} {r.unit:<9}{target}{verdict}  {r.label}")
    return 0

"""``python -m geo assess FILE`` and ``python -m geo find-sites``: the assessment page from the shell.

Both print every figure of the page through the same code
(:func:`geo.assess.comparison_table`, :func:`geo.assess.breakdown`,
:func:`geo.assess.to_records`): a table, or JSON with ``--json``.
Exit status: 0 all assessed; 2 refused input (no candidate could be
assessed, unreadable file or DEM); 3 some candidates were refused (the
others are printed, the refused ones named on stderr).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import pandas as pd

from geo import assess, i18n, plan, store, suitability, terrain
from geo.cli._registry import command
from geo.errors import PlannerError
from geo.settings import dem_path, store_location, store_path

EXIT_REFUSED = 2
EXIT_SOME_REFUSED = 3


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dem", type=Path, default=None,
                   help="DEM GeoTIFF (default: JINYUN_DEM or the store's DEM); another CRS is reprojected")
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--plan", type=Path, default=None, help="plan file with an [assessment] table")
    p.add_argument("--weights", default=None,
                   help="criterion weights, e.g. flat=3,road=2,industry=2,platform=1.5,constraints=1.5")
    p.add_argument("--hard", default=None,
                   help=f"comma-separated constraints that exclude land (of {','.join(assess.CONSTRAINT_KEYS)})")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG, help="language of labels")


def _assess_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="candidate polygons (.gpkg .geojson .zip .kml ...)")
    p.add_argument("--layer", default=None, help="layer/dataset inside the file when several")
    p.add_argument("--crs", default=None, help="CRS of the coordinates when the file has none")
    p.add_argument("--gcj02", action="store_true", help="coordinates are GCJ-02 (AMap/Gaode, Tencent)")
    _common(p)


def _find_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-mu", type=float, default=None,
                   help="minimum site size in mu (default 1000: zone expansion; 50 for a single parcel)")
    p.add_argument("--top", type=int, default=5, help="number of sites")
    p.add_argument("--res", type=float, default=30.0, help="cell size of the surface in metres")
    _common(p)


def _config(args: argparse.Namespace) -> assess.AssessConfig:
    config = assess.load_config(plan.load_plan(args.plan) if args.plan else plan.load_plan())
    if args.weights:
        try:
            pairs = [item.split("=") for item in args.weights.split(",")]
            weights = {k.strip(): float(v) for k, v in pairs}
        except ValueError:
            raise PlannerError(i18n.Message.of("err.cli.weights", value=args.weights)) from None
        config = config.with_weights({**config.weights, **weights})  # validated on creation
    if args.hard is not None:
        hard = tuple(k.strip() for k in args.hard.split(",") if k.strip())
        config = dataclasses.replace(config, hard_constraints=hard)
    return config


def _context(args: argparse.Namespace) -> tuple[assess.Context, Path]:
    path = args.store or store_path()
    ctx = assess.build_context(store.read_all(path))
    return ctx, args.dem or dem_path(path)


def print_result(result, config: assess.AssessConfig, *, as_json: bool, lang: str,
                 extra: dict | None = None) -> None:
    """Print an assessment as tables (figures side by side, then each score breakdown) or JSON."""
    if as_json:
        print(json.dumps({**(extra or {}), "config": dataclasses.asdict(config),
                          "candidates": assess.to_records(result, config, lang)},
                         ensure_ascii=False, indent=2, default=str))
        return
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
        print(assess.comparison_table(result, lang, config).to_string())
        for _, row in result.iterrows():
            print(f"\n== {i18n.t('assess.scorecard', lang, name=row['name'])} ==")
            table = assess.breakdown_table(row, config, lang)
            print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            for c in assess.constraints_hit(row, config, lang):
                kind = i18n.t("assess.hard_yes" if c["hard"] else "assess.hard_no", lang)
                print(f"  {c['label']}: {c['mu']:,.1f} {i18n.t('unit.mu', lang)} ({c['share']:.0%}, {kind})")
            for note in assess.notes_text(row, lang):
                print(f"  ! {note}")
    for key, value in (extra or {}).items():
        print(f"{key}: {value}")


@command("assess", "assess candidate sites from a file: terrain, constraints, access, score", _assess_args)
def _assess(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    config = _config(args)
    ctx, dem = _context(args)
    try:
        cands = assess.read_candidates(args.file, layer=args.layer, crs=args.crs, gcj02=args.gcj02)
    except PlannerError as exc:
        print(f"error: {exc.text(args.lang)}", file=sys.stderr)
        return 2
    good, problems = assess.prepare_candidates(cands, ctx, on_error="skip", lang=args.lang)
    for message in problems:
        print(f"error: {args.file}: {message}", file=sys.stderr)
    if good.empty:
        return EXIT_REFUSED
    if not Path(dem).exists():
        raise terrain.DemError(i18n.Message.of("terrain.not_found", file=Path(str(dem)).name))
    result = assess.assess(good, ctx, str(dem), config=config)
    print_result(result, config, as_json=args.json, lang=args.lang,
                 extra={"seconds": round(time.perf_counter() - t0, 3)})
    return EXIT_SOME_REFUSED if problems else 0


@command("find-sites", "find the best contiguous sites of at least --min-mu on the suitability surface",
         _find_args)
def _find(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    config = _config(args)
    ctx, dem_file = _context(args)
    dem = terrain.read_dem(dem_file)
    surf = suitability.surface(ctx, dem, config=config, res_m=args.res)
    result = suitability.find_sites(ctx, dem, min_mu=args.min_mu, top=args.top, config=config, surf=surf)
    min_mu = config.site_min_mu if args.min_mu is None else args.min_mu
    if result.empty:
        print(i18n.t("assess.found_none", args.lang, score=f"{config.site_min_score:g}", mu=f"{min_mu:g}"))
        return 0
    print_result(result, config, as_json=args.json, lang=args.lang,
                 extra={"min_mu": min_mu, "seconds": round(time.perf_counter() - t0, 3)})
    return 0

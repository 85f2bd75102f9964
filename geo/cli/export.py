"""Command line of the exports: ``python -m geo export`` (a map sheet) and ``python -m geo brief``.

For batch runs without a browser. A bad request (an unknown page, a DPI not
offered, an unwritable path) exits non-zero with a message saying which.
The interactive HTML export needs folium and lives on the export page.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geo.cli._registry import command
from geo.export.errors import ExportError
from geo.i18n import Message
from geo.settings import store_location, store_path


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="file to write")
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the sheet")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--page", default="overview", help="map to export (default: overview)")
    p.add_argument("--format", dest="fmt", default="pdf", help="png or pdf (default: pdf)")
    p.add_argument("--paper", default="A4", help="A4 or A3 (default: A4)")
    p.add_argument("--orientation", default="landscape", help="landscape or portrait")
    p.add_argument("--dpi", type=int, default=150, help="150 or 300 (default: 150)")
    _common(p)


def check_writable(out: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise ExportError(Message.of("err.out.is_folder", out=str(out)))
    if not parent.is_dir():
        raise ExportError(Message.of("err.out.no_folder", out=str(out), folder=str(parent)))
    existed = out.exists()
    try:
        with out.open("ab"):
            pass
    except OSError as exc:
        raise ExportError(Message.of("err.out.not_writable", out=str(out),
                                     detail=str(exc.strerror or exc))) from exc
    if not existed:
        out.unlink()


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ExportError(Message.of("err.out.cannot_write", out=str(out),
                                     detail=str(exc.strerror or exc))) from exc


def _load(args: argparse.Namespace):
    from geo import store

    path = args.store or store_path()
    return store.Store(path, plan_path=getattr(args, "plan", None))


@command("export", "export a map sheet (PNG or PDF) of a page's map", _export_args)
def _export(args: argparse.Namespace) -> int:
    from geo.export import maps, sheet

    opts = sheet.SheetOptions(args.paper, args.orientation, args.dpi, args.fmt)
    if args.page not in maps.PAGES:
        raise ExportError(Message.of("err.export.unknown_page", page=args.page, pages=sorted(maps.PAGES)))
    check_writable(args.out)
    t0 = time.perf_counter()
    layers = _load(args)
    spec = maps.spec_for(args.page, layers, lang=args.lang, plan=layers.plan)
    ctx = sheet.context_for(layers, args.lang)
    data, info = sheet.render_sheet(spec, opts, ctx)
    _write(args.out, data)
    print(f"{args.out}: {args.page} {opts.paper} {opts.orientation} {opts.dpi} dpi {opts.fmt}, "
          f"{len(data) / 1e6:.2f} MB, scale 1:{info.scale_denominator:,.0f}, "
          f"{time.perf_counter() - t0:.1f} s")
    if info.unplaced:  # the sheet had no room for these names; say which
        print(f"names left off the map ({len(info.unplaced)}): {', '.join(info.unplaced)}")
    return 0


def _brief_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quarter", required=True, help="quarter of the brief, e.g. 2021Q2")
    p.add_argument("--format", dest="fmt", default="pdf", help="pdf or pptx (default: pdf)")
    p.add_argument("--paper", default="A4", help="A4 or A3 (default: A4)")
    p.add_argument("--orientation", default="landscape", help="landscape or portrait")
    _common(p)


@command("brief", "build the quarterly meeting brief (multi-page PDF or PPTX)", _brief_args)
def _brief(args: argparse.Namespace) -> int:
    from geo.export import brief

    if args.fmt not in ("pdf", "pptx"):
        raise ExportError(Message.of("err.brief.format", fmt=args.fmt))
    check_writable(args.out)
    t0 = time.perf_counter()
    ctx = brief.BriefContext.for_store(_load(args), args.quarter, lang=args.lang,
                                       paper=args.paper, orientation=args.orientation)
    result = brief.build_brief(ctx, deck=args.fmt == "pptx")
    _write(args.out, result.pptx if args.fmt == "pptx" else result.pdf)
    left = f"; left out: {', '.join(result.missing)}" if result.missing else ""
    print(f"{args.out}: brief {args.quarter} ({args.fmt}), {result.pages} pages{left}, "
          f"{time.perf_counter() - t0:.1f} s")
    return 0

"""``python -m geo import FILE --layer LAYER``: the import page's checks and write, from the shell.

Prints the same report as the page (``--json``: as JSON, with the area in mu
of each imported feature) and writes only without ``--dry-run``. Exit status:
0 imported (or checked, with ``--dry-run``); 2 the file is refused (nothing
written); 3 ``--strict`` and some rows were rejected (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo import i18n, importer
from geo.cli._registry import command
from geo.settings import store_location, store_path

EXIT_REFUSED = 2
EXIT_REJECTED_ROWS = 3


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="file to import (.zip .gpkg .geojson .kml .kmz .csv .xlsx)")
    p.add_argument("--layer", required=True, help="layer of the store to import into (e.g. parcels)")
    p.add_argument("--store", type=store_location, default=None,
                   help="GeoPackage path or postgresql:// URL (default: JINYUN_STORE)")
    p.add_argument("--source-layer", default=None, help="layer/sheet/dataset inside the file when several")
    p.add_argument("--crs", default=None, help="CRS of the coordinates when the file has none, e.g. EPSG:4528")
    p.add_argument("--coords", choices=("gcj02", "survey"), default=None,
                   help="where a KML/KMZ/CSV/XLSX's degrees come from: gcj02 (digitised on Gaode/AMap or "
                        "Tencent maps) or survey (GPS, 天地图, a survey: CGCS2000/WGS84); asked when needed")
    p.add_argument("--gcj02", action="store_true", help="the same as --coords gcj02")
    p.add_argument("--user", default="", help="who imports: an account of the store, checked (role, towns); "
                        "a store without accounts takes any name (default: the OS user)")
    p.add_argument("--mapping", default=None, help="column-mapping preset: a name in data/mappings/ or a JSON path")
    p.add_argument("--default", action="append", default=[], metavar="FIELD=VALUE",
                   help="value for every row where the file has none (repeatable), e.g. --default year=2023")
    p.add_argument("--create-enterprises", action="store_true",
                   help="yearly figures: create the enterprises the store does not have (valid credit "
                        "code needed), written with the figures and located through the parcels they hold")
    p.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    p.add_argument("--strict", action="store_true", help="refuse to write when any row is rejected")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG, help="language of the report")


def _print(report: importer.ImportReport, *, as_json: bool, lang: str, error: str | None = None) -> None:
    if as_json:
        data = report.to_dict(lang) if report is not None else {}
        if error:
            data["error"] = error
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print("\n".join(report.lines(lang)))


def _gcj02_answer(args: argparse.Namespace) -> bool | None:
    """``--coords``/``--gcj02`` as the importer takes it: None when not said."""
    if args.gcj02 or args.coords == "gcj02":
        return True
    return False if args.coords == "survey" else None


@command("import", "import a file into a layer of the store (checks first, all or nothing)", _args)
def _import(args: argparse.Namespace) -> int:
    lang = args.lang
    from geo import _import_read

    _import_read.clean_leftovers()  # what a killed import left in the temporary folder
    try:
        mapping = importer.load_preset(args.mapping) if args.mapping else None
    except importer.ImportRefusedError as exc:
        print(f"error: {exc.text(lang)}", file=sys.stderr)
        return EXIT_REFUSED
    if args.default:
        mapping = mapping or importer.ColumnMapping(layer=args.layer)
        for item in args.default:
            name, sep, value = item.partition("=")
            if not sep or name.strip() not in importer.layer_fields(args.layer):
                print(f"error: --default {item!r}: expected FIELD=VALUE with FIELD one of "
                      f"{importer.layer_fields(args.layer)}", file=sys.stderr)
                return EXIT_REFUSED
            mapping.defaults[name.strip()] = value.strip()
    try:
        plan = importer.plan_import(args.file, args.store or store_path(), layer=args.layer,
                                    source_layer=args.source_layer, crs=args.crs,
                                    gcj02=_gcj02_answer(args), mapping=mapping,
                                    create_enterprises=args.create_enterprises)
    except importer.ImportRefusedError as exc:
        text = exc.text(lang)
        if isinstance(exc, importer.CoordSourceUnknownError):
            text += " " + i18n.t("import.cli.coords_hint", lang)
        if args.json:
            print(json.dumps({"file": str(args.file), "error": text, "written": False,
                              "crs_candidates": getattr(exc, "candidates", [])}, ensure_ascii=False, indent=2))
        else:
            print(f"error: {text}", file=sys.stderr)
        return EXIT_REFUSED
    report = plan.report
    if args.strict and report.rejected:
        _print(report, as_json=args.json, lang=lang, error=i18n.t("import.cli.strict", lang, n=len(report.rejected)))
        return EXIT_REJECTED_ROWS
    if not args.dry_run:
        try:
            importer.apply_import(plan, user=args.user)
        except importer.ImportRefusedError as exc:
            print(f"error: {exc.text(lang)}", file=sys.stderr)
            return EXIT_REFUSED
    _print(report, as_json=args.json, lang=lang)
    if args.dry_run and not args.json:
        print(i18n.t("import.cli.dry_run", lang))
    return 0

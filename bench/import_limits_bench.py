"""How fast the importer refuses what it must refuse: a zip bomb, and a sheet past the row limit
(issue #16 found 56 s and 1.5 GB of temporary files for the bomb, > 300 s and 745 MB for a
600,000-row XLSX). Also times reading a sheet just under the limit.

    python bench/import_limits_bench.py [--rows 600000] [--under 250000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import zipfile
from pathlib import Path

from geo import _import_read, importer


def _xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业")
    ws.append(["企业名称", "统一社会信用代码", "年份", "税收", "工业增加值", "综合能耗", "年平均职工人数"])
    for i in range(rows):
        ws.append([f"缙云县企业{i}有限公司", f"91331122MA2A{i:05d}", 2024, 12.5, 300.0, 80.0, 25])
    wb.save(path)


def _timed(fn):
    t0 = time.perf_counter()
    try:
        fn()
        outcome = "accepted"
    except importer.ImportRefusedError as exc:
        outcome = exc.text("en")[:110]
    return time.perf_counter() - t0, outcome


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=600_000)
    ap.add_argument("--under", type=int, default=250_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bomb = tmp / "bomb.zip"
        with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf, \
                zf.open("parcels.geojson", "w", force_zip64=True) as fh:
            block = b" " * 2**20
            for _ in range(1536):  # 1.5 GB of spaces, about 1.5 MB zipped
                fh.write(block)
        scratch = _import_read._scratch_root()
        s, outcome = _timed(lambda: importer.read_features(bomb))
        left = sum(f.stat().st_size for f in scratch.rglob("*") if f.is_file())
        print(f"zip bomb ({bomb.stat().st_size / 2**20:.1f} MB zipped, 1536 MB inside): {s:.2f} s; "
              f"left in the temporary folder: {left} bytes; {outcome}")
        for n in (args.rows, args.under):
            sheet = tmp / f"rows_{n}.xlsx"
            t0 = time.perf_counter()
            _xlsx(sheet, n)
            made = time.perf_counter() - t0
            s, outcome = _timed(lambda sheet=sheet: importer.inspect(sheet))
            print(f"XLSX of {n:,} rows ({sheet.stat().st_size / 2**20:.1f} MB, written in {made:.0f} s): "
                  f"read {s:.1f} s; {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()

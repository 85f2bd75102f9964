"""Map sheets: pixel size, PDF text in Chinese, a true scale bar, basemap note, bad requests."""

from __future__ import annotations

import io
import re
import subprocess
import threading
from datetime import UTC, date, datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import LineString, Point, box

from geo import cli, i18n
from geo.basemaps import Basemap
from geo.export import fonts, maps, sheet
from geo.export.errors import ExportError
from geo.settings import METRIC_CRS, STORAGE_CRS
from tests.geo.said import raises_said

X0, Y0 = 500_000.0, 3_150_000.0  # EPSG:4549, near 120E 28.5N
SQUARE_M = 10_000.0


def _gdf(rows: list[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS).to_crs(STORAGE_CRS)


@pytest.fixture(scope="module")
def layers() -> dict:
    """A 40 x 30 km county with one 10 km square parcel (lifecycle 'meeting') and one of each
    other layer."""
    return {
        "county": _gdf([{"name": "测试县", "source": "unit-test",
                         "geometry": box(X0, Y0, X0 + 40_000, Y0 + 30_000)}]),
        "platforms": _gdf([{"platform_id": "P1", "name_zh": "测试平台", "name_en": "Test platform",
                            "geometry": box(X0 + 20_000, Y0 + 2_000, X0 + 38_000, Y0 + 12_000)}]),
        "zones": _gdf([{"zone_id": "Z1", "platform_id": "P1", "name_zh": "功能区",
                        "name_en": "Zone",
                        "geometry": box(X0 + 21_000, Y0 + 3_000, X0 + 30_000, Y0 + 11_000)}]),
        "parcels": _gdf([{"parcel_id": "A", "lifecycle": "meeting", "town_code": "1",
                          "geometry": box(X0 + 5_000, Y0 + 15_000, X0 + 5_000 + SQUARE_M,
                                          Y0 + 15_000 + SQUARE_M)},
                         {"parcel_id": "B", "lifecycle": "approved", "town_code": "1",
                          "geometry": box(X0 + 22_000, Y0 + 4_000, X0 + 23_000, Y0 + 5_000)
                          .difference(box(X0 + 22_400, Y0 + 4_400, X0 + 22_600, Y0 + 4_600))}]),
        "parks": _gdf([{"park_id": "K1", "name_zh": "园", "status": "operating",
                        "geometry": box(X0 + 25_000, Y0 + 6_000, X0 + 27_000, Y0 + 8_000)}]),
        "roads": _gdf([{"road_id": "R1", "road_class": "national", "name_zh": "国道",
                        "geometry": LineString([(X0 + 1_000, Y0 + 1_000),
                                                (X0 + 39_000, Y0 + 29_000)])}]),
        "towns": _gdf([{"town_code": "1", "name_zh": "测试镇", "name_en": "Testtown",
                        "kind": "town", "geometry": Point(X0 + 30_000, Y0 + 20_000)}]),
        "constraints": _gdf([{"constraint_id": "C1", "kind": "eco_redline", "name_zh": "红线",
                              "geometry": box(X0 + 1_000, Y0 + 1_000, X0 + 4_000, Y0 + 4_000)}]),
        "enterprises": _gdf([{"enterprise_id": "E1", "name": "企业",
                              "geometry": Point(X0 + 26_000, Y0 + 7_000)}]),
    }


def _ctx(**kw) -> sheet.SheetContext:
    base = {"demo": True, "as_of": date(2021, 6, 30), "source": "单元测试数据",
            "exported_at": datetime(2021, 7, 1, 8, 30, tzinfo=UTC)}
    return sheet.SheetContext(**{**base, **kw})


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"\s+", "", out)  # glyph runs come out spaced by -layout


@pytest.mark.parametrize(("paper", "orientation", "dpi", "size"), [
    ("A4", "landscape", 150, (1754, 1240)),   # 297 x 210 mm
    ("A4", "portrait", 300, (2480, 3508)),    # 210 x 297 mm
])
def test_png_has_the_requested_pixel_size(layers, paper, orientation, dpi, size):
    spec = maps.overview_spec(layers)
    body, _ = sheet.render_sheet(spec, sheet.SheetOptions(paper, orientation, dpi, "png"), _ctx())
    img = Image.open(io.BytesIO(body))
    assert img.format == "PNG"
    assert img.size == size


def test_pdf_text_is_chinese_with_legend_demo_mark_and_internal_line(layers, tmp_path):
    spec = maps.overview_spec(layers)
    body, _ = sheet.render_sheet(spec, sheet.SheetOptions("A4", "landscape", 150, "pdf"), _ctx())
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    w, h = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(w), round(h)) == (842, 595)  # A4 landscape in points
    text = _pdf_text(body, tmp_path)
    # the heading (its digits may come out of the PDF as a run of their own)
    assert all(part in text for part in ("缙云县生态工业三年行动计划", "2019-2021", "总览"))
    for label in spec.legend_labels():
        assert re.sub(r"\s+", "", label) in text, label
    assert "已达标" in text and "运营" in text and "国道" in text
    assert "内部资料，不得公开" in text
    assert "数据截至2021-06-30" in text
    assert "导出时间：2021-07-0108:30UTC" in text
    assert "单元测试数据" in text
    assert "syntheticdemodata/演示数据（虚构）" in text


def test_no_watermark_without_demo_data(layers, tmp_path):
    spec = maps.overview_spec(layers)
    body, _ = sheet.render_sheet(spec, sheet.SheetOptions("A4", "portrait", 150, "pdf"),
                                 _ctx(demo=False))
    text = _pdf_text(body, tmp_path)
    assert "演示数据" not in text and "synthetic" not in text
    assert all(part in text for part in ("缙云县生态工业三年行动计划", "2019-2021", "总览"))


def _square_width_px(img: np.ndarray) -> int:
    # the 'meeting' fill (#0570b0 at 0.7 over white) is (80, 155, 200)
    mask = (np.abs(img[..., :3].astype(int) - (80, 155, 200)) <= 8).all(axis=-1)
    cols = np.flatnonzero(mask.sum(axis=0) > 50)
    return int(cols.max() - cols.min() + 1)


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "landscape"), ("A3", "portrait")])
def test_scale_bar_matches_the_map_scale_within_2_percent(layers, paper, orientation):
    spec = maps.overview_spec(layers)
    opts = sheet.SheetOptions(paper, orientation, 150, "png")
    body, info = sheet.render_sheet(spec, opts, _ctx())
    img = np.asarray(Image.open(io.BytesIO(body)).convert("RGB"))
    m_per_px = SQUARE_M / _square_width_px(img)  # the map's scale, measured on the image
    assert info.map_m_per_px == pytest.approx(m_per_px, rel=0.02)
    # the bar as drawn: dark pixels along its middle row
    x0, y, x1, _ = info.scalebar_bbox_px
    row = img[round(opts.size_px[1] - y), :, :].astype(int).sum(axis=-1)
    dark = np.flatnonzero(row[int(x0) - 10:int(x1) + 10] < 150) + int(x0) - 10
    bar_px = dark.max() - dark.min()
    assert bar_px * m_per_px == pytest.approx(info.scalebar_m, rel=0.02)
    assert info.scalebar_m in (1000, 2000, 5000, 10_000)
    # the printed scale: metres per paper metre
    paper_m = info.scalebar_px / opts.dpi * 0.0254
    assert info.scale_denominator == pytest.approx(info.scalebar_m / paper_m, rel=0.001)


def test_nice_length_and_labels():
    assert sheet.nice_length(8_800) == 5_000
    assert sheet.nice_length(2_000) == 2_000
    assert sheet.nice_length(999) == 500
    assert sheet.format_length(5_000, "zh") == "5 公里"
    assert sheet.format_length(500, "en") == "500 m"


def test_north_arrow_points_to_true_north_near_the_central_meridian():
    assert abs(sheet.true_north_deg(500_000, 3_170_000)) < 0.01  # on 120E itself
    east = sheet.true_north_deg(540_000, 3_170_000)  # ~0.4 degrees east of 120E
    assert 0.1 < abs(east) < 0.4


def test_filters_visible_layers_and_extent(layers):
    spec = maps.overview_spec(layers, visible=["county", "parcels"],
                              filters={"parcels": {"lifecycle": ["approved"]}},
                              bbox_deg=(119.99, 28.45, 120.1, 28.55))
    assert [d.key for d in spec.layers] == ["county", "parcels:approved"]
    # the legend lists what the filtered map shows: one stage, not all seven
    labels = spec.legend_labels()
    assert i18n.enum_label("lifecycle", "approved") in labels
    assert not any(i18n.enum_label("lifecycle", c) in labels
                   for c in ("supplied", "in_use", "built", "producing", "meeting", "unverified"))
    minx, miny, maxx, maxy = spec.extent_m
    assert 9_000 < maxx - minx < 12_000 and 10_000 < maxy - miny < 12_000
    with raises_said(ExportError, "unknown layers"):
        maps.overview_spec(layers, visible=["county", "nope"])
    with raises_said(ExportError, "no such column"):
        maps.overview_spec(layers, filters={"parcels": {"colour": ["red"]}})


def test_polygon_with_hole_is_drawn_with_its_hole():
    from matplotlib.figure import Figure

    from geo.export.draw import POLYGON, DrawLayer, Symbol, draw_layer, polygon_rings

    holed = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    verts, paths = polygon_rings([box(20, 0, 30, 10), holed])
    assert len(verts) == 1 and len(paths) == 1
    fig = Figure(figsize=(3, 1), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 30)
    ax.set_ylim(0, 10)
    ax.set_axis_off()
    draw_layer(ax, DrawLayer("t", np.array([holed, box(20, 0, 30, 10)]),
                             Symbol(POLYGON, face="#000000")))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    img = np.asarray(Image.open(buf).convert("RGB")).astype(int)
    assert img[50, 50].sum() > 700  # centre of the hole (x=5, y=5): white
    assert img[80, 10].sum() < 50   # inside the ring (x=1, y=2): black
    assert img[50, 250].sum() < 50  # the hole-free square: black


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"dpi": 0}, "dpi 0 is not offered"),
    ({"paper": "A5"}, "paper 'A5'"),
    ({"orientation": "sideways"}, "orientation"),
    ({"fmt": "svg"}, "format 'svg'"),
])
def test_bad_options_are_refused(kwargs, match):
    with raises_said(ExportError, match):
        sheet.SheetOptions(**kwargs)


def test_unknown_page_is_refused(layers):
    with raises_said(ExportError, "Unknown page 'nope'.*overview"):
        maps.spec_for("nope", layers)


def test_missing_cjk_font_fails_with_the_install_command(tmp_path):
    with raises_said(ExportError, "fonts-noto-cjk"):
        fonts.cjk_family(tmp_path / "no-such-font.ttc")
    assert fonts.cjk_family() == "Noto Sans CJK SC"


def test_basemap_left_out_with_a_note_when_no_tile_server_answers(layers, tmp_path):
    dead = Basemap("dead", ("http://127.0.0.1:9/{z}/{x}/{y}.png",), "nobody")
    spec = maps.overview_spec(layers)
    body, info = sheet.render_sheet(spec, sheet.SheetOptions(fmt="pdf"), _ctx(basemap=dead))
    assert not info.basemap_drawn
    assert info.basemap_note == i18n.t("export.basemap_left_out")
    assert i18n.t("export.basemap_left_out").replace(" ", "") in _pdf_text(body, tmp_path)


class _Tiles(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        buf = io.BytesIO()
        Image.new("RGB", (256, 256), (255, 0, 255)).save(buf, format="PNG")
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(buf.getvalue())
        self.server.hits += 1

    def log_message(self, *args):
        return


def test_basemap_drawn_when_a_tile_server_answers(layers):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    server.hits = 0
    thread = threading.Thread(target=partial(server.serve_forever, poll_interval=0.1), daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        local = Basemap("local", (f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",), "local")
        spec = maps.overview_spec(layers, visible=["county"])
        body, info = sheet.render_sheet(spec, sheet.SheetOptions(), _ctx(basemap=local))
    finally:
        server.shutdown()
        server.server_close()
    assert info.basemap_drawn and info.basemap_note is None
    assert 2 <= server.hits <= 1 + 36
    img = np.asarray(Image.open(io.BytesIO(body)).convert("RGB")).astype(int)
    magenta = (np.abs(img - (255, 0, 255)) <= 10).all(axis=-1).mean()
    assert magenta > 0.3  # the map frame is filled by the tiles


# -- command line ----------------------------------------------------------------------------

def test_cli_exports_a3_pdf(demo_store, tmp_path, capsys):
    out = tmp_path / "overview.pdf"
    rc = cli.main(["export", "--page", "overview", "--format", "pdf", "--paper", "A3",
                   "--dpi", "150", "--out", str(out), "--store", str(demo_store)])
    assert rc == 0
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    w, h = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (w, h) == (pytest.approx(1190.55, abs=1), pytest.approx(841.89, abs=1))  # A3
    assert "overview A3 landscape" in capsys.readouterr().out
    data = out.read_bytes()
    # the 6,000 parcels are one rasterized image per lifecycle class, the rest stays vector
    assert data.count(b"/Subtype /Image") >= 1
    assert len(data) < 3_000_000


@pytest.mark.parametrize(("args", "message"), [
    (["--page", "nope"], "Unknown page 'nope'"),
    (["--dpi", "0"], "dpi 0 is not offered"),
    (["--out", "/no/such/folder/x.pdf"], "folder /no/such/folder does not exist"),
])
def test_cli_refuses_bad_requests(demo_store, tmp_path, capsys, args, message):
    argv = ["export", "--out", str(tmp_path / "x.pdf"), "--store", str(demo_store), "--lang", "en", *args]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_refuses_unwritable_path(demo_store, capsys):
    # /proc takes no new files, even from root (CI runs as root, so chmod would not do)
    rc = cli.main(["export", "--format", "png", "--out", "/proc/jinyun-export.png",
                   "--store", str(demo_store), "--lang", "en"])
    assert rc == 2
    assert "/proc/jinyun-export.png: not writable" in capsys.readouterr().err


def test_cli_refuses_a_folder_as_output(demo_store, tmp_path, capsys):
    assert cli.main(["export", "--out", str(tmp_path), "--store", str(demo_store)]) == 2
    assert "这是一个文件夹" in capsys.readouterr().err  # the command line speaks Chinese by default
    assert cli.main(["export", "--out", str(tmp_path), "--store", str(demo_store), "--lang", "en"]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_latest_date_ignores_the_future():
    sales = pd.DataFrame({"sale_date": pd.to_datetime(["2020-05-01", "2031-01-01"])})
    assert sheet.latest_date({"land_sales": sales}, today=date(2026, 1, 1)) == date(2020, 5, 1)


@pytest.mark.parametrize(("page", "title"), [("parks", "小微企业园"), ("land", "工业用地出让")])
def test_cli_exports_the_tracking_pages_maps(demo_store, tmp_path, page, title):
    out = tmp_path / f"{page}.pdf"
    rc = cli.main(["export", "--page", page, "--format", "pdf", "--out", str(out),
                   "--store", str(demo_store)])
    assert rc == 0
    text = PdfReader(out).pages[0].extract_text().replace(" ", "")
    assert title in text and "内部资料" in text

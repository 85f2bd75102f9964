"""The CJK font every export draws its text with.

Chinese text must come out as Chinese glyphs, never as boxes, and stay
extractable from the PDF. The font is Debian's ``fonts-noto-cjk`` (installed by
``make sysdeps`` and ``.ci/run``); it is registered with matplotlib's font
manager by path, so a stale font cache cannot hide its absence.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from matplotlib import font_manager

from geo.export.errors import ExportError
from geo.i18n import Message

CJK_FONT_PATH = Path(os.environ.get("JINYUN_CJK_FONT",
                                    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
CJK_FAMILY = "Noto Sans CJK SC"


@functools.cache
def _register(path: str) -> str:
    font_manager.fontManager.addfont(path)
    families = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
    if CJK_FAMILY in families:
        return CJK_FAMILY
    if not families:
        raise ExportError(Message.of("err.font.no_face", path=path))
    return sorted(families)[0]


def cjk_family(path: Path | None = None) -> str:
    """Register the CJK font and return its family name for ``fontfamily=``.

    Raises
    ------
    ExportError
        When the font file is missing, with the command that installs it.
    """
    path = Path(path or CJK_FONT_PATH)
    if not path.is_file():
        raise ExportError(Message.of("err.font.not_found", path=str(path)))
    return _register(str(path))


def rc_params(path: Path | None = None) -> dict:
    """matplotlib settings for an export (use in ``mpl.rc_context``): the CJK font first."""
    family = cjk_family(path)
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,
        # Type 3 glyphs extract cleanly with pdftotext and pypdf (Type 42 of a CFF-based
        # OpenType collection makes poppler warn about a font type mismatch).
        "pdf.fonttype": 3,
        "svg.fonttype": "none",
        # Leaflet dash arrays are absolute lengths; matplotlib scales dashes by line width.
        "lines.scale_dashes": False,
    }

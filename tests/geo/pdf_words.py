"""The words of an exported PDF with their boxes, as poppler's ``pdftotext -bbox`` reads them.

Boxes are in PDF points from the page's top left (pdftotext's convention). Poppler
gives a word of a Type 3 font (how matplotlib embeds the CJK font) a height of
two to three times the type size, which differs with the font's subset, so two
lines set at a normal leading would "overlap". Each word therefore also gets its
em box: pdftotext's left and right, and vertically the em square (0.88 above the
baseline, 0.12 below: the font's own ascender and descender) of the text run it
belongs to, whose baseline and size pypdf reads from the page's text operators.
Overlap checks use the em box; poppler's box is kept as ``raw``.
"""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

EM_ASCENT, EM_DESCENT = 0.88, 0.12  # Noto Sans CJK's typographic ascender/descender
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                   r'yMax="([\d.-]+)">(.*?)</word>', re.S)


@dataclass(frozen=True)
class Word:
    """One word: its text, poppler's box and its em box (points, from the top left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    raw: tuple[float, float, float, float]
    size: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    def text(self) -> str:
        return "".join(w.text for w in self.words)


def _runs(reader: PdfReader, page_no: int) -> tuple[list[tuple[float, float, float]],
                                                     list[tuple[float, float]]]:
    """(x, baseline y from the top, size) of every upright text run on the page, and
    (baseline x, size) of every run turned a quarter left (an axis title), in points."""
    page = reader.pages[page_no]
    height = float(page.mediabox.height)
    runs, turned = [], []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        a, b, c, d, e, f = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                            tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3],
                            tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                            tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
        if abs(a) < 1e-6 and abs(d) < 1e-6 and b > 0:
            turned.append((e, size * abs(b)))
        elif abs(b) < 1e-6 and abs(c) < 1e-6:  # the rest is diagonal (the watermark): dropped
            runs.append((e, height - f, size * abs(d)))

    page.extract_text(visitor_text=visit)
    return runs, turned


def _run_of(runs, x0: float, y0: float, y1: float) -> tuple[float, float] | None:
    """The (baseline, size) of the run a word of poppler's box (x0, y0..y1) belongs to: the
    nearest run starting at or left of it whose baseline lies in the box's lower part."""
    best, key = None, None
    for x, base, size in runs:
        if x > x0 + 0.5 or not (y0 <= base <= y1) or size <= 0:
            continue
        # poppler's box reaches about half a size below the baseline, whatever the font
        score = (round(abs((y1 - base) / size - 0.53), 1), x0 - x)
        if key is None or score < key:
            best, key = (base, size), score
    return best


def words(pdf: bytes | Path, tmp_dir: Path) -> list[Page]:
    """Every page of ``pdf`` (bytes or a file) with its words; diagonal text (the demo
    watermark) is left out, as ``pdftotext -nodiag`` does."""
    if isinstance(pdf, bytes | bytearray):
        path = tmp_dir / "words.pdf"
        path.write_bytes(pdf)
    else:
        path = Path(pdf)
    out = subprocess.run(["pdftotext", "-bbox", "-nodiag", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    reader = PdfReader(path)
    pages = []
    for i, (w, h, body) in enumerate(_PAGE.findall(out)):
        runs, turned = _runs(reader, i)
        found = []
        for x0, y0, x1, y1, text in _WORD.findall(body):
            x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
            side = [(e, sz) for e, sz in turned if x0 <= e <= x1] if y1 - y0 > x1 - x0 else []
            if side:  # read bottom to top: the glyphs' tops point left of the baseline
                e, size = side[0]
                found.append(Word(html.unescape(text), e - EM_ASCENT * size, y0,
                                  e + EM_DESCENT * size, y1, (x0, y0, x1, y1), size))
                continue
            run = _run_of(runs, x0, y0, y1)
            if run is None:  # no run found: keep poppler's box, the stricter one
                found.append(Word(html.unescape(text), x0, y0, x1, y1, (x0, y0, x1, y1), 0.0))
                continue
            base, size = run
            found.append(Word(html.unescape(text), x0, base - EM_ASCENT * size, x1,
                              base + EM_DESCENT * size, (x0, y0, x1, y1), size))
        pages.append(Page(float(w), float(h), found))
    return pages


def overlap(a: tuple[float, ...], b: tuple[float, ...], tol: float = 0.3) -> bool:
    """Whether two boxes share more than a ``tol``-point sliver in both directions."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > tol) and (min(a[3], b[3]) - max(a[1], b[1]) > tol)


def overlapping_words(page: Page, tol: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words whose em boxes overlap: two texts printed on top of each other."""
    ws = sorted(page.words, key=lambda w: w.x0)
    pairs = []
    for i, a in enumerate(ws):
        for b in ws[i + 1:]:
            if b.x0 >= a.x1 - tol:
                break
            if overlap(a.box, b.box, tol):
                pairs.append((a, b))
    return pairs


def outside(page: Page, margin: float = 0.0) -> list[Word]:
    """Words not wholly on the page (``margin`` points in from its edges)."""
    return [w for w in page.words if w.x0 < margin or w.y0 < margin
            or w.x1 > page.width - margin or w.y1 > page.height - margin]

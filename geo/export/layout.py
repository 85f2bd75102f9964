"""Measured lines of text around a printed page: header and footer rows that never overlap.

Every header and footer of the exports (map sheet, brief pages and cover,
assessment report) is a stack of :class:`Row` objects. A row holds a text on the
left, on the right, or in the centre. Before anything is drawn, each text is
measured with the figure's renderer: a left and a right text share one line
only when both fit with a gap between them, otherwise each gets its own line;
a text longer than the page's width is wrapped (at " · " first, then at spaces,
then between any two characters, as Chinese is set). :func:`draw_rows` returns
the height it used, so the page's content is laid out in what is left, on any
paper size and in either language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from geo.export import fonts
from geo.export.labels import renderer_of

LEADING = 1.3  # line height in type sizes
GAP_EM = 2.0  # the least space between a left and a right text on one line, in type sizes
PT_PER_IN = 72.0


@dataclass(frozen=True)
class Text:
    """One text of a header or footer, with its type size (points) and look."""

    text: str
    size: float
    color: str = "#333333"
    bold: bool = False

    def props(self) -> FontProperties:
        # the family named, not left to rcParams: what is measured is what is drawn, even
        # for a page built outside the export's rc_context
        return FontProperties(family=[fonts.cjk_family(), "DejaVu Sans"], size=self.size,
                              weight="bold" if self.bold else "normal")


@dataclass(frozen=True)
class Row:
    """A line of the header or footer: a left, a right and/or a centred text."""

    left: Text | None = None
    right: Text | None = None
    center: Text | None = None


def width_in(fig: Figure, text: Text) -> float:
    """The width of ``text`` as drawn on ``fig``, in inches."""
    w, _, _ = renderer_of(fig).get_text_width_height_descent(text.text, text.props(),
                                                             ismath=False)
    return w / fig.dpi


def wrap(fig: Figure, text: Text, width: float) -> list[Text]:
    """``text`` cut into lines no wider than ``width`` inches (one line if it fits)."""
    if width_in(fig, text) <= width or len(text.text) < 2:
        return [text]
    s = text.text
    for kind in ("sep", "space", "char"):
        best = None
        for i in _candidates(s, kind):
            head = replace(text, text=s[:i].rstrip(" ·").rstrip())
            if head.text and width_in(fig, head) <= width and (best is None or i > best):
                best = i
        if best is not None:
            head = replace(text, text=s[:best].rstrip(" ·").rstrip())
            rest = replace(text, text=s[best:].lstrip())
            return [head, *wrap(fig, rest, width)] if rest.text else [head]
    return [text]  # one character wider than the page: nothing to cut


def _candidates(s: str, kind: str) -> list[int]:
    if kind == "sep":
        return [i + 3 for i in range(len(s)) if s.startswith(" · ", i)]
    if kind == "space":
        return [i + 1 for i, c in enumerate(s) if c == " "]
    return list(range(1, len(s)))


def lines_of(fig: Figure, rows: Sequence[Row], width: float) -> list[Row]:
    """The rows as printed lines: a left and a right text share a line only where both fit,
    and every text is wrapped to ``width`` inches."""
    out: list[Row] = []
    for row in rows:
        if row.center is not None:
            out += [Row(center=t) for t in wrap(fig, row.center, width)]
            continue
        left = wrap(fig, row.left, width) if row.left else []
        right = wrap(fig, row.right, width) if row.right else []
        if left and right:
            gap = GAP_EM * max(left[-1].size, right[0].size) / PT_PER_IN
            if len(right) == 1 and width_in(fig, left[-1]) + gap + width_in(fig, right[0]) <= width:
                out += [Row(left=t) for t in left[:-1]] + [Row(left=left[-1], right=right[0])]
                continue
        out += [Row(left=t) for t in left] + [Row(right=t) for t in right]
    return out


def _size(row: Row) -> float:
    return max(t.size for t in (row.left, row.right, row.center) if t is not None)


def height_in(fig: Figure, rows: Sequence[Row], width: float) -> float:
    """The height the rows take when drawn ``width`` inches wide."""
    return sum(_size(r) * LEADING for r in lines_of(fig, rows, width)) / PT_PER_IN


def draw_rows(fig: Figure, rows: Sequence[Row], *, x0: float, x1: float, y: float,
              down: bool = True, zorder: float = 5) -> float:
    """Draw the rows between ``x0`` and ``x1`` (inches from the left) from ``y`` (inches from
    the bottom): downwards from it (a header), or, with ``down=False``, upwards from it as
    the block's foot (a footer); rows are in reading order either way. Returns the height
    used, in inches."""
    w_in, h_in = fig.get_size_inches()
    lines = lines_of(fig, rows, x1 - x0)
    if not down:
        lines = lines[::-1]  # stacked from the foot up, so the last line is drawn first
    used = 0.0
    for line in lines:
        step = _size(line) * LEADING / PT_PER_IN
        # the baseline sits a descender (0.12 em) plus half the leading above the line's foot
        foot = y - used - step if down else y + used
        base = foot + (_size(line) * (0.12 + (LEADING - 1) / 2)) / PT_PER_IN
        for t, x, ha in ((line.left, x0, "left"), (line.right, x1, "right"),
                         (line.center, (x0 + x1) / 2, "center")):
            if t is not None:
                fig.text(x / w_in, base / h_in, t.text, ha=ha, va="baseline",
                         fontproperties=t.props(), color=t.color, zorder=zorder)
        used += step
    return used

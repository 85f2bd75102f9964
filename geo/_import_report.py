"""Import reports and refusals: what :mod:`geo.importer` tells the user, in their language."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from geo import i18n
from geo.errors import PlannerError


class ImportRefusedError(PlannerError):
    """The file cannot be imported at all (unreadable, unsafe, empty, not geodata, ...).

    ``message`` says why, in no language yet: :meth:`text` shows it in one
    (``str()`` in the default language).
    """


class CRSUnknownError(ImportRefusedError):
    """The file has no CRS; ``candidates`` lists the plausible ones, best first."""

    def __init__(self, message: i18n.Message, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[^/\s'\":,]+)+/")


def without_paths(exc: BaseException) -> str:
    """A library's error text without the server's folders (``/tmp/x/y/file.zip`` -> ``file.zip``):
    a planner sees the file's name, never where the server keeps it."""
    return _PATH.sub("", str(exc))


_GEOS_REASONS = (  # GEOS's own words -> the planner's (is_valid_reason and WKT/WKB parsing)
    ("Ring Self-intersection", "ring_self_intersection"), ("Self-intersection", "self_intersection"),
    ("Too few points", "too_few_points"), ("Hole lies outside shell", "hole_outside"),
    ("Interior is disconnected", "interior_disconnected"), ("Nested holes", "nested_holes"),
    ("Nested shells", "nested_shells"), ("Duplicate Rings", "duplicate_rings"),
    ("Invalid Coordinate", "invalid_coordinate"), ("Ring is not closed", "not_closed"),
    ("do not form a closed linestring", "not_closed"),
    ("must have 0 or >= 4 points", "too_few_points"), ("ParseException", "parse"),
)
_AT = re.compile(r"\[\s*(-?[\d.eE+-]+)\s+(-?[\d.eE+-]+)")


def geos_reason(text: str) -> i18n.Message:
    """A GEOS validity or parse message in the planner's language, with the place it names."""
    for needle, key in _GEOS_REASONS:
        if needle.lower() in text.lower():
            at = _AT.search(text)
            if at:
                return tr(f"geos.{key}_at", x=f"{float(at[1]):.6f}", y=f"{float(at[2]):.6f}")
            return tr(f"geos.{key}")
    return tr("geos.other")


def tr(key: str, **fmt: object) -> i18n.Message:
    """The importer's message ``import.<key>``, not yet in a language."""
    return i18n.Message.of(f"import.{key}", **fmt)


def refuse(key: str, **fmt: object) -> ImportRefusedError:
    return ImportRefusedError(tr(key, **fmt))


@dataclass
class Problem:
    """One row-level finding: which file and row, the feature's ID if known, and what."""

    file: str
    row: int | None
    message: i18n.Message | i18n.Joined
    id: str | None = None

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        where = tr("row", file=self.file, row=self.row).text(lang) if self.row is not None else self.file
        ident = f" [{self.id}]" if self.id else ""
        return f"{where}{ident}: {self.message.text(lang)}"


@dataclass
class ImportReport:
    """Everything known about one import, before and after the write."""

    file: str
    format: str = ""
    source_layer: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs_file: str | None = None
    crs_used: str | None = None
    crs_candidates: list[str] = field(default_factory=list)
    gcj02: bool = False
    coord_source: str | None = None
    """``gcj02`` or ``survey`` as the planner said, for the files that cannot say it themselves."""
    rows_read: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    outside: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    uscc_errors: list[Problem] = field(default_factory=list)
    """Rows whose 统一社会信用代码 fails GB 32100-2015, listed even when the import goes on."""
    created: list[str] = field(default_factory=list)
    """Enterprises the import creates from the sheet's unmatched rows (their ids)."""
    located: list[Problem] = field(default_factory=list)
    """Created enterprises given the point of the parcel they hold (by credit code or name)."""
    to_confirm: list[Problem] = field(default_factory=list)
    """Created enterprises whose name matches a parcel's holder only once normalised."""
    unlocated: list[Problem] = field(default_factory=list)
    """Created enterprises no parcel names: to be placed on the map."""
    notes: list[i18n.Message] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    area_mu: dict[str, float] = field(default_factory=dict)
    written: bool = False

    def to_dict(self, lang: str = i18n.DEFAULT_LANG) -> dict:
        """Plain JSON-ready dict (the ``--json`` output), messages in ``lang``."""
        out = asdict(self)
        out["notes"] = self.note_texts(lang)
        for kind in ("rejected", "repaired", "duplicates", "outside", "unmatched", "uscc_errors",
                     "located", "to_confirm", "unlocated"):
            for item, problem in zip(out[kind], getattr(self, kind), strict=True):
                item["message"] = problem.message.text(lang)
        return out

    def note_texts(self, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        return [note.text(lang) for note in self.notes]

    def lines(self, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        """The report as text lines for the command line, in ``lang``."""
        out = [tr("rep.file", file=self.file, format=self.format, layer=self.layer or "-"),
               tr("rep.crs", crs=self.crs_used or "-", file_crs=self.crs_file or "-",
                  gcj=i18n.Message.of("bool.true" if self.gcj02 else "bool.false")),
               tr("rep.counts", read=self.rows_read, add=len(self.added), update=len(self.updated),
                  reject=len(self.rejected), repaired=len(self.repaired), outside=len(self.outside))]
        if self.encoding:
            out.append(tr("rep.encoding", encoding=self.encoding))
        if self.created:
            out.append(tr("rep.created", n=len(self.created)))
        out = [m.text(lang) for m in out]
        out += [f"  {note}" for note in self.note_texts(lang)]
        for key, items in (("rep.rejected", self.rejected), ("rep.repaired", self.repaired),
                           ("rep.duplicates", self.duplicates), ("rep.outside", self.outside),
                           ("rep.unmatched", self.unmatched), ("rep.uscc_errors", self.uscc_errors),
                           ("rep.located", self.located), ("rep.to_confirm", self.to_confirm),
                           ("rep.unlocated", self.unlocated)):
            if items:
                out.append(tr(key, n=len(items)).text(lang))
                out += [f"  - {p.text(lang)}" for p in items]
        if self.written:
            out.append(tr("rep.written").text(lang))
        return out


def norm_header(name) -> str:
    """A column name or value reduced for matching: no bracketed units, spaces, ``_-·.``; lower case."""
    text = re.sub(r"[（(【\[].*?[)）】\]]", "", str(name))
    return re.sub(r"[\s_\-·.]", "", text).lower()

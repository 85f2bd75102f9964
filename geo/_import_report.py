"""Import reports and refusals: what :mod:`geo.importer` tells the user, in their language."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from geo import i18n
from geo.errors import PlannerError


class ImportRefusedError(PlannerError):
    """The file cannot be imported at all (unreadable, unsafe, empty, not geodata, ...)."""


class CRSUnknownError(ImportRefusedError):
    """The file has no CRS; ``candidates`` lists the plausible ones, best first."""

    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


def tr(key: str, lang: str, **fmt: object) -> str:
    return i18n.t(f"import.{key}", lang, **fmt)


def refuse(key: str, lang: str, **fmt: object) -> ImportRefusedError:
    return ImportRefusedError(tr(key, lang, **fmt))


@dataclass
class Problem:
    """One row-level finding: which file and row, the feature's ID if known, and what."""

    file: str
    row: int | None
    message: str
    id: str | None = None

    def text(self, lang: str = i18n.DEFAULT_LANG) -> str:
        where = tr("row", lang, file=self.file, row=self.row) if self.row is not None else self.file
        ident = f" [{self.id}]" if self.id else ""
        return f"{where}{ident}: {self.message}"


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
    rows_read: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    duplicates: list[Problem] = field(default_factory=list)
    outside: list[Problem] = field(default_factory=list)
    unmatched: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    area_mu: dict[str, float] = field(default_factory=dict)
    written: bool = False

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (the ``--json`` output)."""
        return asdict(self)

    def lines(self, lang: str = i18n.DEFAULT_LANG) -> list[str]:
        """The report as text lines for the command line."""
        out = [tr("rep.file", lang, file=self.file, format=self.format, layer=self.layer or "-"),
               tr("rep.crs", lang, crs=self.crs_used or "-", file_crs=self.crs_file or "-",
                  gcj=i18n.bool_label(self.gcj02, lang)),
               tr("rep.counts", lang, read=self.rows_read, add=len(self.added), update=len(self.updated),
                  reject=len(self.rejected), repaired=len(self.repaired), outside=len(self.outside))]
        if self.encoding:
            out.append(tr("rep.encoding", lang, encoding=self.encoding))
        out += [f"  {note}" for note in self.notes]
        for key, items in (("rep.rejected", self.rejected), ("rep.repaired", self.repaired),
                           ("rep.duplicates", self.duplicates), ("rep.outside", self.outside),
                           ("rep.unmatched", self.unmatched)):
            if items:
                out.append(tr(key, lang, n=len(items)))
                out += [f"  - {p.text(lang)}" for p in items]
        if self.written:
            out.append(tr("rep.written", lang))
        return out


def norm_header(name) -> str:
    """A column name or value reduced for matching: no bracketed units, spaces, ``_-·.``; lower case."""
    text = re.sub(r"[（(【\[].*?[)）】\]]", "", str(name))
    return re.sub(r"[\s_\-·.]", "", text).lower()

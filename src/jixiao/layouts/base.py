"""The Layout protocol: how a family of table layouts is found in a Sheet and read from it.

A family is one module with a class that has a `name`, `detect(sheet) -> list[Region]` (the rows it would
read, with a score: how strongly the sheet looks like its family, decided cheaply and before any parsing)
and `parse(sheet, region) -> Fragment` (what it reads there). `build_document` runs one segmentation pass
(families in order of their regions' scores; a region another family has already read cleanly is not read
again) and one merge step (the chosen fragments, in row order, make the Document). Families are found
through the entry-point group `jixiao.layouts` (a province's own layout can ship as a separate package);
the built-in ones are registered there too, and used directly when the package metadata is missing.
Pure: a family never changes the Sheet it is given (tests/test_stream.py checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import entry_points
from typing import Protocol

from ..model import Document
from ..readers.sheet import Sheet
from ..textnorm import squash
from .vocab import column_role, is_level


@dataclass(frozen=True)
class Region:
    """Rows `start`..`end` (end exclusive) of a sheet that a family would read, and how strongly."""

    family: str
    start: int
    end: int
    score: float


@dataclass
class Fragment:
    """What a family read from its region: a Document over those rows (document fields where it saw them)."""

    region: Region
    document: Document

    @property
    def quality(self) -> int:
        return quality(self.document)


class Layout(Protocol):
    name: str

    def detect(self, sheet: Sheet) -> list[Region]: ...

    def parse(self, sheet: Sheet, region: Region) -> Fragment: ...


@cache
def registered_layouts() -> tuple[Layout, ...]:
    """Every layout family: the entry points of group `jixiao.layouts`, else the built-in ones. Read once per
    process: scanning the installed packages' metadata costs about 2 ms, a third of parsing a small file."""
    found: list[Layout] = []
    for ep in sorted(entry_points(group="jixiao.layouts"), key=lambda e: e.name):
        try:
            found.append(ep.load()())
        except Exception:  # noqa: BLE001 - a broken plug-in must not stop the built-in families
            continue
    if not any(getattr(f, "name", None) == "header" for f in found):
        from .header import HeaderLayout
        from .stream_layout import StreamLayout

        found = [HeaderLayout(), StreamLayout()] + [f for f in found if f.name not in ("header", "stream")]
    return tuple(found)


def quality(doc: Document) -> int:
    """How much of a table a reading got: one per indicator with a value; where any row was read out of step
    (a value equal to its name, a number or a header word as the name, a junk project name), minus the
    number of such rows instead."""
    good, bad = _tally(doc)
    # a reading with rows out of step is worse than one that reads less but nothing wrong
    return -bad if bad else good


def _tally(doc: Document) -> tuple[int, int]:
    """(indicators with a value, rows read out of step and junk project names)."""
    good = 0
    bad = sum(1 for p in doc.projects if junk_name(p.name))
    for ind in all_indicators(doc):
        value = ind.annual or ind.period
        if value is not None and value.raw == ind.name or misplaced(ind):
            bad += 1
        elif value is not None:
            good += 1  # a value read, even where something else on the row is marked
    return good, bad


_NUMBERS_ONLY = re.compile(r"[\d.,%‰≥≤<>=\s]+")


def misplaced(ind) -> bool:
    """A row read out of step with its columns: a number as the name, or a header or level word as the
    name or the value."""
    if _NUMBERS_ONLY.fullmatch(ind.name) or structural(ind.name):
        return True
    return ind.annual is not None and structural(ind.annual.raw)


@lru_cache(maxsize=65536)
def structural(text: str) -> bool:
    """A header word (`实际完成值`, `得分`) or a level name printed with 指标 (`质量指标`): table structure."""
    if len(text) > 30:
        return False  # header cells and level names are short
    role = column_role(text)
    if role is not None and not role.startswith("grade_"):
        return True
    s = squash(text)
    return s.endswith("指标") and is_level(s)


def is_clean(doc: Document) -> bool:
    """Nearly every indicator (95%) has a value and none is out of step: no other reading can do better."""
    items = sum(1 for _ in all_indicators(doc))
    if not items or any(junk_name(p.name) for p in doc.projects):
        return False
    good, bad = _tally(doc)
    return good - 2 * bad >= 0.95 * items


_YEAR_ONLY = re.compile(r"[\d\s年度（()）]*")


def junk_name(name: str) -> bool:
    """A project name that is only a year or a scrap (`2024年`): the table's name field was missed."""
    return len(name) < 2 or bool(_YEAR_ONLY.fullmatch(name))


def all_indicators(doc: Document):
    for p in doc.projects:
        yield from p.indicators
    if doc.overall:
        for sec in doc.overall.sections:
            yield from sec.indicators



"""First levels of merged cells flattened to text.

A merged first-level cell that spans a block of rows, flattened to text (pipes, tabs, spaces), prints its
label once, often on the middle row of its block: the rows above the label then carry no first level, or
the block before's. Every family reads rows top-down, so every family makes that mistake the same way;
it is mended once here, from the rows of the sheet."""

from __future__ import annotations

from ..model import Document, Indicator
from ..readers.sheet import Row, Sheet
from ..taxonomy import LEVEL1, canonical_level1, level2_parent


def mend_centred_levels(doc: Document, sheet: Sheet) -> Document:
    """A row that did not print a first level of its own, whose second level belongs to one first level
    only (`社会效益指标` → 效益指标), takes the next first level printed below it when that is the one."""
    groups = [p.indicators for p in doc.projects] + [s.indicators for s in (doc.overall.sections if doc.overall
                                                                              else [])]
    if not any(_misplaced(ind) for group in groups for ind in group):
        return doc  # the common case: every second level sits under its first level; no rows to scan
    printed = _level1_rows(sheet)
    for group in groups:
        _mend(group, printed)
    return doc


def _misplaced(ind: Indicator) -> bool:
    parent = level2_parent(ind.level2)
    return parent is not None and ind.level1 != parent


def _mend(indicators: list[Indicator], printed: set) -> None:
    for k, ind in enumerate(indicators):
        parent = level2_parent(ind.level2)
        if parent is None or ind.level1 == parent or _key(ind) is None or _key(ind) in printed:
            continue
        below = next((x.level1 for x in indicators[k + 1:] if x.level1 != ind.level1), None)
        if below == parent:
            ind.level1 = parent


def _key(ind: Indicator) -> tuple | None:
    loc = ind.loc
    if loc is None:
        return None
    if loc.table is not None and loc.row is not None:
        return ("cell", loc.page, loc.table, loc.row)
    return ("line", loc.page, loc.line) if loc.line is not None else None


def _level1_rows(sheet: Sheet) -> set:
    """The rows that print a first-level label in a cell of their own (a glued line is one row and prints
    it whenever its label is anywhere on it: such rows are never mended)."""
    out: set = set()
    for row in sheet.rows:
        if _prints_level1(row):
            if row.table is not None and row.row is not None:
                out.add(("cell", row.page, row.table, row.row))
            out.add(("line", row.page, row.line))
    return out


def _prints_level1(row: Row) -> bool:
    return any(len(c.text) <= 30 and canonical_level1(c.text) is not None for c in row.cells) or (
        row.is_text and any(name in row.text for name in LEVEL1))

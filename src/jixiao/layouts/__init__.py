"""Layouts: a Sheet → a Document, by the families of `base.registered_layouts()` (see `base`).

`build_document` is the one segmentation pass and the one merge step: every family detects its regions
with a score; regions are read in order of score, and a region already read cleanly by one family is not
read by the families scored below it; where regions of several families overlap, the reading with the
higher quality wins (a tie goes to the higher detect score); the chosen fragments, in row order, are
merged into the Document."""

from __future__ import annotations

from ..errors import LayoutError
from ..model import Document
from ..readers.sheet import Sheet
from .base import Fragment, Region, all_indicators, is_clean, registered_layouts, structural
from .common import is_title
from .levels import mend_centred_levels


def build_document(sheet: Sheet) -> Document:
    families = {f.name: f for f in registered_layouts()}
    regions = sorted((r for f in families.values() for r in f.detect(sheet)), key=lambda r: -r.score)
    chosen: list[Fragment] = []
    first_error: LayoutError | None = None
    for region in regions:
        rivals = [c for c in chosen if _overlap(c.region, region)]
        if any(is_clean(c.document) and c.region.score > region.score for c in rivals):
            continue  # read cleanly by a family that scores this region higher
        try:
            fragment = families[region.family].parse(sheet, region)
        except LayoutError as exc:
            first_error = first_error or exc
            continue
        if all(fragment.quality > c.quality for c in rivals):
            chosen = [c for c in chosen if c not in rivals] + [fragment]
    if not chosen:
        assert first_error is not None or not regions
        raise first_error or LayoutError("未识别出绩效目标表：文件里没有表格或文字", sheet.name)
    doc = _merge(sorted(chosen, key=lambda c: c.region.start))
    return mend_centred_levels(_without_structural_values(doc), sheet)


_VALUE_FIELDS = ("annual", "period", "actual", "forecast")


def _without_structural_values(doc: Document) -> Document:
    """A value that is a header word, a level name (`产出指标`, `实际完成值`) or a table's title (the next
    table's `…绩效目标表` after a row whose value cell is empty) was read out of step with its columns,
    whatever family read it: it is never emitted as a value; the indicator keeps its name and is marked."""
    for ind in all_indicators(doc):
        for attr in _VALUE_FIELDS:
            target = getattr(ind, attr)
            if target is not None and (structural(target.raw) or "表" in target.raw and is_title(target.raw)):
                setattr(ind, attr, None)
                note = f"值列中读到的是表头、级别名称或表名（{target.raw}），未作为指标值"
                ind.problem = f"{ind.problem}；{note}" if ind.problem else note
    return doc


def _overlap(a: Region, b: Region) -> bool:
    return a.start < b.end and b.start < a.end


def _merge(fragments: list[Fragment]) -> Document:
    """The fragments of one sheet, in row order, as one Document: document fields from the first fragment
    that states them, projects, units, sections and problems one after the other."""
    doc = fragments[0].document
    for frag in fragments[1:]:
        other = frag.document
        update = {k: getattr(doc, k) if getattr(doc, k) is not None else getattr(other, k)
                  for k in ("title", "year", "department", "money_unit", "total", "as_of_month")}
        overall = doc.overall
        if other.overall is not None:
            overall = other.overall if overall is None else overall.model_copy(
                update={"sections": overall.sections + other.overall.sections})
        kind = doc.kind if doc.kind != "target" else other.kind
        doc = doc.model_copy(update=update | {
            "projects": doc.projects + other.projects, "units": doc.units + [u for u in other.units
                                                                          if u not in doc.units],
            "overall": overall, "kind": kind, "problems": doc.problems + other.problems})
    return doc


__all__ = ["build_document", "Fragment", "Region", "registered_layouts"]

"""What a document can be held to: a rule about what is missing must not fire on what the text never held.

Real tables arrive as page excerpts and document previews. When the parser says the text stops (or starts)
inside a table, the project at that edge may have had more rows beyond it, so "no 效益指标" or "too few
indicators" there says nothing about the table. A self-evaluation or an evaluation table is not a target
table either: its form may have no row for a goal at all.
"""

from __future__ import annotations

import re

from ..model import Document
from .vocab import TEXT_ENDS_EARLY, TEXT_STARTS_LATE

# the order the framework lists first levels in; 成本指标 moves (first, after 产出, or last) so it has none
LEVEL_ORDER = {"产出指标": 0, "效益指标": 1, "满意度指标": 2}
_EVALUATION_TITLE = re.compile(r"评价|自评")


def cut_edges(document: Document, project_index: int | None) -> frozenset[str]:
    """The edges of this project the text may have cut: "end" for the last project of a text that stops
    inside the table, "start" for the first project of a text that starts inside it."""
    if project_index is None or not document.projects:
        return frozenset()
    edges = set()
    messages = [p.message for p in document.problems]
    if project_index == len(document.projects) - 1 and any(TEXT_ENDS_EARLY.search(m) for m in messages):
        edges.add("end")
    if project_index == 0 and any(TEXT_STARTS_LATE.search(m) for m in messages):
        edges.add("start")
    return frozenset(edges)


def may_lie_beyond_cut(level: str, seen: set[str], edges: frozenset[str]) -> bool:
    """Could a first level missing from the project have stood beyond a cut edge? At the end: if the
    framework lists it after every level seen (or its place is not fixed). At the start: if it is listed
    before every level seen."""
    if not edges:
        return False
    pos = LEVEL_ORDER.get(level)
    placed = [LEVEL_ORDER[s] for s in seen if s in LEVEL_ORDER]
    if pos is None or not placed:
        return True
    return ("end" in edges and pos > max(placed)) or ("start" in edges and pos < min(placed))


def is_evaluation(document: Document) -> bool:
    """A self-evaluation, or a table whose title says it is an evaluation (绩效评价指标表): not a target
    table, so rules about what a target table must hold (a goal) do not apply."""
    return document.kind == "self_evaluation" or bool(document.title and _EVALUATION_TITLE.search(document.title))

"""Slot F1: how much of a golden document a parse got right, field by field.

A slot is one stated fact: a document field, a project field, or an indicator field (level, name, each
part of a target, each execution field). Projects are paired in order; indicators within a project are
paired by name (then order), so one missed row does not shift every row after it. Precision counts the
non-null slots the parse emitted, recall the non-null slots of the golden document.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.fuzz import ratio

from .model import Document

_DOC_FIELDS = ("title", "year", "department", "kind")
_PROJECT_FIELDS = ("name", "department", "unit", "code", "goal", "result")
_INDICATOR_FIELDS = ("level1", "level2", "name", "weight", "score", "deviation")
_TARGETS = ("annual", "period", "actual")
_TARGET_PARTS = ("raw", "op", "value", "unit")


@dataclass
class SlotScore:
    correct: int = 0
    emitted: int = 0
    expected: int = 0
    annual_correct: int = 0
    annual_emitted: int = 0

    def add(self, other: SlotScore) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @property
    def precision(self) -> float:
        return self.correct / self.emitted if self.emitted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def annual_precision(self) -> float:
        return self.annual_correct / self.annual_emitted if self.annual_emitted else 1.0


def _slots(doc: dict) -> dict[tuple, object]:
    out: dict[tuple, object] = {}
    for f in _DOC_FIELDS:
        v = doc.get(f, "target" if f == "kind" else None)
        if v is not None:
            out[("doc", f)] = v
    blocks = [(p, p.get("indicators") or []) for p in doc.get("projects") or []]
    overall = doc.get("overall") or {}
    for sec in overall.get("sections") or []:
        blocks.append(({"name": sec.get("title")}, sec.get("indicators") or []))
    for pi, (proj, indicators) in enumerate(blocks):
        for f in _PROJECT_FIELDS:
            if proj.get(f) is not None:
                out[("p", pi, f)] = proj[f]
        budget = proj.get("budget") or {}
        for f in ("total", "fiscal"):
            if budget.get(f) is not None:
                out[("p", pi, "budget", f)] = budget[f]
        for ind in indicators:
            key = ("i", pi, ind.get("name"))
            for f in _INDICATOR_FIELDS:
                if ind.get(f) is not None:
                    out[key + (f,)] = ind[f]
            for t in _TARGETS:
                target = ind.get(t) or {}
                for part in _TARGET_PARTS:
                    if target.get(part) is not None:
                        out[key + (t, part)] = target[part]
    return out


def _pair_names(got: list[str], want: list[str]) -> dict[str, str]:
    """Each parsed indicator name paired with the golden one it stands for (exact, then close, in order)."""
    pairs: dict[str, str] = {}
    free = list(want)
    for name in got:
        if name in free:
            pairs[name] = name
            free.remove(name)
    for name in got:
        if name in pairs or not free:
            continue
        best = max(free, key=lambda w: ratio(name, w))
        if ratio(name, best) >= 60:
            pairs[name] = best
            free.remove(best)
    return pairs


def score(got: dict, want: dict) -> SlotScore:
    """Slot precision/recall of a parsed document against its golden document (both as JSON dicts)."""
    g, w = _slots(got), _slots(want)
    names_by_block: dict[int, tuple[list[str], list[str]]] = {}
    for key in g:
        if key[0] == "i":
            names_by_block.setdefault(key[1], ([], []))[0].append(key[2])
    for key in w:
        if key[0] == "i":
            names_by_block.setdefault(key[1], ([], []))[1].append(key[2])
    rename: dict[tuple[int, str], str] = {}
    for block, (got_names, want_names) in names_by_block.items():
        pairs = _pair_names(list(dict.fromkeys(got_names)), list(dict.fromkeys(want_names)))
        for a, b in pairs.items():
            rename[(block, a)] = b
    result = SlotScore(expected=len(w))
    for key, value in g.items():
        mapped = key
        if key[0] == "i":
            target = rename.get((key[1], key[2]))
            if key[3] == "name":
                mapped = key if target is None else ("i", key[1], target, "name")
                value_ok = target is not None and value == target
            else:
                mapped = key if target is None else ("i", key[1], target) + key[3:]
                value_ok = mapped in w and w[mapped] == value
        else:
            value_ok = mapped in w and w[mapped] == value
        if key[0] == "i" and key[3] == "name" and target is not None:
            value_ok = value == target
        result.emitted += 1
        result.correct += int(value_ok)
        if key[0] == "i" and key[3:] == ("annual", "raw"):
            result.annual_emitted += 1
            result.annual_correct += int(value_ok)
    return result


def silent_errors(got: Document, ruled: Document) -> list[tuple]:
    """Indicators without a problem that state something the ruled reading does not: a project and name
    it has no indicator for, or a level or annual value other than its (a value left out is a miss, not a
    wrong value)."""
    want: dict[tuple, list] = {}
    for p in ruled.projects:
        for i in p.indicators:
            want.setdefault((p.name, i.name), []).append(i)
    out = []
    for p in got.projects:
        for i in p.indicators:
            if i.problem:
                continue
            fields = {"level1": i.level1, "level2": i.level2, "annual": i.annual.raw if i.annual else None}
            same = [w for w in want.get((p.name, i.name), [])
                    if all(v is None or v == (w.annual.raw if k == "annual" and w.annual else getattr(w, k, None))
                           for k, v in fields.items())]
            if not same:
                out.append((p.name, i.name, fields))
    # a project's own fields: a stated goal, code, unit or budget the ruled reading has otherwise
    seen: dict[str, int] = {}
    by_name: dict[tuple, object] = {}
    for p in ruled.projects:
        seen[p.name] = seen.get(p.name, 0) + 1
        by_name[(p.name, seen[p.name])] = p
    seen = {}
    for p in got.projects:
        seen[p.name] = seen.get(p.name, 0) + 1
        w = by_name.get((p.name, seen[p.name]))  # projects of one name paired in order
        for field in ("goal", "code", "unit", "department"):
            if w is not None and getattr(p, field) and getattr(p, field) != getattr(w, field):
                out.append((p.name, field, getattr(p, field)))
        for field in ("total", "fiscal"):
            mine = getattr(p.budget, field, None) if p.budget else None
            if w is not None and mine is not None and mine != (getattr(w.budget, field, None) if w.budget else None):
                out.append((p.name, field, mine))
    return out


def leaf_text(text: str) -> str:
    """Text as compared leaf by leaf: no whitespace, full-width punctuation as ASCII (OCR reads `,` as `，`)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _leaves(obj, path: str = "") -> Counter:
    """Every leaf of a document's JSON as (path, value); loc, source and problems left out."""
    out: Counter = Counter()
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in ("loc", "source", "problems", "problem"):
                out += _leaves(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _leaves(v, f"{path}[{i}]")
    elif obj is not None:
        out[(path, leaf_text(obj) if isinstance(obj, str) else obj)] += 1
    return out


def leaf_f1(got: dict, expected: dict) -> float:
    """F1 of the documents' leaves at the same JSON path: for readings of one table in two formats (a scan
    and its text), where the rows line up and no pairing by name is needed."""
    g, e = _leaves(got), _leaves(expected)
    hit = sum((g & e).values())
    return 0.0 if not hit else 2 * hit / (sum(g.values()) + sum(e.values()))


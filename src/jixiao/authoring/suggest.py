"""Indicators the library suggests for the draft's project (LIBRARY's `Suggester`, called as it is), each
ready to drop into the grid as one row: its usual 一级/二级 placement and its most common target, split
into operator, number and unit the way the editor holds them."""

from __future__ import annotations

from sqlalchemy import Engine

from ..compare import indicator_key
from ..model import Indicator
from ..service.library import cached_suggester
from ..taxonomy import canonical_level1, canonical_level2
from ..values import parse_target
from .content import Content, row_of


def _placement(level: str | None) -> tuple[str | None, str | None]:
    """`产出指标/数量指标` (the library's placement label; `—` where a table printed none)."""
    if not level:
        return None, None
    first, _, second = level.partition("/")
    l1 = canonical_level1(first) if first and first != "—" else None
    l2 = canonical_level2(second)[0] if second and second != "—" else None
    return l1, l2


def suggestions(engine: Engine, content: Content, limit: int = 10) -> list[dict]:
    """The library's suggestions for the project's name, content and goal, less the indicators the draft
    already has; each with `row`, the grid row one click adds."""
    f = content.fields
    text = " ".join(x for x in (f.name, f.content, f.goal) if x.strip())
    if not text.strip():
        return []
    with engine.connect() as conn:  # the library pages' Suggester, rebuilt only when the library changed
        suggester = cached_suggester(conn)
    found = suggester.suggest(text, limit=limit + len(content.rows))
    have = {indicator_key(r.name) for r in content.rows if r.name.strip()}
    out = []
    for s in found:
        if indicator_key(s["name"]) in have:
            continue
        level1, level2 = _placement(s.get("level"))
        typical = (s.get("typical_targets") or [None])[0]
        row = row_of(Indicator(seq=1, level1=level1, level2=level2, name=s["name"], annual=parse_target(typical)))
        out.append({"name": s["name"], "score": s["score"], "level1": level1, "level2": level2, "target": typical,
                    "typical_targets": s.get("typical_targets") or [],
                    "from_projects": [n for n, _ in s.get("from_projects", [])][:3], "row": row.model_dump()})
        if len(out) >= limit:
            break
    return out

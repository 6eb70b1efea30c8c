"""Compare projects across years and places: match projects, diff their indicators, classify each target
change direction-aware (for a reverse indicator such as 投诉率 a larger number is lower ambition), and put
budget changes beside target changes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .model import Document, Indicator, Project, Target
from .review.vocab import REVERSE

_YEARS = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?(?:\s*[-—－~至到]\s*(?:(?:19|20)?\d{2})\s*(?:年度|年)?)?")
_BRACKETED_YEAR = re.compile(r"[（(]\s*(?:19|20)\d{2}\s*(?:年度|年)?\s*[)）]")
_PUNCT = re.compile(r"[\s“”\"'《》〈〉、，,。·:：;；\-—－%％]")
_TRAILING_NUMBER = re.compile(r"\d+$")
_TRAILING_QUALIFIER = re.compile(r"\([^()]*\)$")


def project_key(name: str) -> str:
    """A project name without its years, year suffixes and punctuation: `…运维服务项目（2022）` → `…运维服务项目`."""
    s = _BRACKETED_YEAR.sub("", name)
    s = _YEARS.sub("", s)
    s = s.replace("（", "(").replace("）", ")")
    return _PUNCT.sub("", s)


def indicator_key(name: str) -> str:
    """`信息化（项目）工作完成率` = `信息化(项目)工作完成率`; `系统正常运行率1` = `系统正常运行率`;
    a trailing qualifier goes: `驻场服务时长达标率（运行保障类）` = `驻场服务时长达标率`."""
    s = name.replace("（", "(").replace("）", ")")
    s = _PUNCT.sub("", s)
    s = _TRAILING_NUMBER.sub("", s) or s
    return _TRAILING_QUALIFIER.sub("", s) or s


@dataclass
class ProjectMatch:
    a: Project | None
    b: Project | None
    score: float
    reason: str
    status: str  # matched | ambiguous | only_a | only_b
    candidates: list[tuple[str, float]] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        ba = self.a.budget.total if self.a and self.a.budget else None
        bb = self.b.budget.total if self.b and self.b.budget else None
        counts: dict[str, int] = {}
        for c in self.changes:
            counts[c["change"]] = counts.get(c["change"], 0) + 1
        return {
            "status": self.status, "score": round(self.score, 1), "reason": self.reason,
            "a": _project_ref(self.a), "b": _project_ref(self.b),
            "candidates": [{"project": n, "score": round(s, 1)} for n, s in self.candidates],
            "budget_a": ba, "budget_b": bb,
            "budget_change": None if ba is None or bb is None else round(bb - ba, 2),
            "budget_up_targets_down": bool(ba is not None and bb is not None and bb > ba and counts.get("lowered")),
            "summary": counts, "indicators": self.changes,
        }


def _project_ref(p: Project | None) -> dict | None:
    if p is None:
        return None
    return {"name": p.name, "unit": p.unit, "department": p.department, "code": p.code}


def match_projects(a: list[Project], b: list[Project], threshold: float = 80, margin: float = 3) -> list[ProjectMatch]:
    """Each project of A with its counterpart in B. A best match that another candidate comes within `margin`
    points of is reported as ambiguous, never silently picked."""
    out: list[ProjectMatch] = []
    used: set[int] = set()
    keys_b = [project_key(p.name) for p in b]
    for pa in a:
        ka = project_key(pa.name)
        scored = []
        for j, pb in enumerate(b):
            score = 100.0 if ka == keys_b[j] else fuzz.ratio(ka, keys_b[j])
            if pa.unit and pb.unit and pa.unit == pb.unit:
                score += 5  # the same unit's project is the counterpart, more than a few points of name
            scored.append((min(score, 105.0), j))
        scored.sort(reverse=True)
        good = [(s, j) for s, j in scored if s >= threshold and j not in used]
        if not good:
            out.append(ProjectMatch(pa, None, scored[0][0] if scored else 0, "另一方没有相近的项目", "only_a"))
            continue
        best_score, best = good[0]
        rivals = [(s, j) for s, j in good[1:] if best_score - s < margin]
        if rivals:
            out.append(ProjectMatch(pa, None, best_score, "有多个同样相近的候选项目，未自动配对", "ambiguous",
                                    [(b[j].name + (f"（{b[j].unit}）" if b[j].unit else ""), s)
                                     for s, j in [good[0], *rivals]]))
            continue
        used.add(best)
        pb = b[best]
        if pa.name == pb.name:
            reason = "项目名称相同"
        elif ka == keys_b[best]:
            reason = "去掉年份后项目名称相同"
        else:
            reason = f"项目名称相似度 {fuzz.ratio(ka, keys_b[best]):.0f}"
        if pa.unit and pa.unit == pb.unit:
            reason += "，同一单位"
        m = ProjectMatch(pa, pb, min(best_score, 100.0), reason, "matched")
        m.changes = diff_indicators(pa.indicators, pb.indicators)
        out.append(m)
    for j, pb in enumerate(b):
        if j not in used and not any(m.status == "ambiguous" and any(pb.name in c for c, _ in m.candidates)
                                     for m in out):
            out.append(ProjectMatch(None, pb, 0, "另一方没有相近的项目", "only_b"))
    return out


def is_reverse(ind: Indicator) -> bool:
    return bool(REVERSE.search(ind.name)) and not re.search(r"无故障|无事故|处理|排除|修复|响应|解决|整改", ind.name)


def _target_dict(t: Target | None) -> dict | None:
    return t.model_dump() if t is not None else None


def _plain(raw: str) -> str:
    return _PUNCT.sub("", raw.replace("（", "(").replace("）", ")"))


def _level(value: float, op: str | None) -> float:
    """A number's strength as a floor: `>95` is a little more than `>=95`."""
    return value + (1e-9 if op == ">" else -1e-9 if op == "<" else 0)


def classify(ta: Target | None, tb: Target | None, reverse: bool) -> tuple[str, str]:
    """(change, explanation) of one target from A to B."""
    if ta is None and tb is None:
        return "unchanged", ""
    if ta is None or tb is None:
        return "kind_changed", "一方没有指标值"
    if ta.raw == tb.raw or _plain(ta.raw) == _plain(tb.raw):
        return "unchanged", ""
    if ta.kind != tb.kind:
        return "kind_changed", f"指标值类型由 {ta.kind} 变为 {tb.kind}"
    if ta.kind == "number":
        return _compare_numbers(ta.op, ta.value, ta.unit, tb.op, tb.value, tb.unit, reverse)
    if ta.kind == "range":
        if ta.unit != tb.unit:
            return "kind_changed", f"单位由 {ta.unit} 变为 {tb.unit}"
        mid_a, mid_b = (ta.value + ta.high) / 2, (tb.value + tb.high) / 2
        return _direction(mid_a, mid_b, reverse)
    if ta.kind == "compound":
        pa, pb = ta.parts or [], tb.parts or []
        verdicts = []
        for k, part in enumerate(pa):
            other = next((x for x in pb if x.label and x.label == part.label), pb[k] if k < len(pb) else None)
            if other is None:
                verdicts.append(("kind_changed", f"分项“{part.label}”被删除"))
            else:
                verdicts.append(_compare_numbers(part.op, part.value, part.unit, other.op, other.value, other.unit,
                                                 reverse, part.label))
        if len(pb) > len(pa):
            verdicts.append(("kind_changed", "新增分项"))
        for kind in ("lowered", "kind_changed", "raised"):
            hits = [e for v, e in verdicts if v == kind]
            if hits:
                return kind, "；".join(hits)
        return "unchanged", ""
    return "changed", "文字表述的指标值有变化"


def _compare_numbers(op_a, va, ua, op_b, vb, ub, reverse: bool, label: str | None = None) -> tuple[str, str]:
    prefix = f"“{label}”" if label else ""
    if ua != ub:
        return "kind_changed", f"{prefix}单位由 {ua or '无'} 变为 {ub or '无'}"
    upper_a, upper_b = op_a in ("<=", "<"), op_b in ("<=", "<")
    if upper_a != upper_b:
        return "kind_changed", f"{prefix}方向由 {op_a} 变为 {op_b}"
    rev = reverse or upper_a
    verdict, _ = _direction(_level(va, op_a), _level(vb, op_b), rev)
    if verdict == "unchanged":
        return verdict, ""
    word = "提高" if verdict == "raised" else "降低"
    return verdict, f"{prefix}目标{word}：{op_a}{va:g}{ua or ''} → {op_b}{vb:g}{ub or ''}" + ("（反向指标）" if rev else "")


def _direction(a: float, b: float, reverse: bool) -> tuple[str, str]:
    if abs(a - b) < 1e-6:
        return "unchanged", ""
    up = b > a
    if reverse:
        up = not up
    return ("raised" if up else "lowered"), ""


def diff_indicators(a: list[Indicator], b: list[Indicator], rename_threshold: float = 80) -> list[dict]:
    """Added, removed, renamed (fuzzy), moved to another level, and target changes, in A's order then B's."""
    changes: list[dict] = []
    left = list(range(len(b)))
    pairs: list[tuple[Indicator, Indicator | None, bool]] = []
    keys_b = [indicator_key(x.name) for x in b]
    for ia in a:
        ka = indicator_key(ia.name)
        j = next((j for j in left if keys_b[j] == ka), None)
        renamed = False
        if j is None:
            scored = sorted(((fuzz.ratio(ka, keys_b[j]), j) for j in left), reverse=True)
            if scored and scored[0][0] >= rename_threshold:
                j, renamed = scored[0][1], True
        if j is not None:
            left.remove(j)
            pairs.append((ia, b[j], renamed))
        else:
            pairs.append((ia, None, False))
    for ia, ib, renamed in pairs:
        entry = {"a": _ind_ref(ia), "b": _ind_ref(ib), "target_a": _target_dict(ia.annual),
                 "target_b": _target_dict(ib.annual) if ib else None}
        if ib is None:
            changes.append({"change": "removed", "detail": "", **entry})
            continue
        verdict, detail = classify(ia.annual, ib.annual, is_reverse(ia) or is_reverse(ib))
        moved = (ia.level1, ia.level2) != (ib.level1, ib.level2) and ia.level1 is not None and ib.level1 is not None
        if renamed:
            change = "renamed"
            detail = f"名称由“{ia.name}”改为“{ib.name}”" + (f"；{detail}" if detail else "")
        elif moved and verdict == "unchanged":
            change = "moved"
            detail = f"由 {ia.level1}/{ia.level2 or '—'} 移到 {ib.level1}/{ib.level2 or '—'}"
        else:
            change = verdict
        changes.append({"change": change, "target_change": verdict, "detail": detail, **entry})
    for j in left:
        changes.append({"change": "added", "detail": "", "a": None, "b": _ind_ref(b[j]), "target_a": None,
                        "target_b": _target_dict(b[j].annual)})
    return changes


def _ind_ref(i: Indicator | None) -> dict | None:
    if i is None:
        return None
    return {"seq": i.seq, "name": i.name, "level1": i.level1, "level2": i.level2}


def compare_documents(a: list[Document], b: list[Document]) -> dict:
    pa = [p for d in a for p in d.projects]
    pb = [p for d in b for p in d.projects]
    matches = match_projects(pa, pb)
    pairs = [m.to_dict() for m in matches]
    # the finding a reviewer wants first: budget up while targets went down
    pairs.sort(key=lambda m: (not m["budget_up_targets_down"], -(m["summary"].get("lowered", 0)),
                              m["status"] != "matched"))
    return {
        "a": [d.source.name for d in a], "b": [d.source.name for d in b],
        "summary": {s: sum(1 for m in matches if m.status == s) for s in ("matched", "ambiguous", "only_a", "only_b")},
        "projects": pairs,
    }

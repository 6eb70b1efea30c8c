"""Indicators written as running text inside one cell:
`1、产出指标: 票据质量合格率, 年度指标值: 100%。2、…` or
`1、1-产出指标：12-质量指标：年度考核通过率；实施周期指标值:100%；年度指标值:100%。`
"""

from __future__ import annotations

import re

from ..model import Indicator, Loc
from ..taxonomy import canonical_level1, canonical_level2
from ..textnorm import strip_seps
from ..values import parse_target

_ITEM_START = re.compile(r"(?:(?<=^)|(?<=[。；;，,\s>）)]))\s*(\d{1,3})\s*[、．]|(?:(?<=^)|(?<=[。；;\s]))(\d{1,3})\.(?!\d)"
                         r"|(?:(?<=^)|(?<=[。；;，,\s]))[（(](\d{1,3})[)）]")

_VALUE_LABELS: list[tuple[str, str]] = [
    ("实施周期指标值", "period"), ("中长期指标值", "period"), ("长期指标值", "period"), ("实施期指标值", "period"),
    ("周期指标值", "period"), ("年度指标值", "annual"), ("年度目标值", "annual"), ("指标值确定依据", "basis"),
    ("绩效标准", "basis"), ("评价标准", "basis"), ("绩效指标描述", "description"), ("指标描述", "description"),
    ("指标值", "annual"), ("目标值", "annual"),
]
_LABEL_RE = re.compile(
    r"(?:(?<=^)|(?<=[,，;；。\s]))\s*(" + "|".join(re.escape(k) for k, _ in _VALUE_LABELS) + r")\s*[:：]"
)
_ROLE_OF = dict(_VALUE_LABELS)
_L1 = re.compile(
    r"^\s*(?:(\d{1,2})\s*[-－]\s*)?(产出指标|效益指标|满意度指标|成本指标|效果指标|产出|效益|满意度|成本)"
    r"(?:\s*[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）])?\s*[:：;；,，\s\-－—/]\s*"
)
_L2 = re.compile(r"^\s*((?:\d{2}\s*[-－]\s*)?[^:：;；,，\d\-－—/]{1,16}?)\s*[:：;；\-－—/]\s*")
_VALUE_START = re.compile(
    r"(?:≥|≤|>=|<=|＞|＜|>|<|＝|=|大于等于|小于等于|不低于|不少于|不高于|不超过|不多于|大于|小于|高于|低于|超过|少于|达到)\s*[-+]?\d"
)
_LEVEL_WORD = re.compile(r"(?:产出|效益|满意度|成本)指标\s*[:：]")
_DEFINITE = ("number", "range", "compound", "bool", "deadline")


def _split_unlabelled(head: str) -> tuple[str, str] | None:
    """`培训人次：≥800人次`, `培训人数≥100人`, `满意度，≥90%`: name and value with no 指标值 label.
    A colon always separates; a comma or a bare operator only when what follows is a definite value."""
    if "：" in head or ":" in head:
        name, value = re.split(r"[:：]", head, maxsplit=1)
        if strip_seps(name) and strip_seps(value):
            return strip_seps(name), strip_seps(value)
    m = _VALUE_START.search(head)
    if m and strip_seps(head[: m.start()]):
        return strip_seps(head[: m.start()]), strip_seps(head[m.start():])
    parts = re.split(r"[，,]", head)
    if len(parts) >= 2:
        value = strip_seps(parts[-1])
        target = parse_target(value)
        if target is not None and target.kind in _DEFINITE:
            return strip_seps(head[: head.rfind(parts[-1])]), value
    return None


def split_items(text: str) -> list[tuple[int, str]]:
    """Numbered items in order: [(seq, item text)], following 1, 2, 3… so a `2、` inside a value is not a break."""
    starts: list[tuple[int, int, int]] = []  # (seq, match start, body start)
    expected: int | None = None
    for m in _ITEM_START.finditer(text):
        seq = int(m.group(1) or m.group(2) or m.group(3))
        if expected is None:
            if text[: m.start()].strip():
                continue
            expected = seq
        if seq == expected:
            starts.append((seq, m.start(), m.end()))
            expected += 1
    items = []
    for i, (seq, _, body) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        items.append((seq, text[body:end]))
    return items


def parse_item(seq: int, body: str, loc: Loc | None = None) -> Indicator | None:
    """One running-text item → an Indicator; unparsable parts are kept raw with `problem` set."""
    text = body.strip().rstrip("。；;，, \n")
    if not text:
        return None
    labels = list(_LABEL_RE.finditer(text))
    head = text[: labels[0].start()] if labels else text
    fields: dict[str, str] = {}
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        role = _ROLE_OF[m.group(1)]
        fields.setdefault(role, strip_seps(text[m.end():end]))
    level1 = level2 = code2 = None
    m1 = _L1.match(head)
    if m1:
        level1 = canonical_level1(m1.group(2))
        head = head[m1.end():]
        m2 = _L2.match(head)
        if m2:
            name2, code = canonical_level2(m2.group(1))
            if name2:
                level2, code2 = name2, code
                head = head[m2.end():]
    name = strip_seps(head)
    problem = None
    if not labels:
        split = _split_unlabelled(head)
        if split:
            name, fields["annual"] = split
        else:
            problem = "未找到“指标值”标签，条目原文保留在名称中"
    if not name:
        name = text
        problem = problem or "未能识别指标名称"
    annual = parse_target(fields.get("annual"))
    period = parse_target(fields.get("period"))
    return Indicator(seq=seq, level1=level1, level2=level2, level2_code=code2, name=name,
                     description=fields.get("description") or None, annual=annual, period=period,
                     basis=fields.get("basis") or None, loc=loc, problem=problem)


def parse_indicator_text(text: str, loc: Loc | None = None) -> list[Indicator]:
    items = split_items(text)
    if not items:
        chunks = [c for c in re.split(r"\n+", text) if c.strip()]
        if len(chunks) == 1 and len(_LEVEL_WORD.findall(text)) >= 2:
            chunks = [c for c in re.split(r"[；;]", text) if c.strip()]  # `产出指标：…；效益指标：…`
        items = list(enumerate(chunks, start=1))
    out = []
    for seq, body in items:
        ind = parse_item(seq, body, loc)
        if ind is not None:
            out.append(ind)
    return out

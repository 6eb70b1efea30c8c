"""Glued text cut apart: a row whose name and values were printed without a break (`覆盖率100%`), several
rows run into one (`A≥5个B100%C…`), and the glued rows of a self-evaluation (a name, then one number
per column).

Separate because this is the one place that guesses where glued characters split, and it refuses to
guess where two cuts would both read: the rules that keep glued digits out unless certain stand together
here, apart from the reader that decides when a row is glued. `tokens.py` uses `_split_glued_row` too
(through `stream`, which re-exports it).
"""

from __future__ import annotations

import re
from itertools import combinations

from ..values import _OP_RE, _UNIT, parse_target
from .stream_cells import _STRONG, NUMERIC, VALUE_KIND, _number

# a strong value in glued text: an operator before it, or a percent / per-mille / word unit after it
_GLUED_VALUE = re.compile(
    rf"(?P<op>{_OP_RE})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>百分比|{_UNIT})?(?P<post>以上|以下|以内)?")


def _glued_scored_rows(text: str, cols: list[str]) -> list[tuple[str, dict[str, str]]] | None:
    """Rows of a glued self-evaluation (`安装坡面水标尺10≥266米≥266米10水标尺宽度10…`): a name, then one
    number or value per column in the header's order. None unless the whole run reads that way, every
    weight is at most 50 and no score exceeds its weight: glued digits are read only where that is certain."""
    if not cols:
        return None
    parts = [r"(?P<name>[^\d≥≤<>=]*?[\u4e00-\u9fff)）][^≥≤<>=]*?)"]
    for k, c in enumerate(cols):
        if c in NUMERIC:
            parts.append(rf"(?P<c{k}>\d{{1,2}}(?:\.\d+)?)")
        elif k + 1 < len(cols) and cols[k + 1] in VALUE_KIND and c in VALUE_KIND and f"t{k - 1}" not in "".join(parts):
            # a target and an actual side by side: numbers, or the same words twice (`显著提升显著提升`)
            num = rf"(?:{_OP_RE})?\d+(?:\.\d+)?(?:百分比|%|‰|[\u4e00-\u9fff]{{1,3}}(?=\d|≥|≤|>|<|=))?"
            parts.append(rf"(?:(?P<c{k}>{num})(?P<c{k + 1}>{num})|(?P<t{k}>[\u4e00-\u9fff]{{2,10}}?)(?P=t{k}))")
        elif k > 0 and f"(?P<c{k}>" in "".join(parts):
            continue
        else:
            parts.append(rf"(?P<c{k}>(?:{_OP_RE})?\d+(?:\.\d+)?(?:百分比|%|‰|[\u4e00-\u9fff]{{1,3}}(?=\d|≥|≤|>|<|=))?)")
    pattern = re.compile("".join(parts) + r"(?=$|[\u4e00-\u9fff(（★…])")
    out: list[tuple[str, dict[str, str]]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() != pos:
            return None
        values = {}
        for k, c in enumerate(cols):
            text_pair = m.groupdict().get(f"t{k}") or m.groupdict().get(f"t{k - 1}")
            values[c] = m.group(f"c{k}") or text_pair
        if not _scored_row_valid(values) or _fused_boundary_ambiguous(cols, values):
            return None
        out.append((m.group("name").strip(), values))
        pos = m.end()
    if not out or pos < len(text) and not re.fullmatch(r"[…．.\s]*", text[pos:]):
        return out or None if pos >= len(text) else None
    return out


_PLAIN_NUMBER = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
_LEADING = re.compile(rf"^(?:{_OP_RE})?(?:0|[1-9]\d*)(?:\.\d+)?(?:\D.*)?$")


def _scored_row_valid(values: dict[str, str | None]) -> bool:
    """Weights of 1–50, scores within their weight, no number with a leading zero."""
    for col, raw in values.items():
        if raw is None:
            continue
        if col in NUMERIC and not _PLAIN_NUMBER.match(raw):
            return False
        if col in VALUE_KIND and re.match(r"^\d", raw) and not _LEADING.match(raw):
            return False
    weight, score = _number(values.get("weight")), _number(values.get("score"))
    if weight is not None and not 1 <= weight <= 50:
        return False
    return not (weight is not None and score is not None and score > weight)


_VALUE_PIECE = re.compile(rf"^(?:{_OP_RE})?(?:0|[1-9]\d*)(?:\.\d+)?(?:百分比|%|‰|[\u4e00-\u9fff]{{1,3}})?$")


def _fused_boundary_ambiguous(cols: list[str], values: dict[str, str | None]) -> bool:
    """Columns whose digits touch (`20` + `100%` printed `20100%`) are read only if no other cut of the same
    characters into the same columns gives a valid row."""
    raws = [values.get(c) or "" for c in cols]
    if not any(a and b and a[-1].isdigit() and b[0].isdigit() for a, b in zip(raws, raws[1:], strict=False)):
        return False
    if any(r and not r[0].isdigit() and not re.match(_OP_RE, r) for r in raws):
        return False  # words between the numbers mark the cuts
    whole = "".join(raws)
    found = 0
    for cuts in combinations(range(1, len(whole)), len(cols) - 1):
        pieces = [whole[a:b] for a, b in zip((0, *cuts), (*cuts, len(whole)), strict=True)]
        ok = all((_PLAIN_NUMBER.match(x) if c in NUMERIC else _VALUE_PIECE.match(x)) for c, x in zip(cols, pieces,
                                                                                                     strict=True))
        if ok and _scored_row_valid(dict(zip(cols, pieces, strict=True))):
            found += 1
            if found > 1:
                return True
    return False


# a glued run of scored rows: a row's digits end where the next row's name begins
_DIGITS_THEN_NAME = re.compile(r"(?<=\d)(?=[\u4e00-\u9fff])")


def _glued_rows(text: str) -> list[str]:
    """Several rows glued into one run (`A≥5个B100%C…`): cut after each run of strong values (an operator
    before the number, or a percent after it) that is followed by more text."""
    cuts = []
    for m in _STRONG.finditer(text):
        end = m.end()
        nxt = text[end:end + 1]
        if nxt and re.match(r"[\u4e00-\u9fff★(（]", nxt) and not re.match(r"(?:以上|以下|以内|内)", text[end:end + 2]):
            # bare digits right after the run (a score) stay with it
            tail = re.match(r"\d+(?:\.\d+)?(?=[\u4e00-\u9fff])", text[end:])
            cuts.append(end + (tail.end() if tail and False else 0))
    pieces, pos = [], 0
    for c in cuts:
        if c - pos >= 4:
            pieces.append(text[pos:c])
            pos = c
    if pos < len(text):
        pieces.append(text[pos:])
    return [p for p in pieces if p.strip()]


def _split_glued_row(text: str) -> tuple[str, list[str]]:
    """`农村义务教育学校改造覆盖率100%` → (`农村义务教育学校改造覆盖率`, [`100%`]): the strong values at the
    end of a glued cell (an operator before them or a percent/word unit after), the rest is the name."""
    values: list[str] = []
    rest = text
    while rest:
        found = None
        for m in _GLUED_VALUE.finditer(rest):
            if m.end() == len(rest) and m.start() > 0:
                found = m
        if found is None:
            break
        strong = (bool(found.group("op")) or (found.group("unit") or "") in ("%", "‰", "百分比") or bool(values)
                  or rest[:found.start()].endswith((")", "）")))  # `总面积(亩)80000`: the unit is in the name
        if not strong and not (found.group("unit") and re.search(r"[\u4e00-\u9fff]$", rest[:found.start()]) is None):
            if not found.group("unit"):
                break
        raw = rest[found.start():]
        values.insert(0, raw.strip())
        rest = rest[:found.start()].rstrip()
        if len(values) >= 4:
            break
    if not values:
        deadline = _GLUED_DEADLINE.search(text)
        if deadline and deadline.start() >= 2 and parse_target(deadline.group(1)).kind == "deadline":
            return text[: deadline.start()], [deadline.group(1)]
    if not rest or not re.search(r"[\u4e00-\u9fffA-Za-z]", rest):
        return text, []
    return rest, values


# a date to finish by glued after a name that asks for one: `资金支付进度12月底前完成`, `项目完成时间2025年12月底`
_GLUED_DEADLINE = re.compile(
    r"(?<=时间|时限|期限|进度|日期|节点)((?:20\d{2}\s*年\s*)?(?:\d{1,2}\s*月\s*(?:底|末|份|\d{1,2}\s*日)?|年底|年内)"
    r"\s*(?:前|之前|以前)?\s*(?:完成|到位|办结)?)$")

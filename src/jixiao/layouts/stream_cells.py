"""What one cell's text is, for the stream reader: a bare number, an operator, a unit, a strong value (an
operator before the number or a percent after it) or text, and whether it may stand in a given column.

Separate because every other part of the stream reader (the header, the glued-text splitter, the row
cutter and the indicator maker) asks these questions and none of them owns the answers: the column kinds
(`VALUE_KIND`, `NUMERIC`) and the cell patterns live here once, below all of them, so nothing imports
upwards.
"""

from __future__ import annotations

import re

from ..textnorm import ascii_digits, squash
from ..values import _OP_RE, _UNIT, parse_target
from .vocab import level_of

VALUE_KIND = ("annual", "period", "half", "prior", "actual", "forecast", "grade_a", "grade_b", "grade_c", "grade_d")
NUMERIC = ("weight", "score", "points")  # points: a number column whose header is not in the text
TEXT_COLS = ("description", "basis", "deviation", "other", "valtype", "likelihood")
_BARE_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_OP_ONLY = re.compile(rf"^(?:{_OP_RE}|定性|定量|正向|反向)$")
_FILLER = re.compile(r"^(?:[.…·。、\-—_]+|\.{2,}|…+|——+)$")
_PLACEHOLDER_NULL = {"无", "无偏差", "—", "-", "/", "——", "--"}
_STRONG = re.compile(rf"(?:{_OP_RE})\s*\d+(?:\.\d+)?\s*(?:百分比|{_UNIT})?|\d+(?:\.\d+)?\s*(?:%|‰|百分比)")


def _is_unit(text: str) -> bool:
    """A unit of measure as the value grammar knows it (`%`, `人次`, `元/人`), not any short word."""
    if not text or len(text) > 8 or re.search(r"[\d，,。；;]", text):
        return False
    target = parse_target("1" + text)
    return target is not None and target.kind == "number" and target.unit == text


def _cell_kind(text: str) -> str:
    s = ascii_digits(text.strip())
    if _OP_ONLY.match(squash(s)):
        return "op"
    if _BARE_NUMBER.match(s):
        return "num"
    if _STRONG.fullmatch(s):
        return "val"
    if _is_unit(s):
        return "unit"
    return "text"


def _fits(role: str, text: str, glued: bool) -> bool:
    s = text.strip()
    if role in NUMERIC:
        return bool(_BARE_NUMBER.match(ascii_digits(s)))
    if role == "op":
        return bool(_OP_ONLY.match(squash(s)))
    if role == "unit":
        return _is_unit(s)
    if role == "valtype":
        return s in ("定量", "定性")
    if role in VALUE_KIND:
        return True
    if role in ("description", "basis"):
        return not _STRONG.fullmatch(s)
    if role == "likelihood":
        return bool(re.search(r"可能|确定|能够|无法", s)) and len(s) <= 10
    return True


def is_level_token(text: str) -> bool:
    lv = level_of(text)
    return lv[0] or lv[2]


_WRAP_SPACE = re.compile(r"(?<=[\u4e00-\u9fff，。、；：“”（）]) (?=[\u4e00-\u9fff，。、；：“”（）])")


def _unwrap(text: str) -> str:
    """A space between two Chinese characters is where a cell's text wrapped (`某市文化广电 和旅游局`)."""
    return _WRAP_SPACE.sub("", text) if " " in text else text


def _number(text: str | None) -> float | None:
    if not text:
        return None
    s = ascii_digits(text.strip())
    return float(s) if _BARE_NUMBER.match(s) else None

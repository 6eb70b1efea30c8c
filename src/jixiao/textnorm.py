"""Text normalization shared by every reader and layout (spec: "Text normalization")."""

from __future__ import annotations

import html
import re
from functools import lru_cache

_BLOCK_TAG = re.compile(r"<\s*(?:br\s*/?|/\s*(?:p|div|li|tr|h[1-6])\s*)>", re.I)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING = re.compile(r"^\s*#{1,6}\s+", re.M)
_BLANKS = re.compile(r"\n(?:[ \t\u3000\xa0]*\n)+")
_TRAIL_WS = re.compile(r"[ \t\u3000\xa0]+\n")
_WS = re.compile(r"\s+")
SEPARATORS = "，,；;。：:、"


def clean_text(value: str | None) -> str:
    """HTML tags removed, entities decoded, bookmark and heading marks removed, whitespace trimmed;
    traditional characters simplified and a broken converter's pinyin glosses removed."""
    if not value:
        return ""
    return _simplified(_clean_markup(value))


@lru_cache(maxsize=65536)
def _simplified(s: str) -> str:
    from .noise import strip_pinyin_glosses, to_simplified

    return to_simplified(strip_pinyin_glosses(s))


def clean_markup(value: str) -> str:
    """`clean_text` without the character conversion: for text already through `noise.clean_lines`."""
    return _clean_markup(value) if value else ""


def _clean_markup(value: str) -> str:
    if "\n" not in value and "\r" not in value and "<" not in value and "&" not in value \
            and "[" not in value and "#" not in value and "\xa0" not in value:
        return value.strip(" \t\u3000\ufeff")  # the common case: one plain line
    s = value.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in s:
        s = _BLOCK_TAG.sub("\n", s)
        s = _TAG.sub("", s)
        s = re.sub(r"[ \t]*\n[ \t]*", "\n", s)  # spaces between paragraph tags are layout, not text
    if "&" in s:
        s = html.unescape(s)
    if "[bookmark" in s:
        s = _BOOKMARK.sub("", s)
    if "#" in s:
        s = _HEADING.sub("", s)
    s = s.replace("\xa0", " ")
    s = _TRAIL_WS.sub("\n", s)
    s = _BLANKS.sub("\n", s)
    return s.strip(" \t\n\u3000\ufeff")


def strip_seps(value: str | None) -> str:
    """Trim whitespace and the punctuation that separates a field from what follows."""
    if not value:
        return ""
    return value.strip().strip(SEPARATORS + " \t\n\u3000").strip()



def squash(value: str) -> str:
    """Remove all whitespace: used to compare labels such as `其中：财政    资金`."""
    return _WS.sub("", value)


_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％＋－", "0123456789.,%+-")


def ascii_digits(value: str) -> str:
    return value.translate(_FULLWIDTH)


_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")


def parse_amount(value: str | None) -> float | None:
    """`3,000.00` → 3000.0; blank, `—` and anything not a plain number → None."""
    if value is None:
        return None
    s = ascii_digits(squash(value))
    for suffix in ("万元", "亿元", "元"):
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", ""))


def is_amount(value: str | None) -> bool:
    return parse_amount(value) is not None

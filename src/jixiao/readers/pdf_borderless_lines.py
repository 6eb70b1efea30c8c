"""A page's characters as lines cut into segments, and where the borderless tables stand among them.

A segment is a run of characters with no gap wider than a character: the piece of a line that one cell
holds. A table begins at a line of two or more segments and ends at a line at its left edge that runs past
its first column. Separate because this is the only part that sees the page as a whole (text paragraphs
and tables alike); columns and rows (`pdf_borderless_columns`, `pdf_borderless_tight`,
`pdf_borderless_bands`) are read inside one table's lines only.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from . import pdf_geometry as geo


@dataclass(slots=True)
class _Seg:
    chars: list[geo.Char]
    x0: float
    x1: float


@dataclass(slots=True)
class _Line:
    chars: list[geo.Char]
    top: float
    bottom: float
    segs: list[_Seg]

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return geo.text_of(self.chars)


@dataclass
class Block:
    """The lines of one table on one page."""
    lines: list[_Line]


def _segments(chars: list[geo.Char], gap: float) -> list[_Seg]:
    out: list[_Seg] = []
    for c in sorted(chars, key=lambda c: c.x0):
        if c.text.isspace():
            if out and c.x0 - out[-1].x1 < gap:
                out[-1].chars.append(c)  # a drawn space inside a cell's text is kept, but never widens it
            continue
        if out and c.x0 - out[-1].x1 < gap:
            out[-1].chars.append(c)
            out[-1].x1 = max(out[-1].x1, c.x1)
        else:
            out.append(_Seg([c], c.x0, c.x1))
    return out


def page_lines(chars: list[geo.Char]) -> tuple[list[_Line], float]:
    """The page's lines top to bottom, each cut into segments at gaps wider than a character; and the
    typical character height."""
    heights = [c.bottom - c.top for c in chars if not c.text.isspace()]
    h = median(heights) if heights else 10.0
    out = []
    for members in geo._line_groups(chars):
        segs = _segments(members, max(0.8 * h, 4.0))
        if segs:
            out.append(_Line(members, min(c.top for c in members), max(c.bottom for c in members), segs))
    return out, h


def _fits_first_column(ln: _Line, left: float, first_bound: float | None, h: float) -> bool:
    return len(ln.segs) == 1 and ln.x0 <= left + h and (first_bound is None or ln.x1 < first_bound)


def blocks(lines: list[_Line], h: float, open_bound: float | None = None,
           open_left: float | None = None) -> list[tuple[str, object]]:
    """The page as ('text', line) and ('table', Block) in order. A table begins at a line of two or more
    segments (or, on a page continuing a table, at the top); a line at the table's left edge whose text
    runs past the first column ends it."""
    out: list[tuple[str, object]] = []
    cur: list[_Line] | None = None
    left = open_left
    first_bound = open_bound
    if open_left is not None and lines:
        cur = []
    for ln in lines:
        if cur is not None:
            if len(ln.segs) > 1:
                if first_bound is None or abs(ln.x0 - left) <= h:
                    second = ln.segs[1].x0
                    first_bound = second if first_bound is None else min(first_bound, second)
                cur.append(ln)
                continue
            if ln.x0 > left + h or _fits_first_column(ln, left, first_bound, h):
                cur.append(ln)
                continue
            if cur:
                out.append(("table", Block(cur)))
            cur = None
        if len(ln.segs) > 1:
            cur = [ln]
            left = ln.x0
            first_bound = ln.segs[1].x0
            # a line closer above than lines of text are set is a cell of the table's first row, set higher
            # than its neighbours (a centred header)
            while out and out[-1][0] == "text" and cur[0].top - out[-1][1].top < 0.9 * h \
                    and out[-1][1].x1 < first_bound:
                cur.insert(0, out.pop()[1])
            # lines set closer than lines of text, side by side, just above: the table's first row, its
            # cells centred at different heights (a paragraph's lines are never that close)
            k = len(out)
            while k > 0 and out[k - 1][0] == "text" and (
                    (k == len(out) and cur[0].top - out[k - 1][1].top <= 4 * h)
                    or (k < len(out) and out[k][1].top - out[k - 1][1].top < 0.9 * h)):
                k -= 1
            run = [o[1] for o in out[k:]]
            if len(run) >= 2 and all(b.top - a.top < 0.9 * h for a, b in zip(run, run[1:], strict=False)) \
                    and max(r.x0 for r in run) - min(r.x0 for r in run) > h:
                cur[:0] = run
                del out[k:]
        else:
            out.append(("text", ln))
    if cur:
        out.append(("table", Block(cur)))
    return out

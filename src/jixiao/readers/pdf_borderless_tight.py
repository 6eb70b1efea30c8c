"""Rows of a borderless table printed tight (no padding between rows): for each line, whether it begins a
row, and whether that is unsure.

A line begins a row when a column gets text it did not have on the line above, or when two or more cells
above were done; it continues the cells above when the layout broke their lines (its first word would not
have fitted at their end), which needs where each column wraps (`wrap_edges`) and how wide a line's first
unbreakable run is (the line-breaking rules of CJK text). Separate because this reading of rows stands on
line breaking alone, while a padded table's rows come from vertical gaps (`pdf_borderless_bands`).
"""

from __future__ import annotations

import re
from statistics import median

from .pdf_borderless_columns import _first_col
from .pdf_borderless_lines import _Line


def _ends(ln: _Line, bounds: list[float], spanners: set[int], spanning: bool = False) -> dict[int, float]:
    """Where the line's text ends in each column it begins in (cells spanning columns left out, or with
    `spanning`, only they)."""
    out: dict[int, float] = {}
    for s in ln.segs:
        if (id(s) in spanners) == spanning:
            k = _first_col(s, bounds)
            out[k] = max(out.get(k, 0.0), s.x1)
    return out


def _firsts(ln: _Line, bounds: list[float]) -> set[int]:
    return {_first_col(s, bounds) for s in ln.segs}


def span_edges(lines: list[_Line], bounds: list[float], spanners: set[int], h: float) -> dict[int, float]:
    """Where a cell spanning columns from column k breaks its lines: as far as two or more of them reach."""
    all_ends: dict[int, list[float]] = {}
    for ln in lines:
        for k, x in _ends(ln, bounds, spanners, spanning=True).items():
            all_ends.setdefault(k, []).append(x)
    return {k: max(xs) for k, xs in all_ends.items() if sum(1 for e in xs if e >= max(xs) - 1.5 * h) >= 2}


def wrap_edges(lines: list[_Line], bounds: list[float], spanners: set[int], h: float) -> dict[int, float]:
    """Where a wrapped line breaks in each column: how far text runs in it over the whole table. A column
    whose text stops well short of the next column (the last: a narrow one), or where only one line
    reaches that far, shows no wrapping; it gets no edge."""
    all_ends: dict[int, list[float]] = {}
    starts: dict[int, float] = {}
    for ln in lines:
        for k, x in _ends(ln, bounds, spanners).items():
            all_ends.setdefault(k, []).append(x)
        for s in ln.segs:
            k = _first_col(s, bounds)
            starts[k] = min(starts.get(k, s.x0), s.x0)
    last = len(bounds)  # the last column has no neighbour to run into: it wraps when it is wide
    out = {}
    for k, xs in all_ends.items():
        x = max(xs)
        if sum(1 for e in xs if e >= x - 1.5 * h) < 2:
            continue  # one line reaching that far is the longest text, not a line the column broke
        if (k < last and starts.get(k + 1, x) - x <= 3 * h) or (k == last and x - starts[k] >= 8 * h):
            out[k] = x
    return out


def row_starts(lines: list[_Line], bounds: list[float], spanners: set[int], h: float,
               edges: dict[int, float], padded_before: bool | None = None,
               ended_rows: set[int] | None = None, tight: bool = False) -> tuple[list[bool], list[bool], bool]:
    """For each line: does it begin a row, and is that decision unsure; and whether the table pads its
    rows (`padded_before`: what the table's earlier pages showed of that).

    A row begins where a column gets text it did not have on the line above (cells are top-aligned,
    so all of a row's cells begin on its first line) or below a gap wider than wrapped lines are set
    apart. A table printed without padding between rows shows no such gap; there a line continues the
    cells above when the layout broke their lines (the first word of this line would not have fitted on
    the line above), and begins a row when two or more cells above ended short (their text was done)
    and each gets new text. A single cell going on after a line it ended itself holds a line break when
    it begins a list item or another cell of the row wraps. Anything else is kept with the row above and
    marked unsure."""
    line_h = median([ln.bottom - ln.top for ln in lines]) if lines else h
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)]
    inner = min(pitches) if pitches else 0.0
    if not pitches or inner > 1.7 * line_h:
        inner = 1.3 * line_h  # no wrapped line on the page: the usual line spacing
    span_edges_ = span_edges(lines, bounds, spanners, h)
    padded = not tight and (any(p > inner + 0.5 * line_h for p in pitches) or bool(padded_before))
    starts: list[bool] = [True]
    unsure: list[bool] = [False]
    strong = ended_rows if ended_rows is not None else set()
    for i in range(1, len(lines)):
        ln, above = lines[i], lines[i - 1]
        begins = bool(_firsts(ln, bounds) - _firsts(above, bounds))
        if padded:
            gapped = ln.top - above.top > inner + 0.5 * line_h
            starts.append(gapped)
            # a cell beginning with no padding above it in a padded table: a cell set lower in its row
            # (vertically centred), kept in the row above and marked
            unsure.append(begins and not gapped)
            continue
        if begins:
            starts.append(True)
            unsure.append(False)
            continue
        plain_above = _ends(above, bounds, spanners)
        span_above = _ends(above, bounds, spanners, spanning=True)
        wrapped: list[int] = []
        ended: list[int] = []
        open_: list[int] = []
        for k in _firsts(ln, bounds):
            x = plain_above.get(k, span_above.get(k))
            if x is None:
                continue
            edge = (span_edges_ if k in span_above and k not in plain_above else edges).get(k)
            if edge is None:
                ended.append(k)  # a column (or spanning cell) that never wraps: new text is a new cell
                continue
            # the line above was broken by the layout when the first word of this line would not have
            # fitted at its end
            reach = x + _lead_width(ln, k, bounds)
            (wrapped if reach >= edge - 0.5 * h else ended if reach < edge - 2 * h else open_).append(k)
        if len(ended) >= 2:
            # cells above that were done, each getting new text: a new row. A cell that seems to wrap
            # beside them, or one the width leaves open, makes it unsure, unless the done cells are at
            # least twice as many (a line break in each of them at once is not how cells are written)
            starts.append(True)
            unsure.append(len(ended) < 2 * len(wrapped + open_))
            if not (wrapped or open_):
                strong.add(i)
        elif open_ or not (wrapped or ended):
            starts.append(False)
            unsure.append(bool(open_))
        elif wrapped:
            starts.append(False)  # a cell that wrapped holds the line in its row
            unsure.append(False)
        else:
            # one cell going on after a line it ended itself: a list item inside the cell, or a new row
            # holding only this cell
            item = bool(_LIST_ITEM.match(_text_in(ln, ended[0], bounds)))
            starts.append(False)
            unsure.append(not item)
    return starts, unsure, padded


def _ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _lead_width(ln: _Line, k: int, bounds: list[float]) -> float:
    """The width of what must begin a line in column k: its characters up to the first place a line may
    break (before or after an ideograph; never before closing punctuation, after opening punctuation, or
    inside a run of letters, digits, signs and punctuation like `值:≥98%；` or `收。3、`, which the
    printers we measured keep whole)."""
    chars = sorted((c for s in ln.segs if _first_col(s, bounds) == k for c in s.chars), key=lambda c: c.x0)
    chars = [c for c in chars if not c.text.isspace()]
    if not chars:
        return 0.0
    end = chars[0].x1
    for a, b in zip(chars, chars[1:], strict=False):
        if _may_break(a.text, b.text) or b.x0 - a.x1 > 1.0:
            break
        end = b.x1
    return end - chars[0].x0


def _may_break(a: str, b: str) -> bool:
    if b in _NO_LINE_START:
        return False
    if a in _NO_LINE_END:
        return False
    return _ideograph(a) or _ideograph(b)


_NO_LINE_END = set("（《「『【〔“‘([")
_NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)%")


_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+、|[•●·\-—])")


def _text_in(ln: _Line, k: int, bounds: list[float]) -> str:
    return "".join(c.text for s in ln.segs if _first_col(s, bounds) == k for c in s.chars)

"""Tables drawn without ruling lines, read from where the characters stand.

A borderless table has no grid to cut cells from, and a cell whose text wraps puts its lines below the row's
first line, beside the lines of its row's other cells. We rebuild the grid from the text itself:

- columns are the gaps of the x-projection of the character boxes over all the table's lines, on all its
  pages, found without the cells that span several columns (a goal written across the row), so such a
  cell does not hide the columns it covers;
- in a table whose rows are padded apart, a column's lines no further apart than wrapped lines are one
  cell, and cells whose heights overlap are one row: that holds however a cell is set in its row (top,
  centre, bottom);
- in a table printed tight, a line begins a row when a column gets text it did not have on the line above
  (a cell begins) or when two or more cells above were done (they ended short, and each gets new text);
  it continues the cells above when the layout broke their lines (its first word would not have fitted
  on the line above).

Where the geometry leaves a line's row open, the text is kept in the row above and the row gets a problem
(`UNSURE_ROW`), never a silent guess. A page break ends a row, as a ruling line would: the layouts rejoin a
row the break cut, as for a ruled table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from ..textnorm import clean_text
from . import pdf_geometry as geo
from .sheet import Cell, Row

BIN = 1.0  # points per slot of the x-projection
UNSURE_ROW = "无框线表格：此行的续行归属无法从版面确定（行间无留白），已并入上一行，请核对原件"
UNSURE_MERGE = "无框线表格：居中的合并单元格是否也覆盖此行无法从版面确定，请核对原件"


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


# --- columns ----------------------------------------------------------------------------------------------

def _coverage(segs: list[_Seg], lo: float, n: int) -> list[int]:
    """How many segments have text over each slot (a slot two glyphs touch counts once)."""
    cov = [0] * n
    for s in segs:
        covered: set[int] = set()
        for c in s.chars:
            if not c.text.isspace():
                covered.update(range(max(int((c.x0 - lo) / BIN), 0), min(int((c.x1 - lo) / BIN) + 1, n)))
        for k in covered:
            cov[k] += 1
    return cov


def _gaps(cov: list[int], lo: float, min_gap: float, a: int = 0, b: int | None = None) -> list[tuple[float, float]]:
    """Runs of empty slots at least min_gap wide, strictly between covered slots."""
    b = len(cov) if b is None else b
    out = []
    start = None
    seen = False
    for k in range(a, b):
        if cov[k] == 0:
            if start is None:
                start = k
        else:
            if start is not None and seen and (k - start) * BIN >= min_gap:
                out.append((lo + start * BIN, lo + k * BIN))
            start = None
            seen = True
    return out


def columns(lines: list[_Line], h: float) -> tuple[list[float], set[int]]:
    """Column bounds (x where columns 2.. begin) and the segments that span columns.

    A segment spans columns when the shorter segments show a gap inside its range with text on both
    sides: cells are left-aligned in their column, so the shorter lines of its own column cover it from
    the column's start without a hole, and only another column's text leaves one. Segments are taken
    shortest first, so two cells spanning the same gap do not hide it from each other."""
    segs = [s for ln in lines for s in ln.segs]
    lo = min(s.x0 for s in segs) - 2
    hi = max(s.x1 for s in segs) + 2
    n = int((hi - lo) / BIN) + 1
    min_gap = max(0.8 * h, 4.0)
    spanners: set[int] = set()
    starts = sorted(s.x0 for s in segs)
    shorter = [0] * n
    pending: list[_Seg] = []
    width = None
    for s in sorted(segs, key=lambda s: s.x1 - s.x0):
        if width is not None and s.x1 - s.x0 > width + 0.5:
            _add(shorter, pending, lo)  # segments of the same width do not judge each other
            pending = []
        width = s.x1 - s.x0
        a, b = int((s.x0 - lo) / BIN), int((s.x1 - lo) / BIN) + 1
        if s.x1 - s.x0 >= 4 * min_gap and _column_gaps(shorter, lo, min_gap, starts, a, b):
            spanners.add(id(s))
        else:
            pending.append(s)  # a spanning cell hides no gap from the longer ones
    rest = [s for s in segs if id(s) not in spanners]
    cov = _coverage(rest, lo, n)
    bounds = [(g0 + g1) / 2 for g0, g1 in _column_gaps(cov, lo, min_gap, sorted(s.x0 for s in rest))]
    return bounds, spanners


def _column_gaps(cov: list[int], lo: float, min_gap: float, starts: list[float], a: int = 0,
                 b: int | None = None) -> list[tuple[float, float]]:
    """Empty runs wide enough to part columns; a narrower one (a cell ran a little past its column
    without reaching the next) where three or more cells begin right after it."""
    import bisect

    out = []
    for g in _gaps(cov, lo, min(2.0, min_gap), a, b):
        near = bisect.bisect_right(starts, g[1] + 1.5) - bisect.bisect_left(starts, g[1] - 1.5)
        if g[1] - g[0] >= min_gap or near >= 3:
            out.append(g)
    return out


def _add(cov: list[int], segs: list[_Seg], lo: float) -> None:
    for k, c in enumerate(_coverage(segs, lo, len(cov))):
        cov[k] += c


def _col(x: float, bounds: list[float]) -> int:
    k = 0
    while k < len(bounds) and x >= bounds[k]:
        k += 1
    return k


# --- table regions ----------------------------------------------------------------------------------------

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


# --- rows -------------------------------------------------------------------------------------------------

def _first_col(s: _Seg, bounds: list[float]) -> int:
    return _col(s.chars[0].x0 + 0.5 * (s.chars[0].x1 - s.chars[0].x0), bounds)


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


def _repeated_header(table: _Table, block: Block, starts: list[bool]) -> int:
    """How many lines at the top of a continued page repeat the table's header row (0 if none)."""
    first = table.pieces[0][1]
    if block is first:
        table.header_lines = []
        for k, ln in enumerate(first.lines):
            if k and starts[k]:
                break
            table.header_lines.append(ln.text)
        return 0
    n = len(table.header_lines)
    if n and n < len(block.lines) and [ln.text for ln in block.lines[:n]] == table.header_lines:
        return n
    return 0


def _spacing(lines: list[_Line], bounds: list[float], spanners: set[int], h: float) -> tuple[float, float, bool]:
    """The distance of wrapped lines within a cell (the smallest between two lines of text in one column),
    the line height, and whether rows are padded apart (some line stands further below the one above)."""
    line_h = median([ln.bottom - ln.top for ln in lines]) if lines else h
    tops: dict[int, set[float]] = {}
    for ln in lines:
        for s in ln.segs:
            tops.setdefault(_first_col(s, bounds), set()).add(round(min(c.top for c in s.chars), 1))
    inner_pitches = [b - a for ts in tops.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)
                     if b - a > 0.5 * line_h]
    inner = min(inner_pitches) if inner_pitches else 0.0
    if not inner_pitches or inner > 1.7 * line_h:
        inner = 1.3 * line_h  # no wrapped line: the usual line spacing
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)]
    return inner, line_h, any(p > inner + 0.5 * line_h for p in pitches)


def _bands(lines: list[_Line], bounds: list[float], spanners: set[int], inner: float,
           line_h: float, breaks: set[int] = frozenset(), header: bool = False
           ) -> list[tuple[list[_Seg], str | None, dict]]:
    """Rows of a table whose rows are padded apart: in each column, lines no further apart than wrapped
    lines are one cell; cells whose heights overlap share a row. However a cell is set in its row (top,
    centre, bottom), it lies within the row's height, and rows do not overlap."""
    by_col: dict[int, list[tuple[int, _Seg]]] = {}
    for i, ln in enumerate(lines):
        for s in ln.segs:
            by_col.setdefault(_first_col(s, bounds), []).append((i, s))
    cells: list[tuple[float, float, list[_Seg]]] = []
    for col in by_col.values():
        col.sort(key=lambda t: min(c.top for c in t[1].chars))
        cur: list[_Seg] = []
        for i, s in col:
            top = min(c.top for c in s.chars)
            if cur and (i in breaks or top - min(c.top for c in cur[-1].chars) > inner + 0.5 * line_h):
                cells.append(_extent(cur))
                cur = []
            cur.append(s)
        if cur:
            cells.append(_extent(cur))
    cells.sort(key=lambda c: c[0])
    rows: list[list] = []
    for top, bottom, segs in cells:
        cell = (top, bottom, _first_col(segs[0], bounds), segs)
        if rows and top < rows[-1][1] - 0.25 * line_h:
            rows[-1][1] = max(rows[-1][1], bottom)
            rows[-1][2].append(cell)
        else:
            rows.append([top, bottom, [cell]])
    if _alignment(rows, line_h) == "centre":
        return _centred_merges(rows, len(bounds) + 1, line_h, header)
    return [([s for c in cs for s in c[3]], None, {}) for _, _, cs in rows]


def _alignment(rows: list[list], line_h: float) -> str:
    """How cells sit in their rows, from the rows holding a cell shorter than their tallest: 'top' (the
    usual, and what is assumed without evidence) or 'centre'."""
    votes = {"top": 0, "centre": 0, "other": 0}
    for top, bottom, cells in rows:
        tallest = max(c[1] - c[0] for c in cells)
        for c in cells:
            if c[1] - c[0] < tallest - line_h:
                above, below = c[0] - top, bottom - c[1]
                if above < 0.5 * line_h and below > line_h:
                    votes["top"] += 1
                elif abs(above - below) < 0.6 * line_h:
                    votes["centre"] += 1
                else:
                    votes["other"] += 1
    total = sum(votes.values())
    return "centre" if votes["centre"] >= 3 and 3 * votes["centre"] >= 2 * total else "top"


def _centred_merges(rows: list[list], ncols: int, line_h: float,
                    header: bool = False) -> list[tuple[list[_Seg], str | None, dict]]:
    """In a table whose cells are centred in their rows, a cell merged over several rows prints its text
    once, in the middle of the rows it covers, and the rows above it show nothing in its column. Each
    such text is given to every row it covers (as a ruled table's reader repeats a merged cell): the rows
    are those, from the first row its column leaves free, whose middle is the text's middle. A text set
    between two rows (no row of its own) must be such a cell; a text centred both in its own row and in
    a larger range of free rows is kept in its row, and the free rows it may cover are marked unsure.
    `header`: the first row is the table's header (first printed, or repeated on this page); a row
    printed like it further down is a header too."""
    header_key = _row_key(rows[0][2]) if header else None
    orphan = [0 < i < len(rows) - 1 and all(
        not any(c[2] == cell[2] for c in rows[i - 1][2]) and not any(c[2] == cell[2] for c in rows[i + 1][2])
        for cell in rows[i][2]) for i in range(len(rows))]
    kept = [i for i in range(len(rows)) if not orphan[i]]
    fills: dict[int, dict[int, tuple[list[_Seg], bool]]] = {i: {} for i in kept}  # row → col → (segs, vspan)
    doubt: set[int] = set()
    dropped: set[int] = set()
    for col in range(ncols):
        free = 0  # position in `kept` of the first row the column has not given to a cell yet
        labels = [(i, c) for i in range(len(rows)) for c in rows[i][2] if c[2] == col]
        for i, cell in labels:
            mid = (cell[0] + cell[1]) / 2
            own = None if orphan[i] else kept.index(i)
            last = own if own is not None else sum(1 for k in kept if k < i) - 1  # the row just above
            ranges = []
            for s in range(free, (last if own is None else own) + 1):
                end_y = 2 * mid - rows[kept[s]][0]
                for e in range(max(s, last + (own is None)), len(kept)):
                    if abs(rows[kept[e]][1] - end_y) <= 0.6 * line_h:
                        others = [k for k in kept[s:e + 1] if k != i and any(c[2] == col for c in rows[k][2])]
                        if not others:
                            ranges.append((s, e))
                        break
            is_header = (header and i == 0) or _row_key(rows[i][2]) == header_key
            bigger = [] if is_header else [r for r in ranges if r != (own, own)]  # a header merges no row
            if own is not None and (own, own) in ranges:
                if bigger:  # the free rows it may also cover
                    doubt.update(kept[k] for k in range(bigger[0][0], bigger[0][1] + 1) if kept[k] != i)
                free = own + 1
                continue
            if len(bigger) >= 1:
                s, e = bigger[0]
                for k in range(s, e + 1):
                    fills[kept[k]][col] = (cell[3], k != s)
                if own is not None:
                    rows[i][2] = [c for c in rows[i][2] if c is not cell]
                else:
                    dropped.add(i)
                free = e + 1
            else:
                # no middle fits: a cell at the top of its own row (a row the page break cut is set from
                # its top) stays there; anything else is marked
                if own is None or cell[0] - rows[i][0] > 0.5 * line_h:
                    doubt.add(i if own is not None else kept[max(last, 0)])
                free = (own + 1) if own is not None else free
    out = []
    for i, (_, _, cells) in enumerate(rows):
        if orphan[i] and i in dropped and not [c for c in cells if not _moved(c, fills)]:
            continue
        segs = [s for c in cells if not _moved(c, fills) for s in c[3]]
        out.append((segs, UNSURE_MERGE if i in doubt else None, fills.get(i, {})))
    return out


def _row_key(cells: list) -> tuple:
    return tuple(sorted((c[2], "".join(ch.text for s in c[3] for ch in s.chars)) for c in cells))


def _moved(cell, fills) -> bool:
    return any(v[0] is cell[3] for f in fills.values() for v in f.values())


def _extent(segs: list[_Seg]) -> tuple[float, float, list[_Seg]]:
    return (min(c.top for s in segs for c in s.chars), max(c.bottom for s in segs for c in s.chars), segs)


def _cells(segs: list[_Seg], bounds: list[float], spanners: set[int], fills: dict | None = None) -> list[Cell]:
    """The row's cells; `fills` gives a column the text of a cell merged over this row from another
    (col → (segments, whether the merge began in a row above))."""
    ncols = len(bounds) + 1
    chars: list[list[geo.Char]] = [[] for _ in range(ncols)]
    span_to: list[int] = list(range(ncols))
    vspan: set[int] = set()
    for col, (merged, below) in (fills or {}).items():
        chars[col].extend(c for s in merged for c in s.chars)
        if below:
            vspan.add(col)
    for s in segs:
        a = _first_col(s, bounds)
        chars[a].extend(s.chars)
        if id(s) in spanners:
            span_to[a] = max(span_to[a], _col(s.x1 - 0.5, bounds))
    from .pdf import unwrap

    cells: list[Cell] = []
    covered_by: dict[int, int] = {}
    for a in range(ncols):
        for k in range(a + 1, span_to[a] + 1):
            if not chars[k]:
                covered_by.setdefault(k, a)
    texts = [clean_text(unwrap(geo.text_of(cs))) if cs else "" for cs in chars]
    boxes = [(min(c.x0 for c in cs), min(c.top for c in cs), max(c.x1 for c in cs), max(c.bottom for c in cs))
             if cs else None for cs in chars]
    for k in range(ncols):
        if k in covered_by:
            a = covered_by[k]
            cells.append(Cell(texts[a], k + 1, hspan=True, bbox=boxes[a]))
        else:
            cells.append(Cell(texts[k], k + 1, vspan=k in vspan, bbox=boxes[k]))
    return cells


_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d{1,4})\s*$")


@dataclass
class _Table:
    """One table: its pieces, one per page it runs over, and the columns read from all of them."""
    no: int
    pieces: list[tuple[int, Block]] = field(default_factory=list)  # (page, block)
    h: float = 10.0
    left: float = 0.0
    first_bound: float | None = None
    header_lines: list[str] = field(default_factory=list)  # the lines of its first row, as first printed


class BorderlessReader:
    """Pages in order → Rows. A table that reaches the bottom of a page goes on at the top of the next;
    its columns are read from all its pages at once, and a page break ends a row as a ruling line would
    (the layouts rejoin a row the break cut, as for a ruled table)."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, object]] = []  # (page, 'text', [lines], width) | (page, 'table', _Table)
        self.tables: list[_Table] = []
        self.seen_margins: set[str] = set()
        self.open: _Table | None = None

    def add_page(self, page_no: int, chars: list[geo.Char], width: float, height: float) -> None:
        from .pdf import _running_header

        lines, h = page_lines(chars)
        kept = []
        for i, ln in enumerate(lines):
            line = geo.Line(ln.text, ln.x0, ln.top, ln.x1, ln.bottom)
            # a running header or footer is one piece of text on its own line; a line of several, or one
            # set between the lines of a table (a centred header's cell), is a table's
            interleaved = any(abs(o.top - ln.top) < 0.9 * h for o in lines[max(0, i - 1):i + 2] if o is not ln)
            # a page number stands alone in the page's top or bottom margin; a number elsewhere is a
            # cell's wrapped line (the last digit of a code)
            margin = ln.bottom < 0.1 * height or ln.top > 0.9 * height
            if (margin and _PAGE_NUMBER.match(line.text)) or (
                    len(ln.segs) == 1 and not interleaved and _running_header(line, height, self.seen_margins)):
                continue
            kept.append(ln)
        opened, self.open = self.open, None
        items = blocks(kept, h, opened.first_bound if opened else None, opened.left if opened else None)
        for k, (kind, obj) in enumerate(items):
            if kind == "text":
                if self.items and self.items[-1][0] == page_no and self.items[-1][1] == "text":
                    self.items[-1][2].append(obj)
                else:
                    self.items.append((page_no, "text", [obj], width))
                continue
            if k == 0 and opened is not None:
                table = opened
            else:
                table = _Table(len(self.tables) + 1, h=h, left=min(ln.x0 for ln in obj.lines))
                multi = [ln for ln in obj.lines if len(ln.segs) > 1 and abs(ln.x0 - table.left) <= h]
                table.first_bound = min((ln.segs[1].x0 for ln in multi), default=None)
                self.tables.append(table)
                self.items.append((page_no, "table", table))
            table.pieces.append((page_no, obj))
            if obj.lines[-1].bottom > 0.8 * height and k == len(items) - 1:
                self.open = table

    def rows(self) -> tuple[list[Row], dict[tuple[int, int, int], str]]:
        """The rows of every page in order, and the rows whose lines the geometry left unsure."""
        from .pdf import _paragraphs

        out: list[Row] = []
        problems: dict[tuple[int, int, int], str] = {}
        for item in self.items:
            if item[1] == "text":
                page_no, _, lines, width = item
                geo_lines = [geo.Line(t.text, t.x0, t.top, t.x1, t.bottom) for t in lines]
                for text, box in _paragraphs(geo_lines, width):
                    out.append(Row([Cell(clean_text(text), 1, bbox=box)], page=page_no))
                continue
            self._table_rows(item[2], out, problems)
        return out, problems

    def _table_rows(self, table: _Table, out: list[Row], problems: dict) -> None:
        all_lines = [ln for _, b in table.pieces for ln in b.lines]
        bounds, spanners = columns(all_lines, table.h)
        edges = wrap_edges(all_lines, bounds, spanners, table.h)
        padded: bool | None = None
        row_no = 0
        for page_no, block in table.pieces:
            inner, line_h, _ = _spacing(block.lines, bounds, spanners, table.h)
            # read as printed tight first: lines where two or more cells above were done begin a row
            # however the table is set, and tell whether the table pads its rows (those lines then
            # stand below a gap) or a gap is only a blank line somewhere in a tight table
            done: set[int] = set()
            starts, unsure, _ = row_starts(block.lines, bounds, spanners, table.h, edges, False, done, tight=True)
            gapped = {i for i in range(1, len(block.lines))
                      if block.lines[i].top - block.lines[i - 1].top > inner + 0.5 * line_h}
            if done:
                padded = 2 * len(done & gapped) >= len(done)
            elif padded is None and gapped:
                padded = True  # a page without such lines keeps what the table's earlier pages showed
            header = _repeated_header(table, block, starts)
            if padded:
                first = block is table.pieces[0][1] or bool(header)
                groups = _bands(block.lines, bounds, spanners, inner, line_h, done, first)
            else:
                if header:
                    # the header printed again on this page: its own row, and the next line begins one
                    starts[:header + 1] = [True] + [False] * (header - 1) + [True]
                    unsure[:header + 1] = [False] * (header + 1)
                groups = []
                for ln, start, doubt in zip(block.lines, starts, unsure, strict=True):
                    if start or not groups:
                        groups.append((list(ln.segs), UNSURE_ROW if doubt else None, {}))
                    elif doubt:
                        groups[-1] = (groups[-1][0] + ln.segs, UNSURE_ROW, {})
                    else:
                        groups[-1] = (groups[-1][0] + ln.segs, groups[-1][1], {})
            for segs, doubt, fills in groups:
                row_no += 1
                out.append(Row(_cells(segs, bounds, spanners, fills), table=table.no, row=row_no, page=page_no))
                if doubt:
                    problems[(page_no, table.no, row_no)] = doubt

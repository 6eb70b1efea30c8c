"""Rows of a borderless table whose rows are padded apart: in each column, lines no further apart than
wrapped lines are one cell, and cells whose heights overlap are one row; in a table whose cells are centred
in their rows, a cell merged over several rows is given to every row it covers (`UNSURE_MERGE` where that
is open).

Separate because this reading stands on vertical spacing and cell alignment, not on line breaking
(`pdf_borderless_tight`); `_spacing` measures the spacing both readings are chosen by.
"""

from __future__ import annotations

from statistics import median

from .pdf_borderless_columns import _first_col
from .pdf_borderless_lines import _Line, _Seg

UNSURE_MERGE = "无框线表格：居中的合并单元格是否也覆盖此行无法从版面确定，请核对原件"


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

"""A borderless table's columns: the gaps of the x-projection of its character boxes over all its lines,
found without the segments that span several columns (a goal written across the row), and which column
a segment or an x stands in.

Separate because the columns are read once per table, from all its pages at once, and both ways of cutting
rows (`pdf_borderless_tight`, `pdf_borderless_bands`) and the cell builder only ask which column a
segment begins in.
"""

from __future__ import annotations

from .pdf_borderless_lines import _Line, _Seg

BIN = 1.0  # points per slot of the x-projection


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


def _first_col(s: _Seg, bounds: list[float]) -> int:
    return _col(s.chars[0].x0 + 0.5 * (s.chars[0].x1 - s.chars[0].x0), bounds)

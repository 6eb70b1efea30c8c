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

This module holds the reader (pages in order, tables continued over pages, rows and cells out) and the
cell builder; its parts have modules of their own: `pdf_borderless_lines` (lines, segments, table
regions), `pdf_borderless_columns` (columns), `pdf_borderless_tight` (rows of a table printed tight) and
`pdf_borderless_bands` (rows of a padded table, merged cells of a centred one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..textnorm import clean_text
from . import pdf_geometry as geo
from .pdf_borderless_bands import UNSURE_MERGE, _bands, _spacing
from .pdf_borderless_columns import _col, _first_col, columns
from .pdf_borderless_lines import Block, _Seg, blocks, page_lines
from .pdf_borderless_tight import row_starts, wrap_edges
from .sheet import Cell, Row

UNSURE_ROW = "无框线表格：此行的续行归属无法从版面确定（行间无留白），已并入上一行，请核对原件"


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


__all__ = ["BorderlessReader", "UNSURE_MERGE", "UNSURE_ROW"]

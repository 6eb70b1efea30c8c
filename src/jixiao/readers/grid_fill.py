"""Turn a table with spans into full rows: every covered slot repeats its origin's text and is marked."""

from __future__ import annotations

from dataclasses import dataclass

from .sheet import Cell, Row


@dataclass(slots=True)
class SpanCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    bbox: tuple[float, float, float, float] | None = None


def expand_spans(rows: list[list[SpanCell]], table: int, page: int | None = None,
                 max_cells: int = 2_000_000) -> list[Row]:
    """HTML-style rows (each cell with rowspan/colspan) → Rows of equal slots, merges resolved."""
    grid: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, cells in enumerate(rows):
        c = 0
        for cell in cells:
            while (r, c) in grid:
                c += 1
            rs = max(1, min(cell.rowspan, len(rows) - r))
            cs = max(1, min(cell.colspan, 200))
            for dr in range(rs):
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = Cell(cell.text, c + dc + 1, hspan=dc > 0, vspan=dr > 0, bbox=cell.bbox)
            if len(grid) > max_cells:
                from ..errors import ReadError

                raise ReadError("表格过大（单元格数超过上限）")
            c += cs
        width = max(width, c)
    out = []
    for r in range(len(rows)):
        cells = [grid.get((r, c)) or Cell("", c + 1) for c in range(width)]
        while cells and not cells[-1].text and len(cells) > 1 and (r, len(cells) - 1) not in grid:
            cells.pop()
        out.append(Row(cells, table=table, row=r + 1, page=page))
    return out

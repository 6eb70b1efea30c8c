"""The published tables as XLSX (openpyxl): one sheet per table, the cell grid of `standard_layout` with
merged cells, borders, column widths, the indicator header repeated on every printed page and A4
landscape fitted to the page width. Borders, merges and print setup come from the execution templates'
writer (`templates._Grid`, `_page_setup`), so the two kinds of XLSX look alike."""

from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment, Font

from ..errors import JixiaoError
from .standard_layout import StandardTable
from .templates import _Grid, _page_setup, _sheet_name, _widths


def write_xlsx_tables(tables: list[StandardTable], path: Path) -> int:
    """Write the tables, one sheet each; returns the number of sheets."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for t in tables:
        ws = wb.create_sheet(_sheet_name(t.name, used))
        render(ws, t)
    try:
        wb.save(path)
    except OSError as exc:
        raise JixiaoError(f"无法写入：{exc.strerror or exc}", str(path)) from exc
    return len(tables)


def row_heights(t: StandardTable) -> dict[int, float]:
    """Each row's height in points, so wrapped text shows whole (Excel does not grow a row for a merged
    cell): the lines a cell's text takes at its merged width, a CJK character counted two width units."""
    import math

    heights = dict(t.tall)
    for c in t.cells:
        if not isinstance(c.value, str) or c.style in ("title", "sub", "note"):
            continue
        width = sum(t.widths[c.col - 1:c.last_col]) or 10
        lines = max(1, sum(max(1, math.ceil(sum(2 if ord(ch) > 0x2E80 else 1 for ch in part) / max(4.0, width - 1)))
                           for part in c.value.split("\n")))
        rows = c.last_row - c.row + 1
        need = min(400.0, 15.0 * lines / rows + 3)
        for r in range(c.row, c.last_row + 1):
            heights[r] = max(heights.get(r, 15.0), need)
    return heights


def render(ws, t: StandardTable) -> None:
    g = _Grid(ws, t.width)
    for c in t.cells:
        if c.style in ("title", "sub", "note"):
            if c.last_col != c.col:
                ws.merge_cells(start_row=c.row, start_column=c.col, end_row=c.row, end_column=c.last_col)
            cell = ws.cell(row=c.row, column=c.col, value=c.value)
            cell.font = Font(bold=True, size=16) if c.style == "title" else Font()
            cell.alignment = Alignment(horizontal="right" if c.style == "note" else "center", vertical="center")
            continue
        g.put(c.row, c.col, c.value, to_col=c.to_col, to_row=c.to_row, head=c.style == "head",
              center=c.style == "center", fmt="0.00" if c.style == "money" and isinstance(c.value, float) else None)
        if isinstance(c.value, str) and c.value.startswith("="):
            ws.cell(row=c.row, column=c.col).data_type = "s"  # `=100%` is a value as printed, not a formula
    for r, h in row_heights(t).items():
        ws.row_dimensions[r].height = h
    _widths(ws, t.widths)
    if t.header_rows[0]:
        _page_setup(ws, t.header_rows[0], t.width)
        ws.print_title_rows = f"{t.header_rows[0]}:{t.header_rows[1]}"
    else:  # a running text: the same A4 landscape fitted to the width, no grid header to repeat
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

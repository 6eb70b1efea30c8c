"""One formatted XLSX sheet: Chinese headers in bold, column widths, the header row frozen and filters on,
written in openpyxl's streaming mode so a whole-store export stays in bounded memory."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl.utils import get_column_letter


def add_sheet(wb, title: str, columns: list[tuple[str, int]], rows: Iterable[list]) -> int:
    """Append a sheet to a write-only workbook; `columns` are (Chinese header, width in characters)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title)
    for n, (_, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F5")
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    n = 0
    for row in rows:
        ws.append(row)
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n + 1}"
    return n


def write_sheets(path: Path, sheets: list[tuple[str, list[tuple[str, int]], Iterable[list]]]) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    n = sum(add_sheet(wb, title, columns, rows) for title, columns, rows in sheets)
    wb.save(path)
    return n

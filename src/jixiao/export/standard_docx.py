"""The published tables as DOCX (python-docx): each table on its own A4 landscape page, its title, year
and money unit as paragraphs above a bordered Word table with the same merged cells and column widths as
the XLSX, and the indicator header row marked to repeat on every page (w:tblHeader)."""

from __future__ import annotations

from pathlib import Path

from ..errors import JixiaoError
from .standard_layout import GridCell, StandardTable

_TEXT_ROWS = ("title", "sub", "note")
# the printable width of A4 landscape with 15 mm margins, in Word's twentieths of a point
_PAGE_WIDTH_MM = 297 - 30


def write_docx_tables(tables: list[StandardTable], path: Path) -> int:
    """Write the tables, one page (or more) each; returns the number of tables."""
    from docx import Document as new_document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = new_document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.left_margin = sec.right_margin = Mm(15)
    sec.top_margin = sec.bottom_margin = Mm(15)
    for n, t in enumerate(tables):
        if n:
            doc.add_page_break()
        render(doc, t)
    try:
        doc.save(str(path))
    except OSError as exc:
        raise JixiaoError(f"无法写入：{exc.strerror or exc}", str(path)) from exc
    return len(tables)


def _paragraph(doc, text: str, style: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    if style == "title":
        run.bold = True
        run.font.size = Pt(16)
    p.alignment = {"title": WD_ALIGN_PARAGRAPH.CENTER, "sub": WD_ALIGN_PARAGRAPH.CENTER,
                   "note": WD_ALIGN_PARAGRAPH.RIGHT}.get(style, WD_ALIGN_PARAGRAPH.LEFT)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def render(doc, t: StandardTable) -> None:
    """Paragraphs for the title rows, then one Word table for the rest of the grid. A one-column table (a
    running text) is written as paragraphs."""
    by_row: dict[int, list[GridCell]] = {}
    for c in t.cells:
        by_row.setdefault(c.row, []).append(c)
    first = 1
    while first <= t.rows and all(c.style in _TEXT_ROWS for c in by_row.get(first, [])):
        for c in by_row.get(first, []):
            if c.value is not None:
                _paragraph(doc, _text(c.value), c.style)
        first += 1
    if t.width == 1:
        for r in range(first, t.rows + 1):
            for c in by_row.get(r, []):
                if c.value is not None:
                    _paragraph(doc, _text(c.value), c.style)
        return
    # Word repeats only the rows at the top of a table: the indicator grid is a table of its own that
    # starts with its header row, below the table of header fields
    head = t.header_rows[0]
    parts = [(first, head - 1), (head, t.rows)] if head > first else [(first, t.rows)]
    for a, z in parts:
        if z >= a:
            _table(doc, t, by_row, a, z, repeat=a == head)


def _table(doc, t: StandardTable, by_row: dict[int, list[GridCell]], first: int, last: int, repeat: bool) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm
    from docx.table import _Cell

    table = doc.add_table(rows=last - first + 1, cols=t.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(t.widths) or 1
    widths = [Mm(_PAGE_WIDTH_MM * w / total) for w in t.widths]
    table.autofit = False
    for k, col in enumerate(table.columns):  # the grid (LibreOffice reads it) and every cell (Word does)
        col.width = widths[k]
    # the cells' XML elements, looked up once: python-docx's table.cell() walks the whole table each call
    grid = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    for tcs in grid:
        for k, tc in enumerate(tcs):
            tc.width = widths[k]
    for r in range(first, last + 1):
        for c in by_row.get(r, []):
            cell = _Cell(grid[c.row - first][c.col - 1], table)
            end = min(c.last_row, last)
            if end != c.row or c.last_col != c.col:
                cell = cell.merge(_Cell(grid[end - first][c.last_col - 1], table))
            if c.value is not None:
                cell.text = _text(c.value)
                if c.style == "head":
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
    if repeat:
        head_a, head_z = t.header_rows
        for r in range(head_a, head_z + 1):
            _repeat_header(table.rows[r - first])


def _repeat_header(row) -> None:
    """Mark a row as a header row Word repeats at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)

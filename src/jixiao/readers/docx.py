"""Word documents: body paragraphs and tables in order. python-docx repeats a merged cell in every
slot it covers; the underlying `<w:tc>` tells a covered slot from a real one."""

from __future__ import annotations

import io

from ..errors import ReadError
from ..textnorm import clean_text
from .sheet import Cell, Row
from .zipguard import check_zip


def read_docx_rows(data: bytes, max_bytes: int) -> list[Row]:
    check_zip(data, max_bytes)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on a corrupt file
        raise ReadError(f"DOCX 文件已损坏或无法读取（{type(exc).__name__}）") from exc
    out: list[Row] = []
    table_no = 0

    def visit(parent) -> None:
        nonlocal table_no
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = clean_text(Paragraph(child, document).text)
                for line in text.split("\n"):
                    if line.strip():
                        out.append(Row([Cell(line.strip(), 1)]))
            elif tag == "tbl":
                table_no += 1
                out.extend(_table_rows(Table(child, document), table_no))
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
                visit(child)  # content controls and tracked insertions hold paragraphs and tables too

    visit(document.element.body)
    return out


def _table_rows(table, table_no: int) -> list[Row]:
    rows: list[Row] = []
    above: list[object] = []
    for r, row in enumerate(table.rows):
        try:
            cells = row.cells
        except (IndexError, ValueError):
            continue
        out_cells = []
        prev_tc = None
        for c, cell in enumerate(cells):
            tc = cell._tc
            hspan = tc is prev_tc
            vspan = not hspan and c < len(above) and above[c] is tc
            out_cells.append(Cell(clean_text(cell.text), c + 1, hspan=hspan, vspan=vspan))
            prev_tc = tc
        above = [cell._tc for cell in cells]
        rows.append(Row(out_cells, table=table_no, row=r + 1))
    return rows

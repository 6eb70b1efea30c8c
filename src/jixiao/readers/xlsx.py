"""Spreadsheets: every sheet is a table (its number is the `page` of a location). python-calamine reads
values and merged ranges (also old .xls). It does not expose number formats, so for .xlsx the formats of
numeric cells come from openpyxl: a cell showing `95%` stores 0.95, and reading it as 0.95 would be a
silently wrong target."""

from __future__ import annotations

import datetime as dt
import io
import re

from ..errors import ReadError
from ..textnorm import clean_text
from .sheet import Cell, Row
from .zipguard import check_zip

MAX_CELLS = 2_000_000


def _scales_percent(number_format: str) -> bool:
    """`0%` multiplies by 100; `0"%"` and `0\\%` print a literal percent sign and do not."""
    bare = re.sub(r'"[^"]*"|\\.', "", number_format.split(";")[0])
    return "%" in bare


def _fmt_number(value: float, number_format: str | None) -> str:
    if number_format and "%" in number_format and not _scales_percent(number_format):
        text = f"{value:g}" if not float(value).is_integer() else str(int(value))
        return text + "%"
    if number_format and _scales_percent(number_format):
        value = value * 100
        decimals = number_format.split(".")[1].count("0") if "." in number_format else 0
        return f"{value:.{decimals}f}%"
    if number_format and "#,##0" in number_format:
        decimals = number_format.split(".")[1].count("0") if "." in number_format.split(";")[0] else 0
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _fmt_number(float(value), number_format)
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日" if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return clean_text(str(value))


def _formats(data: bytes, sheet_names: list[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Number formats of the numeric cells that need one (percent, thousands), per sheet."""
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - formats are a refinement; values still come from calamine
        return {}
    out: dict[str, dict[tuple[int, int], str]] = {}
    for name in sheet_names:
        if name not in wb.sheetnames:
            continue
        fmts: dict[tuple[int, int], str] = {}
        for r, row in enumerate(wb[name].iter_rows()):
            for c, cell in enumerate(row):
                nf = getattr(cell, "number_format", None)
                if isinstance(getattr(cell, "value", None), int | float) and nf and ("%" in nf or "#,##0" in nf):
                    fmts[(r, c)] = nf
        out[name] = fmts
    wb.close()
    return out


def read_xlsx_rows(data: bytes, max_bytes: int) -> list[Row]:
    is_zip = data[:2] == b"PK"
    if is_zip:
        check_zip(data, max_bytes)
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise ReadError("文件已加密（有密码保护），无法读取") from exc
        raise ReadError(f"电子表格已损坏或无法读取（{type(exc).__name__}）") from exc
    formats = _formats(data, wb.sheet_names) if is_zip else {}
    out: list[Row] = []
    cells_seen = 0
    for index, name in enumerate(wb.sheet_names, start=1):
        try:
            sheet = wb.get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            merges = sheet.merged_cell_ranges or []
        except Exception as exc:  # noqa: BLE001
            raise ReadError(f"工作表“{name}”无法读取（{type(exc).__name__}）") from exc
        cells_seen += sum(len(r) for r in values)
        if cells_seen > MAX_CELLS:
            raise ReadError("电子表格过大（单元格数超过上限）")
        fmts = formats.get(name, {})
        covered: dict[tuple[int, int], tuple[int, int]] = {}
        for (r0, c0), (r1, c1) in merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        covered[(r, c)] = (r0, c0)
        texts = [[_text(v, fmts.get((r, c))) for c, v in enumerate(row)] for r, row in enumerate(values)]
        table_row = 0
        for r, row in enumerate(texts):
            cells = []
            for c, text in enumerate(row):
                origin = covered.get((r, c))
                if origin is not None:
                    text = texts[origin[0]][origin[1]] if origin[0] < len(texts) and origin[1] < len(texts[origin[0]]) else ""
                    cells.append(Cell(text, c + 1, hspan=origin[0] == r, vspan=origin[0] != r))
                else:
                    cells.append(Cell(text, c + 1))
            while len(cells) > 1 and not cells[-1].text:
                cells.pop()
            if not any(c.text for c in cells):
                continue
            table_row += 1
            distinct = [c for c in cells if c.text and not c.hspan]
            if len(distinct) == 1 and not distinct[0].vspan and (
                    any(c.hspan for c in cells) or (distinct[0].col > 1 and len(cells) == distinct[0].col)):
                # a title merged across the sheet, or a lone note such as 单位：万元 at the right
                out.append(Row([Cell(distinct[0].text, 1)], page=index))
                continue
            out.append(Row(cells, table=index, row=r + 1, page=index))
    return out

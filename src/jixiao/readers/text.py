"""Plain text tables: cells separated by tabs, pipes or runs of spaces, or one cell per line.

The one-cell-per-line form (a Word table saved as text) puts each cell on a line starting with a tab,
a blank line between rows, and a cell's further lines without the tab.
"""

from __future__ import annotations

import re

from ..textnorm import clean_text
from .sheet import Cell, Row

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?[\s:|\-—=+]+\|?\s*$")
_SPACE_SPLIT = re.compile(r"(?:[ \u3000]{2,}|\u3000)")


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\u3000\xa0\ufeff")


def _mode(lines: list[str]) -> str:
    tabbed = sum(1 for ln in lines if "\t" in ln.strip(" \t"))
    cell_lines = sum(1 for ln in lines if ln.startswith("\t") and "\t" not in ln[1:].rstrip("\t "))
    piped = sum(1 for ln in lines if _PIPE_ROW.match(ln))
    spaced = sum(1 for ln in lines if len(_SPACE_SPLIT.split(ln.strip())) >= 3)
    if piped >= 2 and piped >= tabbed:
        return "pipe"
    if tabbed or cell_lines:
        return "tab"
    if spaced >= 3:
        return "space"
    return "tab"


def read_text_rows(text: str) -> list[Row]:
    """Turn decoded text into rows in reading order."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    mode = _mode(lines)
    rows: list[Row] = []
    table = 0
    table_row = 0
    in_table = False
    block: list[list[str]] | None = None  # open one-cell-per-line row: its cells as lists of lines
    block_line = 0

    def emit(cells: list[str], lineno: int, is_table: bool) -> None:
        nonlocal table, table_row, in_table
        texts = [clean_text(c) for c in cells]
        if is_table:
            if not in_table:
                table += 1
                table_row = 0
                in_table = True
            table_row += 1
            rows.append(Row([Cell(t, i + 1) for i, t in enumerate(texts)], table=table, row=table_row,
                            line=lineno))
        else:
            if texts[0]:
                in_table = False
                rows.append(Row([Cell(texts[0], 1)], line=lineno))

    def close_block() -> None:
        nonlocal block
        if block is not None:
            emit(["\n".join(parts) for parts in block], block_line, True)
            block = None

    for number, line in enumerate(lines, start=1):
        if mode == "tab" and line.startswith("\t") and "\t" not in line[1:].rstrip("\t "):
            if block is None:
                block = []
                block_line = number
            block.append([line[1:]])
            continue
        if _is_blank(line):
            close_block()
            continue
        if block is not None and "\t" not in line.rstrip("\t "):
            block[-1].append(line)  # a further line of the cell above
            continue
        close_block()
        body = line.rstrip(" \t\u3000")
        if mode == "pipe" and _PIPE_ROW.match(body):
            if _PIPE_RULE.match(body):
                continue
            cells = body.strip().strip("|").split("|")
            emit(cells, number, True)
        elif mode == "tab" and "\t" in body:
            emit(body.split("\t"), number, True)
        elif mode == "space" and len(parts := _SPACE_SPLIT.split(body.strip())) >= 2:
            emit(parts, number, True)
        else:
            emit([body], number, False)
    close_block()
    return rows

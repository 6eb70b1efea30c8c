"""Plain text tables: cells separated by tabs, pipes or runs of spaces, or one cell per line.

The one-cell-per-line form (a Word table saved as text) puts each cell on a line starting with a tab,
a blank line between rows, and a cell's further lines without the tab.
"""

from __future__ import annotations

import io
import re
import unicodedata

from ..noise import clean_lines, needs_conversion, strip_pinyin_glosses, to_simplified
from ..textnorm import clean_markup, clean_text
from .sheet import Cell, Row

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_CELLS = re.compile(r"\S\s*\|")  # a cell's text followed by a pipe: `a | b |`, `一级指标 |`
_PIPE_RULE = re.compile(r"^\s*\|?[\s:|\-—=+]+\|?\s*$")
_SPACE_SPLIT = re.compile(r"(?:[ \u3000]{2,}|\u3000)")  # two spaces or an ideographic space end a cell


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\u3000\xa0\ufeff")


def _mode(lines: list[str]) -> str:
    tabbed = sum(1 for ln in lines if "\t" in ln.strip(" \t"))
    cell_lines = sum(1 for ln in lines if ln.startswith("\t") and "\t" not in ln[1:].rstrip("\t "))
    piped = sum(1 for ln in lines if "|" in ln and (ln.lstrip().startswith("|") and _PIPE_ROW.match(ln)
                                                    or ln.rstrip().endswith("|") and _PIPE_CELLS.search(ln)))
    if piped >= 2 and piped >= tabbed:
        return "pipe"
    if tabbed or cell_lines:
        return "tab"
    spaced = sum(1 for ln in lines if len(_SPACE_SPLIT.split(ln.strip())) >= 3)
    if spaced >= 3:
        return "space"
    return "tab"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _spaced_cells(line: str, wide: bool = True) -> list[tuple[int, str]]:
    """Cells of a space-aligned line with the column where each starts: in display width (a CJK character
    is two columns, as a person aligns text) or in characters (as PDF layout text is aligned)."""
    out = []
    text = line.replace("\u3000", "  ")
    for m in re.finditer(r"\S+(?: \S+)*", text):
        out.append((_display_width(text[: m.start()]) if wide else m.start(), m.group(0)))
    return out


def _place(parsed: list[tuple[int, list[tuple[int, str]]]]) -> tuple[list[tuple[int, list[str]]], int]:
    """Each line's cells placed under the columns of the line that sets them: the nearest line above (or
    the line itself) that has at least as many cells as those after it and whose columns differ from the
    previous such line's. A funding block and the indicator grid below it line up differently; one
    template for both would push the grid's cells into the funding block's columns."""
    rows, error = [], 0
    starts: list[int] = []
    for n, cells in parsed:
        mine = [pos for pos, _ in cells]
        if len(mine) > len(starts) or len(mine) == len(starts) >= 3 and _misfit(mine, starts):
            starts = mine  # a wider line, or as wide with other columns: a new block's columns
        slots = [""] * len(starts)
        last = -1
        for pos, text in cells:
            k = min(range(len(starts)), key=lambda c: abs(starts[c] - pos))
            error += abs(starts[k] - pos)
            if k <= last:
                k = last + 1
            if k >= len(slots):
                slots[-1] = (slots[-1] + " " + text).strip()
                continue
            slots[k] = text
            last = k
        rows.append((n, slots))
    return rows, error


def _misfit(mine: list[int], starts: list[int]) -> bool:
    """Cells that do not start under the given columns (more than two columns off on average)."""
    return sum(abs(a - b) for a, b in zip(mine, starts, strict=True)) > 2 * len(mine)


def _align_spaced(run: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Place the cells of a run of space-aligned lines under the columns of its widest line, measuring
    columns in whichever unit (display width or characters) lines the cells up better."""
    by_width = _place([(n, _spaced_cells(line, True)) for n, line in run])
    by_chars = _place([(n, _spaced_cells(line, False)) for n, line in run])
    return by_chars[0] if by_chars[1] < by_width[1] else by_width[0]


def _csv_rows(text: str) -> list[list[str]] | None:
    """Comma-separated values (an exported spreadsheet): most records have the same number (≥3) of fields.
    Quoted fields may hold commas and line breaks."""
    import csv
    from collections import Counter

    if "\t" in text or text.count(",") < 6:
        return None
    try:
        records = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error:
        return None
    widths = Counter(len(r) for r in records if len(r) >= 3)
    if not widths:
        return None
    width, count = widths.most_common(1)[0]
    return records if count >= 3 and count >= 0.6 * len(records) else None


def _denoised(lines: list[str]) -> list[str]:
    """Page chrome, spam, glosses and traditional characters out (`noise`). Chrome is never a row of cells:
    lines holding a tab are only converted (where the text has anything to convert), the rest are cleaned
    whole — which spares the chrome scan on the bulk of a tab-separated export."""
    tabbed = [k for k, line in enumerate(lines) if "\t" in line]
    if len(tabbed) < len(lines) // 2:
        return clean_lines(lines)
    tab_set = set(tabbed)
    free = [k for k in range(len(lines)) if k not in tab_set]
    out = list(lines)
    for k, line in zip(free, clean_lines([lines[k] for k in free]), strict=True):
        out[k] = line
    if needs_conversion("\n".join(lines[k] for k in tabbed)):
        for k in tabbed:
            out[k] = to_simplified(strip_pinyin_glosses(lines[k]))
    return out


def read_text_rows(text: str) -> list[Row]:
    """Turn decoded text into rows in reading order."""
    records = _csv_rows(text)
    if records is not None:
        rows: list[Row] = []
        for n, rec in enumerate(records, start=1):
            cells = [clean_text(c) for c in rec]
            while len(cells) > 1 and not cells[-1]:
                cells.pop()
            if len([c for c in cells if c]) <= 1 and len(cells) <= 1:
                rows.append(Row([Cell(cells[0] if cells else "", 1)], line=n))
            else:
                rows.append(Row([Cell(t, k + 1) for k, t in enumerate(cells)], table=1, row=n, line=n))
        return [r for r in rows if r.cells[0].text or not r.is_text]
    lines = _denoised(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"))
    mode = _mode(lines)
    rows: list[Row] = []
    table = 0
    table_row = 0
    in_table = False
    block: list[list[str]] | None = None  # open one-cell-per-line row: its cells as lists of lines
    block_line = 0

    def emit(cells: list[str], lineno: int, is_table: bool) -> None:
        nonlocal table, table_row, in_table
        texts = [clean_markup(c) for c in cells]  # lines went through noise.clean_lines already
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

    spaced_run: list[tuple[int, str]] = []

    def close_spaced() -> None:
        if spaced_run:
            for n, slots in _align_spaced(spaced_run):
                emit(slots, n, True)
            spaced_run.clear()

    for number, line in enumerate(lines, start=1):
        if mode == "space":
            body = line.rstrip()
            if body and len(_spaced_cells(body)) >= 2 or (spaced_run and body[:1] in (" ", "\u3000") and body.strip()):
                spaced_run.append((number, body))
                continue
            if spaced_run and not body.strip():
                continue  # a blank line inside an aligned table
            close_spaced()
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
        if mode == "pipe" and re.fullmatch(r"[\s|]*\|[\s|]*", body):
            continue  # a row of empty cells (`|`, `| |||`): nothing to read
        if mode == "pipe" and (_PIPE_ROW.match(body) or _PIPE_CELLS.search(body)):
            if _PIPE_RULE.match(body):
                continue
            cells = body.strip().strip("|").split("|")
            emit(cells, number, True)
            rows[-1].closed = body.rstrip().endswith("|")
        elif mode == "tab" and "\t" in body:
            emit(body.split("\t"), number, True)
            rows[-1].closed = line.rstrip(" \u3000").endswith("\t")  # its empty last cells kept: whole
        else:
            emit([body], number, False)
    close_block()
    close_spaced()
    return rows

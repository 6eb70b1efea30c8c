"""PDF text layer: pdfplumber finds the table grid; we resolve merged slots (pdfplumber leaves them
empty), join a table that runs over pages, and keep the text lines outside tables in reading order.
Every cell keeps its page and bounding box."""

from __future__ import annotations

import io
import re

from ..errors import ReadError
from ..textnorm import clean_text
from .sheet import Cell, Row

MAX_PAGES = 2000
_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d{1,4})\s*$")


def _open(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages
        return pdf
    except PDFPasswordIncorrect as exc:
        raise ReadError("PDF 有密码保护，无法读取") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        name = type(exc).__name__
        inner = " ".join(type(a).__name__ for a in getattr(exc, "args", ()))
        if "Password" in name + inner or "Encrypt" in name + inner:
            raise ReadError("PDF 有密码保护，无法读取") from exc
        raise ReadError(f"PDF 文件已损坏或被截断（{name}）") from exc


_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}\s*[.、．)）](?!\d)|[（(]\s*\d{1,2}\s*[)）]|[一二三四五六七八九十]+、|[•●·\-—])")
_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？")


def unwrap(text: str | None) -> str:
    """Join the lines a narrow PDF cell wrapped; keep a break before a list item or after a sentence."""
    if not text:
        return ""
    lines = [ln.strip() for ln in text.split("\n")]
    out = lines[0]
    for ln in lines[1:]:
        if not ln:
            continue
        if _LIST_MARK.match(ln) and out.rstrip().endswith(_SENTENCE_END + ("。",)) or (
                _LIST_MARK.match(ln) and re.search(r"[\u4e00-\u9fff。；]$", out) and re.match(r"^\s*\d{1,2}[.、](?!\d)", ln)):
            out += "\n" + ln
        elif out and out[-1].isascii() and out[-1].isalpha() and ln[0].isascii() and ln[0].isalpha():
            out += " " + ln
        else:
            out += ln
    return out


def _resolve(table, page_no: int, table_no: int, first_row: int) -> list[Row]:
    """pdfplumber rows → Rows; an empty slot covered by a cell to its left or above repeats that cell."""
    texts = table.extract()
    boxes = [r.cells for r in table.rows]
    height = len(texts)
    width = max((len(r) for r in texts), default=0)
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(height):
        for c in range(width):
            box = boxes[r][c] if c < len(boxes[r]) else None
            if box is not None:
                origin[(r, c)] = (r, c)
    col_x = [None] * width
    row_y = [None] * height
    for (r, c) in origin:
        x0, top, _, _ = boxes[r][c]
        col_x[c] = x0 if col_x[c] is None else min(col_x[c], x0)
        row_y[r] = top if row_y[r] is None else min(row_y[r], top)
    rows: list[Row] = []
    for r in range(height):
        cells = []
        for c in range(width):
            if (r, c) in origin:
                text = texts[r][c] if c < len(texts[r]) else None
                cells.append(Cell(clean_text(unwrap(text)), c + 1, bbox=tuple(boxes[r][c])))
                continue
            hspan = vspan = False
            text = ""
            bbox = None
            # covered from the left: a cell in this row whose box reaches this column
            for k in range(c - 1, -1, -1):
                if (r, k) in origin:
                    b = boxes[r][k]
                    if col_x[c] is not None and b[2] > col_x[c] + 1:
                        text, hspan, bbox = clean_text(unwrap(texts[r][k])), True, tuple(b)
                    break
            if not hspan:
                for k in range(r - 1, -1, -1):
                    if (k, c) in origin:
                        b = boxes[k][c]
                        if row_y[r] is not None and b[3] > row_y[r] + 1:
                            text, vspan, bbox = clean_text(unwrap(texts[k][c])), True, tuple(b)
                        break
            cells.append(Cell(text, c + 1, hspan=hspan, vspan=vspan, bbox=bbox))
        rows.append(Row(cells, table=table_no, row=first_row + r, page=page_no))
    return rows


def _running_header(line: dict, height: float, seen: set[str]) -> bool:
    """A line in the top or bottom 8% of the page that an earlier page printed there too: a running
    header or footer, kept once."""
    if height * 0.08 < line["top"] and line["bottom"] < height * 0.92:
        return False
    text = re.sub(r"\d+", "#", line["text"].strip())
    if text in seen:
        return True
    seen.add(text)
    return False


def _paragraphs(lines: list[dict], page_width: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Rejoin the lines of a wrapped paragraph: a line that reaches the right margin continues on the next
    line when that one starts at the left margin just below it."""
    if not lines:
        return []
    right = max(ln["x1"] for ln in lines)
    left = min(ln["x0"] for ln in lines)
    out: list[list] = []
    for ln in lines:
        text = ln["text"].strip()
        box = [ln["x0"], ln["top"], ln["x1"], ln["bottom"]]
        if out:
            prev_text, prev_box, prev_line = out[-1]
            char = (prev_line["x1"] - prev_line["x0"]) / max(1, len(prev_line["text"]))
            height = prev_line["bottom"] - prev_line["top"]
            full_width = right - left >= 0.5 * page_width  # a page of short lines has no wrapping to undo
            reaches = full_width and (prev_line["x1"] >= right - 2 * char or (
                prev_line["x1"] >= right - 8 * char and not prev_text.endswith(("。", "：", ":"))))
            if (reaches and ln["top"] - prev_line["bottom"] < height
                    and ln["x0"] <= prev_box[0] + 2.5 * char and not _LIST_MARK.match(text)):
                out[-1] = [prev_text + text, [min(prev_box[0], box[0]), prev_box[1], max(prev_box[2], box[2]),
                                              box[3]], ln]
                continue
        out.append([text, box, ln])
    return [(t, tuple(b)) for t, b, _ in out]


def _layout_text_rows(pages) -> list[Row]:
    """Pages whose tables have no ruling lines: their text laid out with spaces, read as space-aligned
    columns by the text reader."""
    from .text import read_text_rows

    out: list[Row] = []
    table_base = 0
    for page_no, page in enumerate(pages, start=1):
        text = page.extract_text(layout=True) or ""
        lines = [ln for ln in text.split("\n") if not _PAGE_NUMBER.match(ln)]
        rows = read_text_rows("\n".join(lines))
        for r in rows:
            r.page = page_no
            if r.table is not None:
                r.table += table_base
        table_base = max([table_base] + [r.table for r in rows if r.table is not None])
        out.extend(rows)
    return out


def read_pdf(data: bytes) -> tuple[list[Row], int]:
    pdf = _open(data)
    try:
        pages = pdf.pages
        if len(pages) > MAX_PAGES:
            raise ReadError(f"PDF 页数过多（{len(pages)} 页，上限 {MAX_PAGES} 页）")
        out: list[Row] = []
        table_no = 0
        any_text = False
        open_table: dict | None = None  # the last table of the previous page, if it reached the bottom
        seen_margins: set[str] = set()  # text printed in a page's top or bottom margin
        for page_no, page in enumerate(pages, start=1):
            try:
                chars = page.chars
                if chars:
                    any_text = True
                tables = page.find_tables()
                items: list[tuple[float, int, object]] = []
                bboxes = [t.bbox for t in tables]

                def outside(obj, bboxes=bboxes) -> bool:
                    x = (obj["x0"] + obj["x1"]) / 2
                    y = (obj["top"] + obj["bottom"]) / 2
                    return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)

                lines = page.filter(outside).extract_text_lines(layout=False, strip=True) if chars else []
                lines = [ln for ln in lines if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"])]
                lines = [ln for ln in lines if not _running_header(ln, page.height, seen_margins)]
                for text, box in _paragraphs(lines, page.width):
                    items.append((box[1], 0, (text, box)))
                for t in tables:
                    items.append((t.bbox[1], 1, t))
                items.sort(key=lambda it: (it[0], it[1]))
                first_item = True
                for top, kind, obj in items:
                    if kind == 0:
                        text, box = obj
                        out.append(Row([Cell(clean_text(text), 1, bbox=box)], page=page_no))
                        first_item = False
                        if top > page.height * 0.1:
                            open_table = None
                        continue
                    ncols = max((len(r) for r in obj.extract()), default=0)
                    if first_item and open_table and open_table["cols"] == ncols:
                        rows = _resolve(obj, page_no, open_table["no"], open_table["next"])
                    else:
                        table_no += 1
                        rows = _resolve(obj, page_no, table_no, 1)
                    out.extend(rows)
                    first_item = False
                    no = rows[0].table if rows else table_no
                    reaches_bottom = obj.bbox[3] > page.height * 0.8
                    open_table = {"no": no, "cols": ncols, "next": (rows[-1].row + 1) if rows else 1} \
                        if reaches_bottom else None
            except ReadError:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken page must not hide the cause
                raise ReadError(f"PDF 第 {page_no} 页无法解析（{type(exc).__name__}）") from exc
            finally:
                page.flush_cache()
        if not any_text:
            raise ReadError("PDF 没有文本层（可能是扫描件），暂不支持 OCR")
        if not any(not r.is_text for r in out):
            out = _layout_text_rows(pages)  # a table drawn without ruling lines
        return out, len(pages)
    finally:
        pdf.close()

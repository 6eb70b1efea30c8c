"""PDF text layer: pypdfium2 gives each glyph's box and each ruling line; pdf_geometry draws the table grid
from them. We resolve merged slots (the grid leaves them empty), join a table that runs over pages, and keep
the text lines outside tables in reading order. Every cell keeps its page and bounding box. Pages without a
text layer go to OCR (readers/ocr.py, the optional extra `jixiao[ocr]`)."""

from __future__ import annotations

import re
import threading

from ..errors import ReadError
from ..textnorm import clean_text
from . import pdf_geometry as geo
from .sheet import Cell, Row

MAX_PAGES = 2000
_PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d{1,4})\s*$")
# pdfium keeps global state and is not safe to call from two threads at once (the web server reads uploads
# in a thread pool); one lock per process keeps it correct, processes still run in parallel.
PDFIUM_LOCK = threading.RLock()


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD or "assword" in str(exc):
            raise ReadError("PDF 有密码保护，无法读取") from exc
        raise ReadError(f"PDF 文件已损坏或被截断（{exc}）") from exc


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


def _resolve(boxes: list[list[geo.Box | None]], texts: list[list[str | None]], page_no: int, table_no: int,
             first_row: int) -> list[Row]:
    """Grid slots → Rows; an empty slot covered by a cell to its left or above repeats that cell."""
    height = len(texts)
    width = max((len(r) for r in texts), default=0)
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r in range(height):
        for c in range(width):
            box = boxes[r][c] if c < len(boxes[r]) else None
            if box is not None:
                origin[(r, c)] = (r, c)
    col_x: list[float | None] = [None] * width
    row_y: list[float | None] = [None] * height
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


def _running_header(line: geo.Line, height: float, seen: set[str]) -> bool:
    """A line in the top or bottom 8% of the page that an earlier page printed there too: a running
    header or footer, kept once."""
    if height * 0.08 < line.top and line.bottom < height * 0.92:
        return False
    text = re.sub(r"\d+", "#", line.text.strip())
    if text in seen:
        return True
    seen.add(text)
    return False


def _paragraphs(lines: list[geo.Line], page_width: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Rejoin the lines of a wrapped paragraph: a line that reaches the right margin continues on the next
    line when that one starts at the left margin just below it."""
    if not lines:
        return []
    right = max(ln.x1 for ln in lines)
    left = min(ln.x0 for ln in lines)
    out: list[list] = []
    for ln in lines:
        text = ln.text.strip()
        box = [ln.x0, ln.top, ln.x1, ln.bottom]
        if out:
            prev_text, prev_box, prev_line = out[-1]
            char = (prev_line.x1 - prev_line.x0) / max(1, len(prev_line.text))
            height = prev_line.bottom - prev_line.top
            full_width = right - left >= 0.5 * page_width  # a page of short lines has no wrapping to undo
            reaches = full_width and (prev_line.x1 >= right - 2 * char or (
                prev_line.x1 >= right - 8 * char and not prev_text.endswith(("。", "：", ":"))))
            if (reaches and ln.top - prev_line.bottom < height
                    and ln.x0 <= prev_box[0] + 2.5 * char and not _LIST_MARK.match(text)):
                out[-1] = [prev_text + text, [min(prev_box[0], box[0]), prev_box[1], max(prev_box[2], box[2]),
                                              box[3]], ln]
                continue
        out.append([text, box, ln])
    return [(t, tuple(b)) for t, b, _ in out]


def _layout_text_rows(pages_chars: list[list[geo.Char]]) -> list[Row]:
    """Pages whose tables have no ruling lines: their text laid out with spaces, read as space-aligned
    columns by the text reader."""
    from .text import read_text_rows

    out: list[Row] = []
    table_base = 0
    for page_no, chars in enumerate(pages_chars, start=1):
        text = geo.layout_text(chars)
        lines = [ln for ln in text.split("\n") if not _PAGE_NUMBER.match(ln)]
        rows = read_text_rows("\n".join(lines))
        for r in rows:
            r.page = page_no
            if r.table is not None:
                r.table += table_base
        table_base = max([table_base] + [r.table for r in rows if r.table is not None])
        out.extend(rows)
    return out


class PageContent:
    """What one page holds, however it was read (text layer or OCR): glyph-like boxes and ruling lines."""

    def __init__(self, chars: list[geo.Char], edges: list[geo.Edge], width: float, height: float,
                 ocr: bool = False):
        self.chars = chars
        self.edges = edges
        self.width = width
        self.height = height
        self.ocr = ocr


class _Assembler:
    """Pages in order → Rows: tables numbered, a table continued at the top of the next page joined to it,
    running headers and footers dropped."""

    def __init__(self) -> None:
        self.out: list[Row] = []
        self.table_no = 0
        self.open_table: dict | None = None  # the last table of the previous page, if it reached the bottom
        self.seen_margins: set[str] = set()  # text printed in a page's top or bottom margin
        # (page, table, row, col) → recognition confidence of an OCR'd cell below 1
        self.confidence: dict[tuple[int, int, int, int], float] = {}

    def add(self, page_no: int, page: PageContent) -> None:
        tables = geo.find_tables(page.edges) if page.chars or page.edges else []
        bboxes = [t.bbox for t in tables]

        def outside(c: geo.Char) -> bool:
            x = (c.x0 + c.x1) / 2
            y = (c.top + c.bottom) / 2
            return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)

        lines = geo.text_lines([c for c in page.chars if outside(c)] if bboxes else page.chars)
        lines = [ln for ln in lines if ln.text.strip() and not _PAGE_NUMBER.match(ln.text)]
        lines = [ln for ln in lines if not _running_header(ln, page.height, self.seen_margins)]
        items: list[tuple[float, int, object]] = []
        for text, box in _paragraphs(lines, page.width):
            items.append((box[1], 0, (text, box)))
        for t in tables:
            items.append((t.bbox[1], 1, t))
        items.sort(key=lambda it: (it[0], it[1]))
        first_item = True
        for top, kind, obj in items:
            if kind == 0:
                text, box = obj
                self.out.append(Row([Cell(clean_text(text), 1, bbox=box)], page=page_no))
                first_item = False
                if top > page.height * 0.1:
                    self.open_table = None
                continue
            boxes, texts = geo.table_texts(obj, page.chars)
            ncols = max((len(r) for r in texts), default=0)
            if first_item and self.open_table and self.open_table["cols"] == ncols:
                rows = _resolve(boxes, texts, page_no, self.open_table["no"], self.open_table["next"])
            else:
                self.table_no += 1
                rows = _resolve(boxes, texts, page_no, self.table_no, 1)
            self.out.extend(rows)
            if page.ocr:
                self._record_confidence(rows, page.chars)
            first_item = False
            no = rows[0].table if rows else self.table_no
            reaches_bottom = obj.bbox[3] > page.height * 0.8
            self.open_table = {"no": no, "cols": ncols, "next": (rows[-1].row + 1) if rows else 1} \
                if reaches_bottom else None

    def _record_confidence(self, rows: list[Row], chars: list[geo.Char]) -> None:
        for row in rows:
            for cell in row.cells:
                if cell.hspan or cell.vspan or not cell.bbox or not cell.text:
                    continue
                inside = geo.chars_in(chars, cell.bbox)
                if inside:
                    self.confidence[(row.page, row.table, row.row, cell.col)] = min(c.conf for c in inside)


def _text_page(page) -> PageContent:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        chars = geo.page_chars(textpage, height)
    finally:
        textpage.close()
    return PageContent(chars, geo.page_edges(page, height), width, height)


def read_pdf(data: bytes, progress=None) -> tuple[list[Row], int, dict]:
    """Rows of every page, the page count, and the confidence of OCR'd cells. Pages without a text layer
    are read by OCR when the extra is installed; `progress(done, total)` is called after each page."""
    with PDFIUM_LOCK:
        pdf = _open(data)
        try:
            n = len(pdf)
            if n > MAX_PAGES:
                raise ReadError(f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页）")
            return assemble(_pdf_pages(pdf), n, progress)
        finally:
            pdf.close()


def _pdf_pages(pdf):
    for page_no in range(1, len(pdf) + 1):
        page = pdf[page_no - 1]
        try:
            content = _text_page(page)
            if not content.chars and _has_image(page):
                content = _ocr_page(page)
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - one broken page must not hide the cause
            raise ReadError(f"PDF 第 {page_no} 页无法解析（{type(exc).__name__}）") from exc
        finally:
            page.close()
        yield content


def assemble(pages, n: int, progress=None, scanned: bool = False) -> tuple[list[Row], int, dict]:
    """PageContents in order → (rows, pages, OCR confidences), a borderless table read from its layout."""
    asm = _Assembler()
    pages_chars: list[list[geo.Char]] | None = []
    pages_size: list[tuple[float, float]] = []
    any_text = False
    any_ocr = scanned
    for page_no, content in enumerate(pages, start=1):
        any_ocr = any_ocr or content.ocr
        any_text = any_text or bool(content.chars)
        # the characters are kept for a borderless reading only until a ruled table shows up: a long
        # PDF's glyphs are not all held in memory
        if pages_chars is not None:
            pages_chars.append(content.chars)
            pages_size.append((content.width, content.height))
        try:
            asm.add(page_no, content)
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - one broken page must not hide the cause
            raise ReadError(f"第 {page_no} 页无法解析（{type(exc).__name__}）") from exc
        if pages_chars is not None and asm.table_no:
            pages_chars = None
        if progress is not None:
            progress(page_no, n)
    if not any_text:
        if any_ocr:
            raise ReadError("扫描件中没有识别出文字（OCR 未读出任何内容）")
        raise ReadError("PDF 没有文本层，也没有可识别的页面图像")
    out = asm.out
    if not any(not r.is_text for r in out) and pages_chars is not None:
        # a table drawn without ruling lines: rebuilt from where the characters stand; a scan's OCR boxes
        # (whole phrases, not glyphs) are read as space-aligned text
        borderless = None if any_ocr else _borderless_rows(pages_chars, pages_size)
        if borderless is not None:
            out, problems = borderless
            return out, n, ReadNotes(problems=problems)
        out = _layout_text_rows(pages_chars)
        if any_ocr:
            if not any(not r.is_text for r in out):
                lines = sum(1 for r in out if r.is_text)
                raise ReadError(f"扫描件中没有找到表格（只识别出 {lines} 行文字）")
            asm.confidence = _layout_confidence(out, pages_chars)
    return out, n, asm.confidence


class ReadNotes(dict):
    """(page, table, row, col) → confidence of an OCR'd cell, and `problems`: (page, table, row) → what the
    reader could not decide about that row (the indicator read from it carries it as its problem)."""

    def __init__(self, *args, problems: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[tuple[int, int, int], str] = problems or {}


def _borderless_rows(pages_chars: list[list[geo.Char]], sizes: list[tuple[float, float]]):
    """Rows of pages whose tables have no ruling lines, and the rows left unsure; None where no table
    shows in the text's geometry."""
    from .pdf_borderless import BorderlessReader

    reader = BorderlessReader()
    for page_no, (chars, (width, height)) in enumerate(zip(pages_chars, sizes, strict=False), start=1):
        reader.add_page(page_no, chars, width, height)
    rows, problems = reader.rows()
    if not any(not r.is_text for r in rows):
        return None
    return rows, problems


def _layout_confidence(rows: list[Row], pages_chars: list[list[geo.Char]]) -> dict:
    """Rows read from an OCR'd page's layout carry no boxes: a cell's confidence is that of the boxes
    whose text it holds."""
    out: dict = {}
    for row in rows:
        if row.is_text or not row.page:
            continue
        chars = pages_chars[row.page - 1]
        for cell in row.cells:
            if cell.hspan or not cell.text:
                continue
            confs = [c.conf for c in chars if c.conf < 1 and c.text and c.text in cell.text]
            if confs:
                out[(row.page, row.table, row.row, cell.col)] = min(confs)
    return out


def _has_image(page) -> bool:
    import pypdfium2.raw as pdfium_c

    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        kind = pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i))
        if kind in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            return True
    return False


def _ocr_page(page) -> PageContent:
    from .ocr import ocr_pdf_page

    return ocr_pdf_page(page)

"""HTML pages: tables (rowspan/colspan expanded) and the text around them, in document order.

lxml honours the page's declared charset when given bytes."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import ReadError
from ..textnorm import clean_text
from .grid_fill import SpanCell, expand_spans
from .sheet import Cell, Row

_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "header", "footer",
           "blockquote", "pre", "center", "ul", "ol", "dl", "dt", "dd", "form", "body", "html", "main", "caption"}
_SKIP = {"script", "style", "noscript", "head", "template", "iframe", "object", "svg"}


def _span(value: str | None) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else 1


def _cell_text(el) -> str:
    return clean_text(etree.tostring(el, encoding="unicode", method="html", with_tail=False))


_CHARSET = re.compile(rb"<meta[^>]+charset", re.I)


def _decoded(data: bytes) -> bytes | str:
    """A page that declares its charset goes to lxml as bytes; one that does not is decoded here (UTF-8,
    else GB18030), since lxml would read it as Latin-1."""
    if _CHARSET.search(data[:4096]) or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data
    for encoding in ("utf-8", "gb18030"):
        try:
            return re.sub(r"^\s*<\?xml[^>]*\?>", "", data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return data


def read_html_rows(data: bytes) -> list[Row]:
    try:
        root = lxml.html.document_fromstring(_decoded(data))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"HTML 无法解析：{exc}") from exc
    out: list[Row] = []
    counter = {"table": 0}
    buffer: list[str] = []

    def flush() -> None:
        text = clean_text("".join(buffer))
        buffer.clear()
        for line in text.split("\n"):
            if line.strip():
                out.append(Row([Cell(line.strip(), 1)]))

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "table" and any(t is not el for t in el.iter("table")):
            # a layout table around the real ones (common on government sites): read what is inside it
            for child in el.iter("td", "th"):
                if _owner_table(child) is el:
                    flush()
                    walk_children(child)
            flush()
            return
        if tag == "table":
            flush()
            counter["table"] += 1
            rows = []
            for tr in el.iter("tr"):
                if tr.getparent() is not None and _owner_table(tr) is not el:
                    continue
                cells = [SpanCell(_cell_text(td), _span(td.get("rowspan")), _span(td.get("colspan")))
                         for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")]
                rows.append(cells)
            out.extend(expand_spans(rows, counter["table"]))
            return
        block = tag in _BLOCKS
        if block or tag == "br":
            flush()
        if el.text and tag != "br":
            buffer.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    def walk_children(el) -> None:
        if el.text:
            buffer.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buffer.append(child.tail)

    try:
        walk(root)
    except RecursionError as exc:
        raise ReadError("HTML 嵌套层次过深，无法读取") from exc
    flush()
    return out


def _owner_table(tr):
    p = tr.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p

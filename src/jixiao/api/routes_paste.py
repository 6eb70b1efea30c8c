"""Paste a table: text copied from any web page, parsed at once, shown with its problems, stored on request.

The same reading serves the JSON API (`POST /api/paste`) and the page (`/paste`): `read_pasted` parses,
`store_pasted` stores. A paste is parsed as a text file named `粘贴.txt` (its bytes give its identity,
so pasting the same table twice stores it once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from .. import service
from ..errors import JixiaoError
from ..ingest import parse_bytes
from ..model import Document
from .context import engine, principal, review_settings

router = APIRouter()
PASTE_NAME = "粘贴.txt"
MAX_PASTE_CHARS = 2_000_000


class PasteRequest(BaseModel):
    text: str = Field(description="从网页、Word 或 Excel 复制的表格文字", max_length=MAX_PASTE_CHARS)
    store: bool = Field(False, description="解析后入库")
    department: str | None = Field(None, max_length=200, description="文档未注明部门时使用")
    year: int | None = Field(None, ge=1900, le=2100, description="文档未注明年度时使用")


class PasteResult(BaseModel):
    document: dict
    stored: str | None = None
    document_id: int | None = None


class PasteError(ValueError):
    """A paste that cannot be read: the message is for the user."""


def read_pasted(text: str, department: str | None = None, year: int | None = None) -> Document:
    """The pasted text as a Document; `PasteError` with a Chinese message when it is empty or not a table."""
    if not text or not text.strip():
        raise PasteError("粘贴的内容是空的：请从网页或文件中复制整张绩效目标表（含表头）再粘贴")
    if len(text) > MAX_PASTE_CHARS:
        raise PasteError(f"粘贴的内容过长（上限 {MAX_PASTE_CHARS:,} 字）")
    try:
        doc = parse_bytes(text.encode("utf-8"), PASTE_NAME)
    except JixiaoError as exc:
        raise PasteError(f"没有从粘贴的内容中识别出绩效目标表：{exc.message}") from exc
    return service.fill_missing(doc, department, year)[0]


def store_pasted(request: Request, doc: Document) -> tuple[str, int | None]:
    """Store the document whole with its findings (one transaction, the service layer's ingest) and make it
    searchable at once."""
    stored = service.store_parsed(engine(request), doc, settings=review_settings(request),
                                  principal=principal(request))
    return stored.status, stored.document_id


@router.post("/api/paste", response_model=PasteResult, summary="粘贴表格：解析（并可入库）一段复制来的表格文字",
             tags=["documents"])
def paste_api(request: Request, body: PasteRequest) -> PasteResult:
    try:
        doc = read_pasted(body.text, body.department, body.year)
    except PasteError as exc:
        raise HTTPException(422, str(exc)) from exc
    stored, doc_id = store_pasted(request, doc) if body.store else (None, None)
    return PasteResult(document=doc.to_json_dict(), stored=stored, document_id=doc_id)


@router.get("/paste", response_class=HTMLResponse, include_in_schema=False)
def paste_page() -> HTMLResponse:
    from .routes_web import render

    return render("paste.html", text="", doc=None, error=None, stored=None)


@router.post("/paste", response_class=HTMLResponse, include_in_schema=False)
def paste_form(request: Request, text: Annotated[str, Form(max_length=MAX_PASTE_CHARS)] = "",
               action: Annotated[str, Form(max_length=10)] = "preview",
               department: Annotated[str, Form(max_length=200)] = "",
               year: Annotated[str, Form(max_length=4)] = "") -> HTMLResponse:
    from .routes_web import render

    year_value = int(year) if year.isdigit() and 1900 <= int(year) <= 2100 else None
    try:
        doc = read_pasted(text, department or None, year_value)
    except PasteError as exc:
        return render("paste.html", status_code=422, text=text, doc=None, error=str(exc), stored=None)
    stored = None
    if action == "store":
        status, doc_id = store_pasted(request, doc)
        stored = {"status": {"stored": "已入库", "replaced": "已替换", "unchanged": "已在库中（内容相同，未重复保存）"}.get(
            status, status), "id": doc_id}
    return render("paste.html", text=text, doc=doc, error=None, stored=stored, department=department,
                  year=year)

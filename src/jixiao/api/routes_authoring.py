"""Authoring: the JSON API and the web pages of the editor (drafts, revisions, submit), and deleting or
replacing a stored document. Every route calls `jixiao.authoring`; none writes SQL."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..authoring import store
from ..authoring.checks import all_findings
from ..authoring.content import OPERATORS, Content, Fields, to_document
from ..authoring.export import xlsx_bytes
from ..authoring.skeleton import KINDS, guess_kind
from ..authoring.suggest import suggestions
from ..authoring.who import author
from ..errors import JixiaoError
from ..ingest import parse_bytes
from ..taxonomy import LEVEL1, LEVEL2_BY_LEVEL1

api = APIRouter(prefix="/api", tags=["编写"])
web = APIRouter(include_in_schema=False)
router = APIRouter()

Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


class CreateBody(BaseModel):
    fields: Fields
    kind: str | None = Field(None, description="项目类型：works、repair、purchase、service、subsidy、other；不填则按名称推断")


class CopyBody(BaseModel):
    project_id: int = Field(ge=1, le=2_147_483_647, description="要复制的库中项目（上年同一项目或任一项目）")
    year: int | None = Field(None, ge=1990, le=2100, description="新表的年度")


class SaveBody(BaseModel):
    content: Content
    version: int = Field(ge=1, le=2_147_483_647, description="这次修改所基于的版本号（乐观锁）")


class VersionBody(BaseModel):
    version: int = Field(ge=1, le=2_147_483_647)


class RestoreBody(BaseModel):
    revision: int = Field(ge=1, le=2_147_483_647)
    version: int = Field(ge=1, le=2_147_483_647)


def _engine(request: Request):
    return request.app.state.engine


def _error(exc: JixiaoError) -> JSONResponse:
    body: dict = {"error": str(exc)}  # names the file where there is one
    if isinstance(exc, store.Conflict):
        body |= {"current": exc.current, "theirs": exc.theirs, "kept_revision": exc.kept}
    return JSONResponse(body, status_code=getattr(exc, "status", 400))


def _with_findings(draft: dict) -> dict:
    return draft | store.check(Content.model_validate(draft["content"]))


# ------------------------------------------------------------------------------------------- JSON API

@api.get("/drafts", summary="草稿列表")
def list_drafts(request: Request, department: Annotated[str | None, Query(max_length=200)] = None) -> list[dict]:
    with _engine(request).connect() as conn:
        return store.list_drafts(conn, department)


@api.post("/drafts", status_code=201, summary="按骨架新建项目绩效目标表")
def create_draft(request: Request, body: CreateBody):
    kind = body.kind or guess_kind(body.fields.name, body.fields.content)
    try:
        return _with_findings(store.new_from_skeleton(_engine(request), body.fields, kind, author()))
    except JixiaoError as exc:
        return _error(exc)


@api.post("/drafts/copy", status_code=201, summary="复制库中的表（上年同一项目或任一项目）新建草稿")
def copy_draft(request: Request, body: CopyBody):
    try:
        return _with_findings(store.copy_project(_engine(request), body.project_id, author(), body.year))
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/previous", summary="上年同名项目（可复制）")
def previous(request: Request, name: Annotated[str, Query(min_length=1, max_length=200)],
             year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
             department: Annotated[str | None, Query(max_length=200)] = None) -> list[dict]:
    with _engine(request).connect() as conn:
        return store.previous_tables(conn, name, year, department)


@api.post("/drafts/check", summary="检查内容（国家保存校验与审核规则），不保存")
def check(body: Content):
    try:
        return store.check(body)
    except JixiaoError as exc:
        return _error(exc)


@api.post("/drafts/suggest", summary="指标库为这份内容（项目名称、内容、目标）推荐的指标，不保存")
def suggest_for(request: Request, body: Content, limit: Annotated[int, Query(ge=1, le=50)] = 10):
    try:
        return suggestions(_engine(request), body, limit)
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}", summary="一个草稿：内容、版本、状态与审核意见")
def get_draft(request: Request, draft_id: Id):
    try:
        with _engine(request).connect() as conn:
            draft = store.get_draft(conn, draft_id)
            return _with_findings(draft) | {"comments": store.reviewer_comments(conn, draft)}
    except JixiaoError as exc:
        return _error(exc)


@api.put("/drafts/{draft_id}", summary="保存（基于版本号；他人先保存时返回 409 与其改动）")
def save_draft(request: Request, draft_id: Id, body: SaveBody):
    try:
        saved = store.save_draft(_engine(request), draft_id, body.content, body.version, author())
    except JixiaoError as exc:
        return _error(exc)
    return saved | {"draft": _with_findings(saved["draft"])}


@api.post("/drafts/{draft_id}/submit", summary="提交（没有错误级审核意见时）")
def submit(request: Request, draft_id: Id, body: VersionBody):
    try:
        return store.submit_draft(_engine(request), draft_id, body.version, author())
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}/suggestions", summary="指标库为此项目推荐的指标（含最常用的指标值）")
def draft_suggestions(request: Request, draft_id: Id, limit: Annotated[int, Query(ge=1, le=50)] = 10):
    try:
        with _engine(request).connect() as conn:
            draft = store.get_draft(conn, draft_id)
        return suggestions(_engine(request), Content.model_validate(draft["content"]), limit)
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}/revisions", summary="修订记录（谁、何时、改了什么）")
def revisions(request: Request, draft_id: Id):
    try:
        with _engine(request).connect() as conn:
            return store.list_revisions(conn, draft_id)
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}/revisions/{revision_id}", summary="一个修订的完整内容")
def revision(request: Request, draft_id: Id, revision_id: Id):
    try:
        with _engine(request).connect() as conn:
            return store.get_revision(conn, draft_id, revision_id)
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}/diff", summary="比较两个修订（指标差异与字段改动）")
def diff(request: Request, draft_id: Id, a: Annotated[int, Query(ge=1, le=2_147_483_647)],
         b: Annotated[int, Query(ge=1, le=2_147_483_647)]):
    try:
        with _engine(request).connect() as conn:
            return store.diff_revisions(conn, draft_id, a, b)
    except JixiaoError as exc:
        return _error(exc)


@api.post("/drafts/{draft_id}/restore", summary="恢复到某个修订（作为新版本保存）")
def restore(request: Request, draft_id: Id, body: RestoreBody):
    try:
        return store.restore_revision(_engine(request), draft_id, body.revision, body.version, author())
    except JixiaoError as exc:
        return _error(exc)


@api.get("/drafts/{draft_id}/export.xlsx", summary="导出为 XLSX（标准表样）")
def export_xlsx(request: Request, draft_id: Id):
    try:
        with _engine(request).connect() as conn:
            draft = store.get_draft(conn, draft_id)
    except JixiaoError as exc:
        return _error(exc)
    data, writer = xlsx_bytes(to_document(Content.model_validate(draft["content"]), renumber=True))
    name = quote(f"{draft['name']}.xlsx")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "X-Jixiao-Writer": writer})


@api.delete("/drafts/{draft_id}", summary="删除草稿（连同其文档与修订）")
def delete_draft(request: Request, draft_id: Id):
    try:
        return store.delete_draft(_engine(request), draft_id)
    except JixiaoError as exc:
        return _error(exc)


@api.delete("/documents/{doc_id}", summary="删除文档")
def delete_document(request: Request, doc_id: Id):
    try:
        return store.delete_document(_engine(request), doc_id)
    except JixiaoError as exc:
        return _error(exc)


async def _parsed_upload(request: Request, file: UploadFile):
    limit = getattr(request.app.state, "max_upload_bytes", 50 * 1024 * 1024)
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise JixiaoError(f"文件过大（上限 {limit // (1024 * 1024)} MB）", file.filename)
    return parse_bytes(data, file.filename or "上传文件", max_bytes=limit)


@api.put("/documents/{doc_id}", summary="以新文件替换文档（保留文档编号与状态）")
async def replace_document(request: Request, doc_id: Id,
                           file: Annotated[UploadFile, File(description="替换用的绩效目标表文件")]):
    try:
        doc = await _parsed_upload(request, file)
        return store.replace_document(_engine(request), doc_id, doc, author())
    except JixiaoError as exc:
        return _error(exc)


# ------------------------------------------------------------------------------------------- web pages

def _render(template: str, status_code: int = 200, **context) -> HTMLResponse:
    from .routes_web import render

    return render(template, status_code=status_code, **context)


def _error_page(exc: JixiaoError) -> HTMLResponse:
    return _render("error.html", status_code=getattr(exc, "status", 400), status=getattr(exc, "status", 400),
                   title="无法完成", detail=str(exc))


@web.get("/drafts", response_class=HTMLResponse)
def drafts_page(request: Request, name: Annotated[str | None, Query(max_length=200)] = None,
                year: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> HTMLResponse:
    with _engine(request).connect() as conn:
        drafts = store.list_drafts(conn)
        previous = store.previous_tables(conn, name, year) if name else []
    return _render("editor_list.html", drafts=drafts, kinds=KINDS, previous=previous, q_name=name or "", year=year)


@web.post("/drafts")
def create_from_form(request: Request, name: Annotated[str, Form(min_length=1, max_length=200)],
                     kind: Annotated[str, Form(max_length=20)] = "",
                     department: Annotated[str, Form(max_length=200)] = "",
                     unit: Annotated[str, Form(max_length=200)] = "",
                     year: Annotated[int | None, Form(ge=1990, le=2100)] = None,
                     content: Annotated[str, Form(max_length=2000)] = "") -> Response:
    fields = Fields(name=name, department=department, unit=unit, year=year, content=content)
    try:
        draft = store.new_from_skeleton(_engine(request), fields, kind or guess_kind(name, content), author())
    except JixiaoError as exc:
        return _error_page(exc)
    return RedirectResponse(f"/drafts/{draft['id']}", status_code=303)


@web.post("/drafts/copy")
def copy_from_form(request: Request, project_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
                   year: Annotated[int | None, Form(ge=1990, le=2100)] = None) -> Response:
    try:
        draft = store.copy_project(_engine(request), project_id, author(), year)
    except JixiaoError as exc:
        return _error_page(exc)
    return RedirectResponse(f"/drafts/{draft['id']}", status_code=303)


@web.get("/drafts/{draft_id}", response_class=HTMLResponse)
def editor_page(request: Request, draft_id: Id) -> HTMLResponse:
    from .routes_web import _script_json

    try:
        with _engine(request).connect() as conn:
            draft = store.get_draft(conn, draft_id)
            comments = store.reviewer_comments(conn, draft)
    except JixiaoError as exc:
        return _error_page(exc)
    setup = {"draft": draft, "findings": all_findings(Content.model_validate(draft["content"])), "comments": comments,
             "levels": {k: list(v) for k, v in LEVEL2_BY_LEVEL1.items() if k in LEVEL1}, "operators": OPERATORS}
    return _render("editor.html", draft=draft, setup=_script_json(setup))


@web.get("/drafts/{draft_id}/diff", response_class=HTMLResponse)
def diff_page(request: Request, draft_id: Id, a: Annotated[int, Query(ge=1, le=2_147_483_647)],
              b: Annotated[int, Query(ge=1, le=2_147_483_647)]):
    from .routes_web import CHANGE_ZH

    try:
        with _engine(request).connect() as conn:
            draft = store.get_draft(conn, draft_id)
            result = store.diff_revisions(conn, draft_id, a, b)
    except JixiaoError as exc:
        return _error_page(exc)
    return _render("editor_diff.html", draft=draft, diff=result, change_zh=CHANGE_ZH)


@web.get("/documents/{doc_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, doc_id: Id) -> HTMLResponse:
    try:
        with _engine(request).connect() as conn:
            info = store.document_summary(conn, doc_id)
    except JixiaoError as exc:
        return _error_page(exc)
    return _render("editor_confirm.html", doc=info, action="delete")


@web.post("/documents/{doc_id}/delete")
def delete_from_form(request: Request, doc_id: Id, confirm: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        with _engine(request).connect() as conn:
            info = store.document_summary(conn, doc_id)
        if confirm.strip() != str(doc_id):
            return _render("editor_confirm.html", status_code=400, doc=info, action="delete",
                           problem=f"请输入文档编号 {doc_id} 以确认删除")
        store.delete_document(_engine(request), doc_id)
    except JixiaoError as exc:
        return _error_page(exc)
    return _render("editor_confirm.html", doc=info, action="deleted")


@web.get("/documents/{doc_id}/replace", response_class=HTMLResponse)
def confirm_replace(request: Request, doc_id: Id) -> HTMLResponse:
    try:
        with _engine(request).connect() as conn:
            info = store.document_summary(conn, doc_id)
    except JixiaoError as exc:
        return _error_page(exc)
    return _render("editor_confirm.html", doc=info, action="replace")


@web.post("/documents/{doc_id}/replace")
async def replace_from_form(request: Request, doc_id: Id, file: Annotated[UploadFile, File()],
                            confirm: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        with _engine(request).connect() as conn:
            info = store.document_summary(conn, doc_id)
        if confirm.strip() != str(doc_id):
            return _render("editor_confirm.html", status_code=400, doc=info, action="replace",
                           problem=f"请输入文档编号 {doc_id} 以确认替换")
        doc = await _parsed_upload(request, file)
        store.replace_document(_engine(request), doc_id, doc, author())
    except JixiaoError as exc:
        return _error_page(exc)
    return RedirectResponse(f"/documents/{doc_id}", status_code=303)


router.include_router(api)
router.include_router(web)

"""The review workflow's API and pages: move a table (submit, return, approve), comment per indicator from
the national opinion list, read a table under review with its comments and findings beside its rows,
download the 审核意见书 (DOCX), and (administrators) view and export the audit log.

Every handler asks `jixiao.workflow.facade` and only formats the answer; a refusal is a JixiaoError whose
status (401/403 permission, 404 no such table, 409 illegal move, 422 bad comment) becomes an HTTPException,
which the app answers as JSON under /api and as the error page elsewhere."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ..errors import JixiaoError
from ..service import LOCAL
from ..workflow import facade
from ..workflow.audit import AuditFilter
from ..workflow.opinions import ACTION_ZH, OPINIONS, ROLE_ZH, STATUS_ZH, STATUSES
from .context import review_settings

router = APIRouter(tags=["审核流转"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="文档编号")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Action = Literal["submit", "return", "approve"]


def principal(request: Request):
    """The logged-in principal (set by the accounts middleware), else the machine's owner: a server run
    without accounts is a personal tool, as the rest of the app treats it."""
    return getattr(request.state, "principal", None) or LOCAL


def _engine(request: Request):
    return request.app.state.engine


def _call(fn, *args, **kwargs):
    """A facade call; its JixiaoError as the HTTP status it carries (401/403/404/409/422) and its one line, so
    the answer is the same whether or not the app's error policy knows the class."""
    try:
        return fn(*args, **kwargs)
    except JixiaoError as exc:
        raise HTTPException(getattr(exc, "status", 400), exc.message) from exc


def _download(data: bytes, media: str, filename: str) -> Response:
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


# ---- JSON API ----

class NoteIn(BaseModel):
    note: str | None = Field(None, max_length=2000, description="退回或通过时的说明（记为一条整表审核意见）")


class CommentIn(BaseModel):
    project_index: int | None = Field(None, ge=0, le=100_000, description="项目在文档中的位置（从 0 起）；空：整表意见")
    indicator_seq: int | None = Field(None, ge=0, le=100_000, description="指标序号；空：项目意见")
    opinion: int | None = Field(None, ge=1, le=len(OPINIONS), description="全国审核意见清单代码 1–11")
    text: str | None = Field(None, max_length=2000, description="审核意见说明")
    fix: str | None = Field(None, max_length=2000, description="修改建议（空：取意见类型和规则的建议）")
    rules: list[Annotated[str, Field(max_length=16)]] = Field(default_factory=list, max_length=20,
                                                              description="附上的 jixiao 规则代码，如 JX201")


@router.get("/api/opinions", summary="全国审核意见清单（11 类）")
def opinions() -> list[dict]:
    return [o.to_dict() for o in OPINIONS.values()]


@router.get("/api/documents/{doc_id}/workflow", summary="表的审核状态、当前用户可做的操作、流转记录")
def workflow_state(request: Request, doc_id: Id) -> dict:
    return _call(facade.state, _engine(request), principal(request), doc_id)


@router.post("/api/documents/{doc_id}/workflow/{action}", summary="报送（submit）、退回（return）或审核通过（approve）")
def workflow_move(request: Request, doc_id: Id, action: Action, body: NoteIn | None = None) -> dict:
    return _call(facade.move, _engine(request), principal(request), doc_id, action, body.note if body else None)


@router.get("/api/documents/{doc_id}/comments", summary="表的审核意见（全部轮次，或某一轮）")
def list_comments(request: Request, doc_id: Id,
                  round: Annotated[int | None, Query(ge=1, le=10_000, description="第几轮报送")] = None) -> list[dict]:
    return _call(facade.comments, _engine(request), principal(request), doc_id, round)


@router.post("/api/documents/{doc_id}/comments", status_code=201, summary="对指标、项目或整表填写审核意见")
def post_comment(request: Request, doc_id: Id, body: CommentIn) -> dict:
    return _call(facade.comment, _engine(request), principal(request), doc_id, project_index=body.project_index,
                          indicator_seq=body.indicator_seq, opinion_code=body.opinion, text=body.text, fix=body.fix,
                          rules=body.rules, settings=review_settings(request))


@router.delete("/api/documents/{doc_id}/comments/{comment_id}", summary="删除本轮自己填写的审核意见（审计日志保留原文）")
def delete_comment(request: Request, doc_id: Id, comment_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> dict:
    return _call(facade.uncomment, _engine(request), principal(request), doc_id, comment_id)


@router.get("/api/documents/{doc_id}/opinion-letter.docx", summary="审核意见书（DOCX）",
            response_class=Response, responses={200: {"content": {DOCX: {}}}})
def document_letter(request: Request, doc_id: Id) -> Response:
    data = _call(facade.letter, _engine(request), principal(request), [doc_id], review_settings(request))
    return _download(data, DOCX, f"文档{doc_id}-审核意见书.docx")


@router.get("/api/departments/{name:path}/opinion-letter.docx", summary="部门的审核意见书（DOCX，部门的全部表）",
            response_class=Response, responses={200: {"content": {DOCX: {}}}})
def department_letter(request: Request, name: Annotated[str, Path(max_length=200)]) -> Response:
    data = _call(facade.department_letter, _engine(request), principal(request), name,
                 review_settings(request))
    return _download(data, DOCX, f"{name}-审核意见书.docx")


def _filter(action, actor, target, department, since, until, limit=100, offset=0) -> AuditFilter:
    return AuditFilter(action=action or None, actor=actor or None, target=target or None,
                       department=department or None, since=since, until=until, limit=limit, offset=offset)


Text = Annotated[str | None, Query(max_length=200)]
When = Annotated[datetime | None, Query(description="ISO 时间，如 2026-12-01T08:00:00+00:00")]


@router.get("/api/audit", summary="审计日志（管理员）：谁、何时、做了什么、前后状态；format=csv 或 json 导出全部",
            responses={200: {"content": {"text/csv": {}}}})
def audit_api(request: Request, action: Text = None, actor: Text = None, target: Text = None, department: Text = None,
              since: When = None, until: When = None,
              format: Annotated[Literal["page", "json", "csv"], Query(description="page：分页 JSON")] = "page",
              limit: Annotated[int, Query(ge=1, le=1000)] = 100,
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0):
    f = _filter(action, actor, target, department, since, until, limit, offset)
    if format == "page":
        total, rows = _call(facade.audit_log, _engine(request), principal(request), f)
        return {"total": total, "limit": limit, "offset": offset, "entries": rows}
    text = _call(facade.audit_export, _engine(request), principal(request), format, f)
    media = "text/csv; charset=utf-8" if format == "csv" else "application/json"
    return _download(text.encode("utf-8"), media, f"audit.{format}")


# ---- pages ----

def _render(name: str, **context) -> HTMLResponse:
    from .routes_web import render

    return render(name, status_zh=STATUS_ZH, action_zh=ACTION_ZH, role_zh=ROLE_ZH, **context)


@router.get("/workflow", response_class=HTMLResponse, include_in_schema=False)
def workflow_page(request: Request, status: Annotated[str | None, Query(max_length=20)] = None,
                  department: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    statuses = (status,) if status in STATUSES else STATUSES
    rows = _call(facade.tables, _engine(request), principal(request), statuses, department or None)
    return _render("workflow_list.html", rows=rows, status=status or "", department=department or "",
                   statuses=STATUSES)


@router.get("/documents/{doc_id}/workflow", response_class=HTMLResponse, include_in_schema=False)
def sheet_page(request: Request, doc_id: Id) -> HTMLResponse:
    s = _call(facade.sheet, _engine(request), principal(request), doc_id, review_settings(request))
    return _render("workflow_sheet.html", s=s, d=s["document"])


def _back(doc_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/documents/{doc_id}/workflow{anchor}", status_code=303)


def _optional_int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@router.post("/documents/{doc_id}/workflow/comments", include_in_schema=False)
def sheet_comment(request: Request, doc_id: Id,
                  project_index: Annotated[str | None, Form(max_length=10)] = None,
                  indicator_seq: Annotated[str | None, Form(max_length=10)] = None,
                  opinion: Annotated[str | None, Form(max_length=4)] = None,
                  text: Annotated[str | None, Form(max_length=2000)] = None,
                  fix: Annotated[str | None, Form(max_length=2000)] = None,
                  rules: Annotated[list[str] | None, Form()] = None) -> RedirectResponse:
    pi, seq = _optional_int(project_index), _optional_int(indicator_seq)
    _call(facade.comment, _engine(request), principal(request), doc_id, project_index=pi, indicator_seq=seq,
                   opinion_code=_optional_int(opinion), text=text, fix=fix,
                   rules=[r for r in (rules or []) if r][:20], settings=review_settings(request))
    return _back(doc_id, f"#row-{pi}-{seq}" if seq is not None else (f"#project-{pi}" if pi is not None else ""))


@router.post("/documents/{doc_id}/workflow/comments/{comment_id}/delete", include_in_schema=False)
def sheet_uncomment(request: Request, doc_id: Id,
                    comment_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> RedirectResponse:
    _call(facade.uncomment, _engine(request), principal(request), doc_id, comment_id)
    return _back(doc_id)


@router.post("/documents/{doc_id}/workflow/{action}", include_in_schema=False)
def sheet_move(request: Request, doc_id: Id, action: Action,
               note: Annotated[str | None, Form(max_length=2000)] = None) -> RedirectResponse:
    _call(facade.move, _engine(request), principal(request), doc_id, action, note)
    return _back(doc_id)


@router.get("/documents/{doc_id}/opinion-letter.docx", include_in_schema=False)
def sheet_letter(request: Request, doc_id: Id) -> Response:
    data = _call(facade.letter, _engine(request), principal(request), [doc_id], review_settings(request))
    return _download(data, DOCX, f"文档{doc_id}-审核意见书.docx")


PAGE = 50
Day = Annotated[str | None, Query(max_length=10, description="日期，如 2026-12-01")]


def _day(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HTTPException(400, f"{label}无效：{value}（应为 2026-12-01 这样的日期）") from exc


def _json(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False)


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, action: Text = None, actor: Text = None, target: Text = None,
               department: Text = None, since: Day = None, until: Day = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """`since` and `until` are days (UTC), both included; an empty field is no bound."""
    first, last = _day(since, "起始日期"), _day(until, "截止日期")
    start = datetime.combine(first, time.min, UTC) if first else None
    end = datetime.combine(last, time.min, UTC) + timedelta(days=1) if last else None
    f = _filter(action, actor, target, department, start, end, PAGE, (page - 1) * PAGE)
    total, rows = _call(facade.audit_log, _engine(request), principal(request), f)
    params = {k: str(v) for k, v in (("action", action), ("actor", actor), ("target", target),
                                     ("department", department), ("since", first), ("until", last)) if v}
    # the export links carry the same bounds as times, which is what /api/audit takes
    exported = {**{k: v for k, v in params.items() if k not in ("since", "until")},
                **{k: v.isoformat() for k, v in (("since", start), ("until", end)) if v}}
    pages = max(1, -(-total // PAGE))
    shown = [dict(r, before_text=_json(r["before"]), after_text=_json(r["after"])) for r in rows]
    return _render("workflow_audit.html", rows=shown, total=total, page=page, pages=pages, params=params,
                   query=urlencode(exported), prev=f"/admin/audit?{urlencode({**params, 'page': page - 1})}",
                   next=f"/admin/audit?{urlencode({**params, 'page': page + 1})}")

"""Server-rendered pages (Chinese UI). Document text is always escaped by Jinja2's autoescape."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..store import Filters, document_ids, load_document, query_indicators, query_projects
from . import service

router = APIRouter(include_in_schema=False)
_env = Environment(loader=PackageLoader("jixiao", "templates/web"), autoescape=select_autoescape(["html"]))
_env.filters["money"] = lambda v: "" if v is None else f"{v:,.2f}"
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
CHANGE_ZH = {"added": "新增", "removed": "删除", "renamed": "改名", "moved": "调整层级", "raised": "提高",
             "lowered": "降低", "kind_changed": "类型变化", "changed": "表述变化", "unchanged": "未变"}


def _page(name: str, **context) -> HTMLResponse:
    context.setdefault("severity_zh", SEVERITY_ZH)
    return HTMLResponse(_env.get_template(name).render(**context))


def _script_json(data) -> Markup:
    """JSON to embed in a <script> block: `<`, `>` and `&` escaped so document text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@lru_cache(maxsize=1)
def _plotly() -> bytes:
    from .app import plotly_js

    return plotly_js()


@router.get("/static/plotly.min.js")
def plotly() -> Response:
    return Response(_plotly(), media_type="application/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    with request.app.state.engine.connect() as conn:
        return _page("index.html", counts=service.counts(conn), departments=service.departments(conn))


@router.get("/departments/{name}", response_class=HTMLResponse)
def department(request: Request, name: str) -> HTMLResponse:
    with request.app.state.engine.connect() as conn:
        detail = service.department_detail(conn, name)
    if detail is None:
        raise HTTPException(404, f"没有部门“{name}”")
    chart = {"levels": list(detail["level_mix"]), "counts": list(detail["level_mix"].values()),
             "projects": [f"{n}. {p['name'][:14]}" for n, p in enumerate(detail["projects"], start=1)],
             "scores": [p["score"] for p in detail["projects"]]}
    return _page("department.html", d=detail, chart=_script_json(chart))


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project(request: Request, project_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> HTMLResponse:
    with request.app.state.engine.connect() as conn:
        detail = service.project_detail(conn, project_id)
    if detail is None:
        raise HTTPException(404, f"没有编号为 {project_id} 的项目")
    flagged = {f["indicator_seq"] for f in detail["findings"] if f["indicator_seq"]}
    return _page("project.html", d=detail, p=detail["project"], flagged=flagged)


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, severity: str | None = None, rule: str | None = None,
           department: str | None = None) -> HTMLResponse:
    with request.app.state.engine.connect() as conn:
        rows = service.all_findings(conn, department or None)
        depts = [d["department"] for d in service.departments(conn)]
    rules = sorted({r["rule"] for r in rows})
    shown = [r for r in rows if (not severity or r["severity"] == severity) and (not rule or r["rule"] == rule)]
    return _page("review.html", rows=shown[:2000], total=len(shown), rules=rules, depts=depts,
                 severity=severity or "", rule=rule or "", department=department or "")


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, department: str | None = None,
            a: Annotated[int | None, Query(ge=1900, le=2100)] = None,
            b: Annotated[int | None, Query(ge=1900, le=2100)] = None) -> HTMLResponse:
    from sqlalchemy import select

    from ..compare import compare_documents
    from ..store.schema import DocumentRow

    result = None
    with request.app.state.engine.connect() as conn:
        years = sorted({y for y in conn.execute(select(DocumentRow.year)).scalars() if y is not None})
        depts = [d["department"] for d in service.departments(conn)]
        if a is not None and b is not None:
            sides = [[load_document(conn, i) for i in document_ids(conn, Filters(year=y, department=department or None))]
                     for y in (a, b)]
            if all(sides):
                result = compare_documents(*sides)
    return _page("compare.html", years=years, depts=depts, department=department or "", a=a, b=b, result=result,
                 change_zh=CHANGE_ZH)


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, q: Annotated[str | None, Query(max_length=200)] = None,
            project: Annotated[str | None, Query(max_length=2000)] = None) -> HTMLResponse:
    from ..library import Suggester, ensure_library, search_library

    entries, suggestions, hits = [], [], []
    with request.app.state.engine.begin() as conn:
        ensure_library(conn)
        if q:
            entries = search_library(conn, q, 50)
            hits = query_indicators(conn, Filters(text=q, limit=20))
        if project:
            suggestions = Suggester.from_store(conn).suggest(project, limit=10)
    return _page("library.html", q=q or "", project=project or "", entries=entries, suggestions=suggestions,
                 hits=hits)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    projects, indicators = [], []
    if q.strip():
        with request.app.state.engine.connect() as conn:
            projects = query_projects(conn, Filters(text=q, limit=50))
            indicators = query_indicators(conn, Filters(text=q, limit=100))
    return _page("search.html", q=q, projects=projects, indicators=indicators)

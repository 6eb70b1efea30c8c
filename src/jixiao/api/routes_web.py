"""Server-rendered pages (Chinese UI). Document text is always escaped by Jinja2's autoescape."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import service
from ..review.report import SEVERITY_ZH
from .context import engine, principal, review_settings, score_config

router = APIRouter(include_in_schema=False)
_env = Environment(loader=PackageLoader("jixiao", "templates/web"), autoescape=select_autoescape(["html"]))
_env.filters["money"] = lambda v: "" if v is None else f"{v:,.2f}"
CHANGE_ZH = {"added": "新增", "removed": "删除", "renamed": "改名", "moved": "调整层级", "raised": "提高",
             "lowered": "降低", "kind_changed": "类型变化", "changed": "表述变化", "unchanged": "未变"}


def render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("severity_zh", SEVERITY_ZH)
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


_page = render


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
    data = service.overview(engine(request), principal(request))
    return _page("index.html", counts=data["counts"], departments=data["departments"])


_score_config = score_config


def _group_page(detail: dict) -> HTMLResponse:
    # projects in the table's order (lowest score first); the chart draws them top to bottom in that order
    chart = {"levels": list(detail["level_mix"]), "counts": list(detail["level_mix"].values()),
             "projects": [f"{n}. {p['name']}" for n, p in enumerate(detail["projects"], start=1)],
             "scores": [p["score"] for p in detail["projects"]],
             "links": [f"/projects/{p['id']}" if p["id"] else "" for p in detail["projects"]]}
    return _page("department.html", d=detail, chart=_script_json(chart), light_zh=service.LIGHT_LABEL)


@router.get("/departments/{name:path}", response_class=HTMLResponse)
def department(request: Request, name: str) -> Response:
    """A department's page. `:path` because a department's name may hold "/" (教育局/基础教育科): links carry it
    as %2F and the server hands the route the decoded path. Coming first, this route also takes the
    department's findings export, whose name may hold "/" as well."""
    if name.endswith("/findings.xlsx"):
        return department_export(request, name.removesuffix("/findings.xlsx"))
    detail = service.department_detail(engine(request), name, score_config(request), review_settings(request),
                                       principal(request))
    detail["export"] = f"/departments/{quote(name, safe='')}/findings.xlsx"
    detail["review"] = f"/review?department={quote(name, safe='')}"
    return _group_page(detail)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_group(request: Request, doc_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> HTMLResponse:
    detail = service.document_group_detail(engine(request), doc_id, score_config(request),
                                           review_settings(request), principal(request))
    detail["export"] = f"/documents/{doc_id}/findings.xlsx"
    detail["review"] = f"/review?document={doc_id}"
    detail["unnamed"] = True
    return _group_page(detail)


def _xlsx(findings: list[dict], filename: str) -> Response:
    import tempfile
    from pathlib import Path as FsPath

    from ..export.findings import write_findings_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / "findings.xlsx"
        write_findings_xlsx(findings, path)
        data = path.read_bytes()
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/departments/{name}/findings.xlsx")
def department_export(request: Request, name: str) -> Response:
    if not service.department_exists(engine(request), name):
        raise HTTPException(404, f"没有部门“{name}”")
    rows = service.findings_page(engine(request), review_settings(request), department=name, limit=None,
                                 principal=principal(request))[1]
    return _xlsx(rows, f"{name}-审核意见.xlsx")


@router.get("/documents/{doc_id}/findings.xlsx")
def document_export(request: Request, doc_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> Response:
    service.get_document(engine(request), doc_id, principal(request))  # 404 when there is none
    rows = service.findings_page(engine(request), review_settings(request), document_id=doc_id, limit=None,
                                 principal=principal(request))[1]
    return _xlsx(rows, f"文档{doc_id}-审核意见.xlsx")


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project(request: Request, project_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> HTMLResponse:
    detail = service.project_page(engine(request), project_id, score_config(request), review_settings(request),
                                  principal(request))
    flagged = {f["indicator_seq"] for f in detail["findings"] if f["indicator_seq"]}
    return _page("project.html", d=detail, p=detail["project"], flagged=flagged, x=detail["execution"],
                 light_zh=service.LIGHT_LABEL)


PAGE_SIZE = 50


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, severity: Annotated[str | None, Query(max_length=20)] = None,
           rule: Annotated[str | None, Query(max_length=20)] = None,
           department: Annotated[str | None, Query(max_length=200)] = None,
           document: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
           page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    eng, who, settings = engine(request), principal(request), review_settings(request)
    where = {"department": department or None, "document_id": document,
             "severity": severity or None, "rule": rule or None}
    total, shown = service.findings_page(eng, settings, **where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                         principal=who)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:  # past the end (a bookmarked page of a list that shrank): the last page
        page = pages
        total, shown = service.findings_page(eng, settings, **where, limit=PAGE_SIZE,
                                             offset=(page - 1) * PAGE_SIZE, principal=who)
    rules = service.finding_rules(eng, settings, department=where["department"], document_id=document,
                                  principal=who)
    depts = service.department_names(eng, who)
    params = {k: v for k, v in (("department", department), ("document", document), ("severity", severity),
                                ("rule", rule)) if v}
    links = {n: "/review?" + urlencode({**params, "page": n}) for n in range(1, pages + 1)}
    return _page("review.html", rows=shown, total=total,
                 rules=rules, depts=depts, severity=severity or "", rule=rule or "", department=department or "",
                 document=document, page=page, pages=pages, links=links, first=(page - 1) * PAGE_SIZE + 1)


@router.get("/rules", response_class=HTMLResponse)
def rules_catalog(request: Request) -> HTMLResponse:
    from ..review.catalog import _FAMILY_ZH
    from ..review.engine import all_rules

    return _page("rules.html", rules=all_rules(), family_zh=_FAMILY_ZH)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, department: Annotated[str | None, Query(max_length=200)] = None,
            a: Annotated[int | None, Query(ge=1900, le=2100)] = None,
            b: Annotated[int | None, Query(ge=1900, le=2100)] = None) -> HTMLResponse:
    """Two years of one department (or of everything); without years, its two latest years with data."""
    data = service.compare_years(engine(request), department or None, a, b, principal(request))
    depts, years, a, b, result = data["departments"], data["years"], data["a"], data["b"], data["result"]
    if result:
        for m in result["projects"]:
            ba, bb = m["budget_a"], m["budget_b"]
            m["budget_pct"] = round(100 * (bb - ba) / ba, 1) if ba and bb is not None else None
        result["only_a"] = [m for m in result["projects"] if m["status"] == "only_a"]
        result["only_b"] = [m for m in result["projects"] if m["status"] == "only_b"]
    return _page("compare.html", years=years, depts=depts, department=department or "", a=a, b=b, result=result,
                 change_zh=CHANGE_ZH)


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, q: Annotated[str | None, Query(max_length=200)] = None,
            project: Annotated[str | None, Query(max_length=2000)] = None) -> HTMLResponse:
    data = service.library_page(engine(request), q, project, principal(request))
    return _page("library.html", q=q or "", project=project or "", **data)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "",
           page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """Projects whose name or goal matches, then projects found through their matching indicators."""
    data = service.search_page(engine(request), q, principal(request), page)
    return _page("search.html", q=q, **data)

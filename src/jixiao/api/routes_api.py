"""JSON endpoints under /api. Every list is paginated; bad input gets a 4xx with a Chinese message."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from ..errors import JixiaoError
from ..ingest import parse_bytes
from ..store import Filters, document_ids, load_document, query_indicators, query_projects
from ..store.schema import DocumentRow
from ..store.search import flush as flush_search
from ..store.writer import store_document
from . import service

router = APIRouter(prefix="/api")
Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="编号")]
Limit = Annotated[int, Query(ge=1, le=1000, description="每页条数")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="跳过条数")]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
Text = Annotated[str | None, Query(max_length=200)]
Kind = Literal["number", "range", "compound", "bool", "deadline", "text"]
Level1 = Literal["产出指标", "效益指标", "满意度指标", "成本指标"]


class FileResult(BaseModel):
    file: str
    status: Literal["stored", "unchanged", "replaced", "failed"]
    message: str = ""
    document_id: int | None = None
    duplicate_of: str | None = None
    projects: int = 0
    indicators: int = 0


class Page(BaseModel):
    total: int | None = None
    limit: int
    offset: int
    items: list[dict]


def _engine(request: Request):
    return request.app.state.engine


@router.post("/documents", response_model=list[FileResult], summary="上传并入库（每个文件单独结果）")
async def upload(request: Request, files: Annotated[list[UploadFile], File(description="绩效目标表文件")],
                 replace: bool = False,
                 department: Annotated[str | None, Form(max_length=200, description="文档未注明部门时使用")] = None,
                 year: Annotated[int | None, Form(ge=1900, le=2100, description="文档未注明年度时使用")] = None,
                 ) -> list[FileResult]:
    limit = request.app.state.max_upload_bytes
    results = []
    for f in files[:200]:
        name = (f.filename or "upload").replace("/", "_")[-200:]
        data = await f.read(limit + 1)
        if len(data) > limit:
            results.append(FileResult(file=name, status="failed", message=f"文件过大（上限 {limit // 1048576} MB）"))
            continue
        try:
            doc = parse_bytes(data, name, max_bytes=limit)
        except JixiaoError as exc:
            results.append(FileResult(file=name, status="failed", message=exc.message))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad upload must not fail the others
            results.append(FileResult(file=name, status="failed", message=f"内部错误（{type(exc).__name__}）"))
            continue
        filled = []
        if department and department.strip() and not doc.department:
            doc = doc.model_copy(update={"department": department.strip()})
            filled.append(f"部门按所填：{department.strip()}")
        if year and doc.year is None:
            doc = doc.model_copy(update={"year": year})
            filled.append(f"年度按所填：{year}")
        with _engine(request).begin() as conn:
            status = store_document(conn, doc, replace=replace)
            doc_id = conn.execute(DocumentRow.__table__.select().with_only_columns(DocumentRow.id)
                                  .where(DocumentRow.sha256 == doc.source.sha256)).scalar()
            twin = service.same_table(conn, doc, doc_id) if status != "failed" else None
        if twin:
            filled.append(f"与已入库的 {twin} 是同一张表（项目和指标相同），预算会重复计算")
        results.append(FileResult(file=name, status=status, document_id=doc_id, projects=len(doc.projects),
                                  indicators=sum(len(p.indicators) for p in doc.projects), message="；".join(filled),
                                  duplicate_of=twin))
    flush_search(_engine(request))
    if any(r.status == "failed" for r in results) and all(r.status == "failed" for r in results):
        raise HTTPException(400, "；".join(f"{r.file}: {r.message}" for r in results)[:1000])
    return results


@router.get("/documents", response_model=Page, summary="文档列表")
def list_documents(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                   department: Text = None) -> Page:
    from sqlalchemy import func, select

    q = select(DocumentRow.id, DocumentRow.source_name, DocumentRow.title, DocumentRow.year, DocumentRow.department,
               DocumentRow.n_projects, DocumentRow.n_indicators, DocumentRow.format)
    if year is not None:
        q = q.where(DocumentRow.year == year)
    if department:
        q = q.where(DocumentRow.department.like(f"%{department}%"))
    with _engine(request).connect() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar()
        rows = conn.execute(q.order_by(DocumentRow.id).limit(limit).offset(offset)).all()
    return Page(total=total, limit=limit, offset=offset, items=[dict(r._mapping) for r in rows])


@router.get("/documents/{doc_id}", summary="一个文档（jixiao.document/1）")
def get_document(request: Request, doc_id: Id) -> dict:
    with _engine(request).connect() as conn:
        if doc_id not in set(document_ids(conn, Filters())):
            raise HTTPException(404, f"没有编号为 {doc_id} 的文档")
        return load_document(conn, doc_id).to_json_dict()


def _filters(limit, offset, year, department, unit, level1, level2, kind, q) -> Filters:
    return Filters(department=department, unit=unit, year=year, level1=level1, level2=level2, kind=kind, text=q,
                   limit=limit, offset=offset)


@router.get("/projects", response_model=Page, summary="项目列表（筛选、全文检索）")
def list_projects(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                  department: Text = None, unit: Text = None, level1: Level1 | None = None, level2: Text = None,
                  kind: Kind | None = None, q: Text = None) -> Page:
    with _engine(request).connect() as conn:
        rows = query_projects(conn, _filters(limit, offset, year, department, unit, level1, level2, kind, q))
    return Page(limit=limit, offset=offset, items=rows)


@router.get("/projects/{project_id}", summary="一个项目：指标与审核意见")
def get_project(request: Request, project_id: Id) -> dict:
    with _engine(request).connect() as conn:
        detail = service.project_detail(conn, project_id)
    if detail is None:
        raise HTTPException(404, f"没有编号为 {project_id} 的项目")
    return detail


@router.get("/indicators", response_model=Page, summary="指标列表（筛选、全文检索）")
def list_indicators(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                    department: Text = None, unit: Text = None, level1: Level1 | None = None, level2: Text = None,
                    kind: Kind | None = None, q: Text = None) -> Page:
    with _engine(request).connect() as conn:
        rows = query_indicators(conn, _filters(limit, offset, year, department, unit, level1, level2, kind, q))
    return Page(limit=limit, offset=offset, items=rows)


@router.get("/search", summary="全文检索项目和指标（两个字的词也可）")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 20,
           offset: Offset = 0) -> dict:
    with _engine(request).connect() as conn:
        return {"q": q, "projects": query_projects(conn, Filters(text=q, limit=limit, offset=offset)),
                "indicators": query_indicators(conn, Filters(text=q, limit=limit, offset=offset))}


@router.get("/review", response_model=Page, summary="审核意见（按严重程度排序）")
def review(request: Request, limit: Limit = 100, offset: Offset = 0, year: Year = None, department: Text = None,
           severity: Literal["error", "warning", "info"] | None = None, rule: Text = None) -> Page:
    with _engine(request).connect() as conn:
        rows = service.all_findings(conn, department, year)
    if severity:
        rows = [r for r in rows if r["severity"] == severity]
    if rule:
        rows = [r for r in rows if r["rule"] == rule]
    return Page(total=len(rows), limit=limit, offset=offset, items=rows[offset:offset + limit])


@router.get("/compare", summary="比较两年（或两组文档）")
def compare(request: Request, a_year: Year = None, b_year: Year = None, department: Text = None,
            a_document: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
            b_document: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None) -> dict:
    from ..compare import compare_documents

    with _engine(request).connect() as conn:
        sides = []
        for year, doc in ((a_year, a_document), (b_year, b_document)):
            if doc is not None:
                ids = [doc] if doc in set(document_ids(conn, Filters())) else []
            elif year is not None:
                ids = document_ids(conn, Filters(year=year, department=department))
            else:
                raise HTTPException(400, "请给出 a_year 和 b_year，或 a_document 和 b_document")
            if not ids:
                raise HTTPException(404, "没有符合条件的文档")
            sides.append([load_document(conn, i) for i in ids])
    return compare_documents(*sides)


@router.get("/library/search", response_model=Page, summary="指标库检索")
def library_search(request: Request, q: Annotated[str, Query(min_length=1, max_length=100)], limit: Limit = 20,
                   offset: Offset = 0) -> Page:
    from ..library import ensure_library, search_library

    with _engine(request).begin() as conn:
        ensure_library(conn)
        rows = search_library(conn, q, limit + offset)
    return Page(limit=limit, offset=offset, items=rows[offset:])


@router.get("/library/{entry_id}", summary="指标库条目")
def library_entry(request: Request, entry_id: Id) -> dict:
    from ..library import ensure_library, show_entry

    with _engine(request).begin() as conn:
        ensure_library(conn)
        data = show_entry(conn, str(entry_id))
    if data is None:
        raise HTTPException(404, f"指标库中没有条目 {entry_id}")
    return data


@router.get("/suggest", summary="为新项目推荐指标")
def suggest(request: Request, q: Annotated[str, Query(min_length=1, max_length=2000)], limit: Limit = 10) -> dict:
    from ..library import Suggester, ensure_library

    with _engine(request).begin() as conn:
        ensure_library(conn)
        return {"q": q, "items": Suggester.from_store(conn).suggest(q, limit=limit)}


@router.get("/rules", summary="审核规则目录")
def rules() -> list[dict]:
    from ..review.engine import all_rules

    return [{"code": r.code, "name": r.name, "severity": r.severity, "family": r.family, "enabled": r.enabled,
             "summary": r.summary, "rationale": r.rationale, "fix": r.fix} for r in all_rules()]


@router.get("/export", summary="导出（json、csv、xlsx、parquet）")
def export(request: Request, format: Literal["json", "csv", "xlsx", "parquet"] = "csv", year: Year = None,
           department: Text = None) -> Response:
    from .app import export_bytes

    with _engine(request).connect() as conn:
        ids = document_ids(conn, Filters(year=year, department=department))
        data, media = export_bytes((load_document(conn, i) for i in ids), format)
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="jixiao-export.{format}"'})

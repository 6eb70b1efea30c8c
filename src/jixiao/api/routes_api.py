"""JSON endpoints under /api. Every list is paginated; bad input gets a 4xx with a Chinese message."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from .. import service
from ..errors import Forbidden
from ..store import Filters
from .context import engine as _engine
from .context import principal, review_settings

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


@router.post("/documents", response_model=list[FileResult], summary="上传并入库（每个文件单独结果）")
async def upload(request: Request, files: Annotated[list[UploadFile], File(description="绩效目标表文件")],
                 replace: bool = False,
                 department: Annotated[str | None, Form(max_length=200, description="文档未注明部门时使用")] = None,
                 year: Annotated[int | None, Form(ge=1900, le=2100, description="文档未注明年度时使用")] = None,
                 ) -> list[FileResult]:
    limit = request.app.state.max_upload_bytes
    engine, who, settings = _engine(request), principal(request), review_settings(request)
    results, refused = [], False
    for f in files[:200]:
        name = (f.filename or "upload").replace("/", "_")[-200:]
        data = await f.read(limit + 1)
        if len(data) > limit:
            results.append(FileResult(file=name, status="failed", message=f"文件过大（上限 {limit // 1048576} MB）"))
            continue
        try:
            r = service.ingest_bytes(engine, data, name, replace=replace, department=department, year=year,
                                     max_bytes=limit, settings=settings, principal=who, flush=False)
        except Forbidden as exc:  # this file is another department's: refused, and the rest of the batch goes on
            refused = True
            results.append(FileResult(file=name, status="failed", message=str(exc)))
            continue
        results.append(FileResult(file=name, status=r.status, message=r.message, document_id=r.document_id,
                                  duplicate_of=r.duplicate_of, projects=r.projects, indicators=r.indicators))
    service.flush(engine)
    if any(r.status == "failed" for r in results) and all(r.status == "failed" for r in results):
        raise HTTPException(403 if refused else 400, "；".join(f"{r.file}: {r.message}" for r in results)[:1000])
    return results


@router.get("/documents", response_model=Page, summary="文档列表")
def list_documents(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                   department: Text = None) -> Page:
    total, rows = service.list_documents(_engine(request), year=year, department=department, limit=limit,
                                         offset=offset, principal=principal(request))
    return Page(total=total, limit=limit, offset=offset, items=rows)


@router.get("/documents/{doc_id}", summary="一个文档（jixiao.document/1）")
def get_document(request: Request, doc_id: Id) -> dict:
    return service.get_document(_engine(request), doc_id, principal(request)).to_json_dict()


def _filters(limit, offset, year, department, unit, level1, level2, kind, q) -> Filters:
    return Filters(department=department, unit=unit, year=year, level1=level1, level2=level2, kind=kind, text=q,
                   limit=limit, offset=offset)


@router.get("/projects", response_model=Page, summary="项目列表（筛选、全文检索）")
def list_projects(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                  department: Text = None, unit: Text = None, level1: Level1 | None = None, level2: Text = None,
                  kind: Kind | None = None, q: Text = None) -> Page:
    rows = service.projects(_engine(request), _filters(limit, offset, year, department, unit, level1, level2, kind, q),
                            principal(request))
    return Page(limit=limit, offset=offset, items=rows)


@router.get("/projects/{project_id}", summary="一个项目：指标与审核意见")
def get_project(request: Request, project_id: Id) -> dict:
    return service.project_detail(_engine(request), project_id, review_settings(request), principal(request))


@router.get("/indicators", response_model=Page, summary="指标列表（筛选、全文检索）")
def list_indicators(request: Request, limit: Limit = 50, offset: Offset = 0, year: Year = None,
                    department: Text = None, unit: Text = None, level1: Level1 | None = None, level2: Text = None,
                    kind: Kind | None = None, q: Text = None) -> Page:
    rows = service.indicators(_engine(request),
                              _filters(limit, offset, year, department, unit, level1, level2, kind, q),
                              principal(request))
    return Page(limit=limit, offset=offset, items=rows)


@router.get("/search", summary="全文检索项目和指标（两个字的词也可）")
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 20,
           offset: Offset = 0) -> dict:
    return service.search(_engine(request), q, limit, offset, principal(request))


@router.get("/review", response_model=Page, summary="审核意见（按严重程度排序）")
def review(request: Request, limit: Limit = 100, offset: Offset = 0, year: Year = None, department: Text = None,
           severity: Literal["error", "warning", "info"] | None = None, rule: Text = None) -> Page:
    total, rows = service.findings_page(_engine(request), review_settings(request), department=department,
                                        year=year, severity=severity, rule=rule, limit=limit, offset=offset,
                                        principal=principal(request))
    return Page(total=total, limit=limit, offset=offset, items=rows)


@router.get("/compare", summary="比较两年（或两组文档）")
def compare(request: Request, a_year: Year = None, b_year: Year = None, department: Text = None,
            a_document: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
            b_document: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None) -> dict:
    return service.compare_stored(_engine(request), a_year=a_year, b_year=b_year, department=department,
                                  a_document=a_document, b_document=b_document, principal=principal(request))


@router.get("/library/search", response_model=Page, summary="指标库检索")
def library_search(request: Request, q: Annotated[str, Query(min_length=1, max_length=100)], limit: Limit = 20,
                   offset: Offset = 0) -> Page:
    rows = service.library_search(_engine(request), q, limit + offset, principal(request))
    return Page(limit=limit, offset=offset, items=rows[offset:])


@router.get("/library/{entry_id}", summary="指标库条目")
def library_entry(request: Request, entry_id: Id) -> dict:
    return service.library_entry(_engine(request), str(entry_id), principal(request))


@router.get("/suggest", summary="为新项目推荐指标")
def suggest(request: Request, q: Annotated[str, Query(min_length=1, max_length=2000)], limit: Limit = 10) -> dict:
    return {"q": q, "items": service.suggest(_engine(request), q, limit, principal(request))}


@router.get("/rules", summary="审核规则目录")
def rules() -> list[dict]:
    from ..review.engine import all_rules

    return [{"code": r.code, "name": r.name, "severity": r.severity, "family": r.family, "enabled": r.enabled,
             "summary": r.summary, "rationale": r.rationale, "fix": r.fix} for r in all_rules()]


@router.get("/export", summary="导出（json、csv、xlsx、parquet）")
def export(request: Request, format: Literal["json", "csv", "xlsx", "parquet"] = "csv", year: Year = None,
           department: Text = None) -> Response:
    from .app import export_bytes

    who = principal(request)
    ids = service.document_ids_matching(_engine(request), Filters(year=year, department=department), who)
    data, media = export_bytes(service.iter_documents(_engine(request), ids, who), format)
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="jixiao-export.{format}"'})

"""Downloads of the standard tables: a stored project, or the stored projects of a department, a year or a
search, as the published XLSX or DOCX, or as the national system's import sheet. The same selection and
writers as `jixiao export-table` (`jixiao.export.standard_export`).

The import sheet holds only the rows that load. When some would not, the answer is 422 with every such
row listed (`rejected`), unless `partial=true` asks for the file anyway; the file then carries the count in
`X-Jixiao-Rejected-Rows`."""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from ..errors import JixiaoError
from ..export.standard_export import MEDIA, SUFFIX, Selection, stored_selection, write_tables

router = APIRouter(prefix="/api", tags=["标准表导出"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="项目编号")]
FormatQuery = Annotated[Literal["xlsx", "docx", "import"],
                        Query(alias="format", description="xlsx、docx（标准公开格式）或 import（国家系统导入表）")]
FrameworkQuery = Annotated[Literal["keep", "2021", "old"],
                           Query(description="keep（按原表）、2021（含成本指标）或 old（原三类一级指标）")]
PartialQuery = Annotated[bool, Query(description="导入表有无法导入的行时仍返回可导入的部分")]
_FILES = {"xlsx": "标准表", "docx": "标准表", "import": "导入表"}


def _principal(request: Request):
    """Who asks (the accounts middleware sets it; without accounts, the all-seeing local user)."""
    from ..service.access import LOCAL

    return getattr(request.state, "principal", None) or LOCAL


def _download(selection: Selection, fmt: str, framework: str, partial: bool, stem: str) -> Response:
    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / f"table{SUFFIX[fmt]}"
        try:
            written = write_tables(selection, fmt, path, framework)
        except JixiaoError as exc:
            raise HTTPException(422, exc.message) from exc
        if written.rejected and not partial:
            return JSONResponse({"error": f"{len(written.rejected)} 行无法导入国家系统（加 partial=true 可下载其余各行）",
                                 "rejected": written.rejected}, status_code=422)
        data = path.read_bytes()
    from urllib.parse import quote

    name = f"{stem}-{_FILES[fmt]}{SUFFIX[fmt]}"
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
               "X-Jixiao-Rejected-Rows": str(len(written.rejected))}
    return Response(data, media_type=MEDIA[fmt], headers=headers)


@router.get("/projects/{project_id}/standard-table", summary="项目的标准绩效目标表（XLSX、DOCX）或国家系统导入表",
            response_class=Response)
def project_table(request: Request, project_id: Id, fmt: FormatQuery = "xlsx", framework: FrameworkQuery = "keep",
                  partial: PartialQuery = False) -> Response:
    with request.app.state.engine.connect() as conn:
        try:
            selection = stored_selection(conn, project_id=project_id, principal=_principal(request))
        except JixiaoError as exc:
            raise HTTPException(exc.status, exc.message) from exc
    return _download(selection, fmt, framework, partial, f"project-{project_id}")


@router.get("/standard-table", summary="部门、年度或检索结果的标准绩效目标表（每个项目一张表）或导入表",
            response_class=Response)
def selection_table(request: Request, fmt: FormatQuery = "xlsx", framework: FrameworkQuery = "keep",
                    department: Annotated[str | None, Query(max_length=200, description="部门（包含）")] = None,
                    year: Annotated[int | None, Query(ge=1900, le=2100, description="预算年度")] = None,
                    search: Annotated[str | None, Query(max_length=200, description="全文检索")] = None,
                    partial: PartialQuery = False) -> Response:
    if not (department or year or search):
        raise HTTPException(422, "请至少给出 department、year 或 search 之一")
    with request.app.state.engine.connect() as conn:
        try:
            selection = stored_selection(conn, department=department, year=year, search=search,
                                         principal=_principal(request))
        except JixiaoError as exc:
            raise HTTPException(exc.status, exc.message) from exc
    return _download(selection, fmt, framework, partial, "department" if department else "selection")

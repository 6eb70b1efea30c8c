"""JSON endpoints for monitoring and self-evaluation tables: a stored document's recomputed scores, its traffic
lights, its track against the approved target table, and the pre-filled templates a department fills in.

The figures come from the same functions as `jixiao score`, `jixiao track` and `jixiao template`; the template
choices (class weights, reverse rule, thresholds) are the server's (`app.state.score_config`, default the
cited ones), not the caller's."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from .. import service
from ..errors import JixiaoError
from ..execution.config import ScoreConfig
from ..model import Document
from .context import engine, principal

router = APIRouter(prefix="/api", tags=["监控与自评"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647, description="编号")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _config(request: Request) -> ScoreConfig:
    return ScoreConfig.resolve(getattr(request.app.state, "score_config", None))


@router.get("/documents/{doc_id}/score", summary="复算自评表：每个指标的表内得分与复算得分、规则、总分与等级")
def document_score(request: Request, doc_id: Id) -> dict:
    return service.score_stored(engine(request), doc_id, _config(request), principal(request))


@router.get("/documents/{doc_id}/lights", summary="监控表亮灯：每个指标、预算执行和项目的红黄绿蓝灯")
def document_lights(request: Request, doc_id: Id) -> dict:
    return service.lights_stored(engine(request), doc_id, _config(request), principal(request))


@router.get("/documents/{doc_id}/track", summary="与已批复的目标表对照：目标、实际、分值、得分、灯，批复后改动的目标")
def document_track(request: Request, doc_id: Id) -> dict:
    return service.track_stored(engine(request), doc_id, _config(request), principal(request))


TemplateKind = Literal["self_evaluation", "monitoring"]
KindQuery = Annotated[TemplateKind, Query(description="self_evaluation 或 monitoring")]
MonthQuery = Annotated[int, Query(ge=1, le=12, description="监控表的截止月份（1-m月）")]


@router.get("/projects/{project_id}/template", summary="预填的绩效自评表或执行监控表（XLSX）",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def project_template(request: Request, project_id: Id,
                     kind: KindQuery = "self_evaluation",
                     month: MonthQuery = 7) -> Response:
    doc, project = service.stored_project_for(engine(request), project_id, principal(request))
    return _template_response(doc, [project], kind, month, _config(request), f"project-{project_id}")


@router.get("/documents/{doc_id}/template", summary="文档中每个项目一张工作表的预填模板（XLSX）",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def document_template(request: Request, doc_id: Id,
                      kind: KindQuery = "self_evaluation",
                      month: MonthQuery = 7) -> Response:
    from ..export.templates import template_projects

    doc = service.get_document(engine(request), doc_id, principal(request))
    try:
        projects = template_projects(doc)
    except JixiaoError as exc:
        raise HTTPException(422, exc.message) from exc
    return _template_response(doc, projects, kind, month, _config(request), f"document-{doc_id}")


def _template_response(doc: Document, projects, kind: str, month: int, cfg: ScoreConfig, stem: str) -> Response:
    import tempfile
    from pathlib import Path as FsPath

    from ..export.templates import Options, write_template

    with tempfile.TemporaryDirectory() as tmp:
        path = FsPath(tmp) / "template.xlsx"
        write_template(doc, path, kind, projects, Options(month=month, config=cfg))
        data = path.read_bytes()
    name = f"{stem}-{'self-evaluation' if kind == 'self_evaluation' else 'monitoring'}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})

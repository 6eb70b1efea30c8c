"""`export-table`: what to export (given files, one stored project, or the stored projects a department,
a year or a search selects) and the three forms it is written in. The CLI and the API call these two
functions, so both select and write the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import JixiaoError
from ..model import Document, Project

TableFormat = Literal["xlsx", "docx", "import"]
FORMATS: tuple[str, ...] = ("xlsx", "docx", "import")
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "import": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SUFFIX = {"xlsx": ".xlsx", "import": ".xlsx", "docx": ".docx"}

# a selection: a document with the projects to write (None: the whole document, its department-wide table too)
Selection = list[tuple[Document, list[Project] | None]]


@dataclass
class Written:
    tables: int = 0  # tables (sheets or DOCX sections); for the import sheet, indicator rows
    projects: int = 0
    rejected: list[str] = field(default_factory=list)  # import sheet: the rows left out, one line each


def stored_selection(conn, project_id: int | None = None, department: str | None = None,
                     year: int | None = None, search: str | None = None, principal=None) -> Selection:
    """One stored project, or the stored projects matching department / year / search (all the store when
    none is given). A document all of whose projects match is exported whole, its department-wide table
    (部门整体绩效目标) with it; of another, only the matching projects. `principal` (the service layer's
    access check): one project it may not read is refused (403); from a selection such projects are left
    out."""
    from sqlalchemy import select

    from ..errors import NotFound
    from ..service.access import allowed, check
    from ..store import Filters, document_ids, load_document, query_projects
    from ..store.schema import ProjectRow
    from .templates import stored_project

    if project_id is not None:
        found = stored_project(conn, project_id)
        if found is None:
            raise NotFound(f"项目不存在：{project_id}")
        check(principal, "read", found[1].department or found[0].department)
        return [(found[0], [found[1]])]
    f = Filters(department=department, year=year, text=search)
    wanted: set[int] | None = None
    if department or search or year is not None:
        wanted = {r["id"] for r in query_projects(conn, f)}
    out: Selection = []
    for doc_id in document_ids(conn, f):
        doc = load_document(conn, doc_id)
        ids = list(conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == doc_id)
                                .order_by(ProjectRow.position)).scalars())
        chosen = [p for pid, p in zip(ids, doc.projects, strict=False) if (wanted is None or pid in wanted)
                  and allowed(principal, "read", p.department or doc.department)]
        if len(chosen) == len(doc.projects):
            out.append((doc, None))
        elif chosen:
            out.append((doc, chosen))
    if not out:
        raise NotFound("没有符合条件的项目")
    return out


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _printable(doc: Document, projects: list[Project] | None) -> tuple[Document, list[Project] | None]:
    """The document without control characters (a stored name may hold one; neither XLSX nor DOCX can
    carry them), its selected projects taken from the copy."""

    def clean(value):
        if isinstance(value, str):
            return _CONTROL.sub("", value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    data = doc.model_dump(by_alias=True)
    cleaned = clean(data)
    if cleaned == data:
        return doc, projects
    copy = Document.model_validate(cleaned)
    if projects is None:
        return copy, None
    index = [next(k for k, q in enumerate(doc.projects) if q is p) for p in projects]
    return copy, [copy.projects[k] for k in index]


def write_tables(selection: Selection, fmt: str, path: Path, framework: str = "keep") -> Written:
    """Write the selection in one of the three forms."""
    from .import_sheet import write_import_sheet
    from .standard_docx import write_docx_tables
    from .standard_layout import FRAMEWORKS, standard_tables
    from .standard_xlsx import write_xlsx_tables

    if fmt not in FORMATS:
        raise JixiaoError(f"导出格式无效：{fmt}（可用 xlsx、docx、import）")
    if framework not in FRAMEWORKS:
        raise JixiaoError(f"指标框架无效：{framework}（可用 2021、old）")
    selection = [_printable(doc, ps) for doc, ps in selection]
    n_projects = sum(len(doc.projects if ps is None else ps) for doc, ps in selection)
    if fmt == "import":
        items = [(doc, list(doc.projects) if ps is None else ps) for doc, ps in selection]
        res = write_import_sheet(items, path, framework)
        return Written(tables=len(res.indicator_rows), projects=n_projects, rejected=res.rejected)
    tables = []
    for doc, ps in selection:
        tables.extend(standard_tables(doc, framework, ps))
    writer = write_xlsx_tables if fmt == "xlsx" else write_docx_tables
    return Written(tables=writer(tables, path), projects=n_projects)

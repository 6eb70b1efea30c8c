"""A stored document's workflow status and its department.

The status is migration 0007's `documents.status` (draft | submitted | returned | approved; a table that
reached the store as a file counts as submitted), owned by the authoring part; the workflow reads and moves
it here and nowhere else."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from ..errors import JixiaoError
from ..store.schema import DocumentRow, ProjectRow


class NotFound(JixiaoError):
    """No such document (HTTP 404)."""

    status = 404


def document_info(conn: Connection, doc_id: int) -> dict:
    """id, name, title, year, department and status of a stored document; NotFound when there is none."""
    row = conn.execute(select(DocumentRow.id, DocumentRow.source_name, DocumentRow.title, DocumentRow.year,
                              DocumentRow.department, DocumentRow.status).where(DocumentRow.id == doc_id)).first()
    if row is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    return {"id": row.id, "name": row.source_name, "title": row.title, "year": row.year,
            "department": row.department or _project_department(conn, doc_id), "status": row.status}


def _project_department(conn: Connection, doc_id: int) -> str | None:
    """A table that names no department on its own answers to its projects' department, if they share one."""
    names = conn.execute(select(func.distinct(ProjectRow.department)).where(
        ProjectRow.document_id == doc_id, ProjectRow.department.is_not(None))).scalars().all()
    return names[0] if len(names) == 1 else None


def set_status(conn: Connection, doc_id: int, status: str, expected: str | None = None) -> bool:
    """Set the status; with `expected`, only if the table is still in it (False when another move came first:
    two reviewers pressing 通过 and 退回 at once must not both win)."""
    q = update(DocumentRow).where(DocumentRow.id == doc_id)
    if expected is not None:
        q = q.where(DocumentRow.status == expected)
    return conn.execute(q.values(status=status)).rowcount == 1


def documents_in(conn: Connection, statuses: tuple[str, ...], department: str | None = None,
                 limit: int = 200, within: tuple[str, ...] | None = None) -> list[dict]:
    """Stored documents in these statuses (of one department; of the departments `within`, when given), newest
    first, for the workflow list page."""
    # the projects' department where the table names none and they share one (as `_project_department`)
    shared = (select(func.min(ProjectRow.department)).where(ProjectRow.document_id == DocumentRow.id)
              .having(func.count(func.distinct(ProjectRow.department)) == 1).scalar_subquery())
    dept = func.coalesce(DocumentRow.department, shared)
    q = (select(DocumentRow.id, DocumentRow.source_name, DocumentRow.title, DocumentRow.year, DocumentRow.status,
                dept.label("department"))
         .where(DocumentRow.status.in_(statuses)).order_by(DocumentRow.id.desc()).limit(limit))
    if department is not None:
        q = q.where(dept == department)
    if within is not None:
        q = q.where(dept.in_(within))
    return [{"id": r.id, "name": r.source_name, "title": r.title, "year": r.year, "department": r.department,
             "status": r.status} for r in conn.execute(q)]

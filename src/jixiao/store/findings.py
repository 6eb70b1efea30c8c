"""Stored review findings: written beside a document (in its transaction), read back as Findings, and
queried a page at a time in SQL.

A document's findings are stored under a `settings_key` (the review settings and the rules' code, hashed;
see `jixiao.service.settings`). A `reviews` row says the document was reviewed under that key, even with no
findings; deleting the row (or the document) deletes its findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Select, delete, func, insert, literal, select

from ..model import Document
from ..review.engine import SEVERITIES, Finding
from .schema import DocumentRow, FindingRow, ProjectRow, ReviewRow

RANK = {s: n for n, s in enumerate(SEVERITIES)}
_FIELDS = ("rule", "name", "severity", "message", "evidence", "document", "department", "unit", "project",
           "project_index", "indicator_seq", "indicator", "fix", "loc")


def attribute(doc: Document, findings: list[Finding]) -> list[Finding]:
    """A document-level finding about one project belongs to it (as the review report files it): the
    stored finding carries that project's index, so pages and exports link it to the project."""
    for f in findings:
        if f.project_index is None and f.project is not None:
            match = [i for i, p in enumerate(doc.projects) if p.name == f.project and p.unit == f.unit]
            if match:
                f.project_index = match[0]
    return findings


def write_findings(conn: Connection, doc_id: int, key: str, findings: list[Finding]) -> None:
    """Record the review of `doc_id` under `key`, inside the caller's transaction (with the document's own
    rows when called at ingest, so a document is never stored without its findings)."""
    conn.execute(insert(ReviewRow.__table__).values(document_id=doc_id, settings_key=key, n_findings=len(findings)))
    if not findings:
        return
    pids = dict(conn.execute(select(ProjectRow.position, ProjectRow.id).where(ProjectRow.document_id == doc_id)).all())
    conn.execute(insert(FindingRow.__table__), [
        {"document_id": doc_id, "settings_key": key, "position": n, "severity_rank": RANK[f.severity],
         "project_id": pids.get(f.project_index) if f.project_index is not None else None,
         **{k: getattr(f, k) for k in _FIELDS}} for n, f in enumerate(findings)])


def forget(conn: Connection, key: str | None = None, keep_prefix: str | None = None) -> int:
    """Drop stored reviews: all (key None), one key's, or every key not starting with `keep_prefix` (the
    reviews made by older rules), with their findings; return how many document reviews went."""
    conds = []
    for column in (ReviewRow.settings_key, FindingRow.settings_key):
        cond = []
        if key is not None:
            cond.append(column == key)
        if keep_prefix is not None:
            cond.append(column.not_like(keep_prefix.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\"))
        conds.append(cond)
    conn.execute(delete(FindingRow).where(*conds[1]))  # explicit: a plain engine may not cascade on SQLite
    return conn.execute(delete(ReviewRow).where(*conds[0])).rowcount


def unreviewed(conn: Connection, key: str, ids: Iterable[int] | None = None) -> list[int]:
    """Documents (of `ids`, or all) with no stored review under `key`."""
    done = select(ReviewRow.document_id).where(ReviewRow.settings_key == key)
    q = select(DocumentRow.id).where(DocumentRow.id.not_in(done)).order_by(DocumentRow.id)
    if ids is not None:
        q = q.where(DocumentRow.id.in_(list(ids)))
    return list(conn.execute(q).scalars())


def _finding(row) -> Finding:
    return Finding(**{k: getattr(row, k) for k in _FIELDS})


def findings_by_document(conn: Connection, key: str, ids: list[int]) -> dict[int, list[Finding]]:
    """The stored findings of these documents, each list in the engine's order."""
    out: dict[int, list[Finding]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = conn.execute(select(FindingRow.__table__).where(FindingRow.settings_key == key,
                                                           FindingRow.document_id.in_(ids))
                        .order_by(FindingRow.document_id, FindingRow.position))
    for r in rows:
        out[r.document_id].append(_finding(r))
    return out


def project_findings(conn: Connection, key: str, doc_id: int, position: int, name: str, unit: str | None
                     ) -> list[dict]:
    """One project's findings, worst first then by indicator: those filed under it and the document-level
    ones naming it."""
    q = (select(FindingRow.__table__).where(FindingRow.settings_key == key, FindingRow.document_id == doc_id)
         .where((FindingRow.project_index == position) | (
             FindingRow.project_index.is_(None) & (FindingRow.project == name)
             & (FindingRow.unit.is_(None) if unit is None else FindingRow.unit == unit)))
         .order_by(FindingRow.severity_rank, func.coalesce(FindingRow.indicator_seq, 0), FindingRow.position))
    return [_finding(r).to_dict() for r in conn.execute(q)]


@dataclass
class FindingFilter:
    """Which stored findings a list shows. `departments`: only these (a principal's visible departments);
    `in_documents`: a subquery or list of document ids the finding's document must be among."""

    key: str
    department: str | None = None
    year: int | None = None
    document_id: int | None = None
    severity: str | None = None
    rule: str | None = None
    in_documents: object = None
    departments: frozenset[str] | None = None
    statuses: frozenset[str] | None = None  # only findings of documents in these statuses


def _where(q: Select, f: FindingFilter, rule_and_severity: bool = True) -> Select:
    q = q.where(FindingRow.settings_key == f.key)
    if f.department:
        q = q.where(FindingRow.department == f.department)
    if f.in_documents is not None:
        q = q.where(FindingRow.document_id.in_(f.in_documents))
    if f.document_id is not None:
        q = q.where(FindingRow.document_id == f.document_id)
    if f.year is not None:
        q = q.where(FindingRow.document_id.in_(select(DocumentRow.id).where(DocumentRow.year == f.year)))
    if f.departments is not None:
        q = q.where(FindingRow.department.in_(sorted(f.departments)))
    if f.statuses is not None:
        q = q.where(FindingRow.document_id.in_(select(DocumentRow.id).where(DocumentRow.status.in_(sorted(f.statuses)))))
    if rule_and_severity:
        if f.severity:
            q = q.where(FindingRow.severity == f.severity)
        if f.rule:
            q = q.where(FindingRow.rule == f.rule)
    return q


_COLUMNS = ("rule", "name", "severity", "document", "department", "unit", "project", "indicator_seq", "indicator",
            "message", "evidence", "fix", "loc", "project_id")


def page(conn: Connection, f: FindingFilter, limit: int | None, offset: int = 0) -> tuple[int, list[dict]]:
    """(how many match, one page of them as finding dicts with `project_id`), worst first, then by document,
    project and indicator, each document's in the engine's order."""
    total = conn.execute(_where(select(func.count()).select_from(FindingRow), f)).scalar() or 0
    q = _where(select(*(getattr(FindingRow, c) for c in _COLUMNS)), f).order_by(
        FindingRow.severity_rank, FindingRow.document, func.coalesce(FindingRow.project, literal("")),
        func.coalesce(FindingRow.indicator_seq, 0), FindingRow.document_id, FindingRow.position).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return total, [dict(r._mapping) for r in conn.execute(q)]


def rules_present(conn: Connection, f: FindingFilter) -> list[str]:
    """The rule codes among the findings the filter selects, before its rule and severity choice."""
    q = _where(select(FindingRow.rule).distinct(), f, rule_and_severity=False)
    return sorted(conn.execute(q).scalars())


def forget_document(conn: Connection, doc_id: int, key: str) -> None:
    """Drop one document's review under `key` (before writing it again)."""
    conn.execute(delete(FindingRow).where(FindingRow.document_id == doc_id, FindingRow.settings_key == key))
    conn.execute(delete(ReviewRow).where(ReviewRow.document_id == doc_id, ReviewRow.settings_key == key))

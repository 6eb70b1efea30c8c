"""Findings as the faces read them: reviewed once and stored, then paged in SQL.

A document is reviewed when it is ingested (its findings written in the same transaction as its rows). A
document without findings under the settings in use (stored before findings were, or the settings or the
rules changed) is reviewed on first use by `ensure_reviewed`, each in its own short transaction; `refresh`
reviews everything again (`jixiao review --db … --refresh`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, NoResultFound, SQLAlchemyError

from ..errors import JixiaoError
from ..model import Document
from ..review import Finding, Settings, review_document
from ..store import findings as stored
from ..store.reader import load_document
from ..workflow import audit
from .access import LOCAL, Principal, check, visible_departments, visible_statuses
from .settings import rules_digest, settings_key

log = logging.getLogger("jixiao.service")


def review_for_store(doc: Document, settings: Settings | None) -> list[Finding]:
    """The findings to store with a document: the engine's, attributed to projects as the report files them."""
    return stored.attribute(doc, review_document(doc, settings))


def store_review(conn: Connection, doc_id: int, doc: Document, settings: Settings | None,
                 findings: list[Finding] | None = None) -> None:
    """Write a document's review inside the caller's transaction (at ingest: the document's own)."""
    key = settings_key(settings)
    stored.forget_document(conn, doc_id, key)
    stored.write_findings(conn, doc_id, key, review_for_store(doc, settings) if findings is None else findings)


def ensure_reviewed(engine: Engine, settings: Settings | None, ids: Iterable[int] | None = None) -> int:
    """Review and store the documents (of `ids`, or all) that have no findings under these settings; return
    how many were reviewed. Another process reviewing the same document at once is harmless (the second
    insert fails on the key and is skipped)."""
    key = settings_key(settings)
    with engine.connect() as conn:  # one indexed query when everything is reviewed, as after ingest
        todo = stored.unreviewed(conn, key, None if ids is None else list(ids))
    if todo:
        with engine.begin() as conn:
            stored.forget(conn, keep_prefix=rules_digest() + ":")  # reviews by older rules are stale
    done = 0
    for doc_id in todo:
        try:
            with engine.begin() as conn:
                doc = load_document(conn, doc_id)
                stored.write_findings(conn, doc_id, key, review_for_store(doc, settings))
            done += 1
        except (IntegrityError, NoResultFound):  # reviewed meanwhile by another process, or deleted
            continue
        except JixiaoError as exc:  # a rule that fails on this document: the others are still served
            log.warning("%s", exc)
            continue
    return done


def refresh(engine: Engine, settings: Settings | None, principal: Principal | None = LOCAL) -> int:
    """Forget every stored review and review every document again under `settings`."""
    check(principal, "review")
    with engine.begin() as conn:
        stored.forget(conn)
        audit.record(conn, principal, "review.refresh", "reviews", None, {"settings": settings_key(settings)})
    return ensure_reviewed(engine, settings)


def document_findings(engine: Engine, settings: Settings | None, ids: list[int]) -> dict[int, list[Finding]]:
    """The findings of these documents (reviewed first where missing), each in the engine's order. A store
    that cannot be written (a read-only file) is reviewed in memory, as before findings were stored."""
    try:
        ensure_reviewed(engine, settings, ids)
    except SQLAlchemyError:
        with engine.connect() as conn:
            missing = set(stored.unreviewed(conn, settings_key(settings), ids))
            found = stored.findings_by_document(conn, settings_key(settings), [i for i in ids if i not in missing])
            found.update({i: review_for_store(load_document(conn, i), settings) for i in missing})
        return {i: found[i] for i in ids}
    with engine.connect() as conn:
        return stored.findings_by_document(conn, settings_key(settings), ids)


def findings_filter(settings: Settings | None, principal: Principal | None = LOCAL, **kw) -> stored.FindingFilter:
    return stored.FindingFilter(key=settings_key(settings), departments=visible_departments(principal),
                                statuses=visible_statuses(principal), **kw)


def findings_page(engine: Engine, settings: Settings | None = None, *, department: str | None = None,
                  year: int | None = None, document_id: int | None = None, severity: str | None = None,
                  rule: str | None = None, limit: int | None = 100, offset: int = 0,
                  principal: Principal | None = LOCAL) -> tuple[int, list[dict]]:
    """(how many, one page) of the stored findings, worst first; each with its project's id."""
    from .catalog import department_documents_query

    check(principal, "read", department)
    ensure_reviewed(engine, settings, [document_id] if document_id is not None else None)
    f = findings_filter(settings, principal, department=department, year=year, document_id=document_id,
                        severity=severity, rule=rule,
                        in_documents=department_documents_query(department) if department else None)
    with engine.connect() as conn:
        return stored.page(conn, f, limit, offset)


def finding_rules(engine: Engine, settings: Settings | None = None, *, department: str | None = None,
                  document_id: int | None = None, principal: Principal | None = LOCAL) -> list[str]:
    """The rule codes among the findings of a department or document (for a filter's choices)."""
    from .catalog import department_documents_query

    f = findings_filter(settings, principal, department=department, document_id=document_id,
                        in_documents=department_documents_query(department) if department else None)
    with engine.connect() as conn:
        return stored.rules_present(conn, f)


def findings_for(conn: Connection, doc_id: int, settings: Settings | None = None) -> tuple[Document, list[Finding]]:
    """(document, its findings) on the caller's connection: the stored ones under `settings`, else a fresh
    review (not stored: the caller's transaction is its own). The workflow attaches these to comments."""
    doc = load_document(conn, doc_id)
    key = settings_key(settings)
    if stored.unreviewed(conn, key, [doc_id]):
        return doc, review_for_store(doc, settings)
    return doc, stored.findings_by_document(conn, key, [doc_id])[doc_id]


def review_documents(engine: Engine, ids: list[int], settings: Settings | None = None,
                     principal: Principal | None = LOCAL) -> list[tuple[Document, list[Finding]]]:
    """(document, findings) for stored documents, the findings read from the store (reviewed first where
    missing): what `jixiao review --db` reports."""
    check(principal, "read")
    found = document_findings(engine, settings, ids)
    with engine.connect() as conn:
        return [(load_document(conn, i), found[i]) for i in ids]

"""Ingest as the three faces share it: files and folders (the CLI), uploaded or pasted bytes (the API and the
pages). Every document is stored with its review findings in one transaction, through `store_reviewed`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, select, update

from ..errors import JixiaoError, describe
from ..ingest import FileResult, IngestSummary, parse_bytes
from ..library_sync import sync as sync_library
from ..model import Document
from ..readers import DEFAULT_MAX_BYTES
from ..review import Settings
from ..store import writer
from ..store.reader import load_document
from ..store.schema import DocumentRow
from ..store.search import flush as flush_search
from ..store.writer import Status
from ..workflow import audit
from .access import FROM_FILE, LOCAL, Principal, check
from .findings import review_for_store, store_review


def document_owner(doc: Document) -> str | None:
    """The department a document's data belongs to (its own, else its first project's)."""
    return doc.department or next((p.department for p in doc.projects if p.department), None)


def arrival_status(principal: Principal | None) -> str:
    """The workflow status of a table that reaches the store as a file: a department officer's upload is
    handed in for review (`submitted`); anything else — `jixiao ingest`, an administrator's or reviewer's
    upload — is a table read from a published source (`published`: public, outside the workflow)."""
    return "submitted" if principal is not None and principal.role == "officer" else "published"


def store_reviewed(conn: Connection, doc: Document, replace: bool = False, settings: Settings | None = None,
                   findings=None, status: str | None = None) -> tuple[Status, int]:
    """Store a document and its findings inside the caller's transaction: both or neither. An unchanged
    document keeps its stored findings. `status`: the new row's workflow status (the store's default,
    `published`, when None)."""
    if findings is None:
        findings = review_for_store(doc, settings)
    stored = writer.store_document(conn, doc, replace)  # through the module: tests stand a failing writer in
    doc_id = conn.execute(select(DocumentRow.id).where(DocumentRow.sha256 == doc.source.sha256)).scalar_one()
    if stored != "unchanged":
        store_review(conn, doc_id, doc, settings, findings)
        if status is not None:
            conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(status=status))
    audit.stored_file(conn, doc, stored, doc_id)  # who stored which file, in this transaction
    sync_library(conn, [doc_id])  # a published table's indicators join the library in this transaction
    return stored, doc_id


def ingest_files(engine: Engine, paths: Iterable[str | Path], *, workers: int | None = None, replace: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, on_result: Callable[[FileResult], None] | None = None,
                 executor: str | None = None, settings: Settings | None = None,
                 principal: Principal | None = LOCAL) -> IngestSummary:
    """Parse files and folders (walked by `expand_paths`) in parallel and store each with its findings."""
    from ..ingest import ingest

    check(principal, "ingest")
    return ingest(engine, paths, workers=workers, replace=replace, max_bytes=max_bytes, on_result=on_result,
                  executor=executor, settings=settings)


@dataclass
class Stored:
    """One uploaded or pasted file's outcome."""

    file: str
    status: str  # stored | unchanged | replaced | failed
    message: str = ""
    document_id: int | None = None
    duplicate_of: str | None = None
    projects: int = 0
    indicators: int = 0
    document: Document | None = None


def fill_missing(doc: Document, department: str | None, year: int | None) -> tuple[Document, list[str]]:
    """The department and year the uploader gave, where the document names none; notes saying so."""
    notes, update = [], {}
    if department and department.strip() and not doc.department:
        update["department"] = department.strip()
        notes.append(f"部门按所填：{department.strip()}")
    if year and doc.year is None:
        update["year"] = year
        notes.append(f"年度按所填：{year}")
    return (doc.model_copy(update=update) if update else doc), notes


def store_parsed(engine: Engine, doc: Document, *, replace: bool = False, settings: Settings | None = None,
                 principal: Principal | None = LOCAL, flush: bool = True) -> Stored:
    """Store a parsed document (with its findings) for `principal`; say when it repeats a stored table."""
    check(principal, "ingest", document_owner(doc))
    findings = review_for_store(doc, settings)  # before the transaction: the write lock is held briefly
    with engine.begin() as conn:
        status, doc_id = store_reviewed(conn, doc, replace, settings, findings, arrival_status(principal))
    with engine.connect() as conn:  # after the commit: the library lock the store took is not held meanwhile
        twin = same_table(conn, doc, doc_id)
    if flush:
        flush_search(engine)
    notes = [f"与已入库的 {twin} 是同一张表（项目和指标相同），预算会重复计算"] if twin else []
    return Stored(doc.source.name, status, "；".join(notes), doc_id, twin, len(doc.projects),
                  sum(len(p.indicators) for p in doc.projects), doc)


def ingest_bytes(engine: Engine, data: bytes, name: str, *, replace: bool = False, department: str | None = None,
                 year: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES, settings: Settings | None = None,
                 principal: Principal | None = LOCAL, flush: bool = True) -> Stored:
    """Parse and store one uploaded file; a file that cannot be read is a `failed` result with the reason,
    never an exception, so one bad file in a batch does not fail the others."""
    check(principal, "ingest", department or FROM_FILE)  # none given: the file's own, checked in store_parsed
    try:
        doc = parse_bytes(data, name, max_bytes=max_bytes)
    except Exception as exc:  # noqa: BLE001 - the one error policy words it
        return Stored(name, "failed", describe(exc, public=True).message)
    doc, notes = fill_missing(doc, department, year)
    result = store_parsed(engine, doc, replace=replace, settings=settings, principal=principal, flush=flush)
    result.file = name
    result.message = "；".join(notes + ([result.message] if result.message else []))
    return result


def flush(engine: Engine) -> None:
    """Make what a batch stored searchable (SQLite's full-text index fills after a batch)."""
    flush_search(engine)


def _fingerprint(doc: Document) -> tuple:
    """What makes two files the same table: projects with their indicators and target values, not the bytes."""
    def inds(items):
        return tuple((i.name, i.annual.raw if i.annual else None) for i in items)

    return (tuple((p.name, inds(p.indicators)) for p in doc.projects),
            tuple((s.title, inds(s.indicators)) for s in (doc.overall.sections if doc.overall else [])))


def same_table(conn: Connection, doc: Document, doc_id: int | None) -> str | None:
    """The name of a document stored before `doc_id` (any, when None) holding the same table in another file
    or format; in a batch the later of two twins is the one named."""
    n_ind = sum(len(p.indicators) for p in doc.projects)
    q = select(DocumentRow.id).where(DocumentRow.n_projects == len(doc.projects), DocumentRow.n_indicators == n_ind,
                                     DocumentRow.sha256 != doc.source.sha256)
    if doc_id is not None:
        q = q.where(DocumentRow.id < doc_id)
    candidates = conn.execute(q.order_by(DocumentRow.id).limit(50)).scalars()
    mine = _fingerprint(doc)
    for other in candidates:
        if other != doc_id:
            stored = load_document(conn, other)
            if _fingerprint(stored) == mine:
                return stored.source.name
    return None


def twins(engine: Engine, results: list[FileResult], limit: int = 200) -> list[tuple[str, str]]:
    """(path, name of the stored twin) for newly stored files holding a table already stored from another
    file: stored twice, its projects show twice and its budget counts twice. Checked for batches of up to
    `limit` new files; a bulk load of a corpus is not slowed by it."""
    fresh = [r for r in results if r.status in ("stored", "replaced") and r.document_id is not None]
    if not fresh or len(fresh) > limit:
        return []
    out = []
    with engine.connect() as conn:
        for r in fresh:
            twin = same_table(conn, load_document(conn, r.document_id), r.document_id)
            if twin:
                out.append((r.path, twin))
    return out


def describe_failure(exc: BaseException) -> str:
    """A failed file's reason, as the batch result shows it."""
    return exc.message if isinstance(exc, JixiaoError) else describe(exc).message

"""Parse one file into a Document; ingest many into the store (parallel parsing, one transaction per
document holding its rows and its review findings, per-file errors, a summary). `expand_paths` is the one
folder walker: parse, review, ingest and score all expand their arguments through it."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import JixiaoError, describe
from .layouts import build_document
from .model import Document
from .readers import DEFAULT_MAX_BYTES, read_bytes, read_path
from .readers.ocr import flag_low_confidence

_HEAP_SETTLED = False


def _settle_heap() -> None:
    """Once per process, after its first document: collect, then freeze what is alive (the modules, the
    vocabularies, the compiled patterns and caches the first parse loaded) out of the cyclic collector's
    reach. Parsing allocates many short-lived objects, so the collector runs often, and each full run walked
    those tens of thousands of long-lived ones again: a batch parses about 13% faster frozen
    (`bench/parse.py`). Garbage made later is collected as usual."""
    global _HEAP_SETTLED
    if not _HEAP_SETTLED:
        _HEAP_SETTLED = True
        gc.collect()
        gc.freeze()


def parse_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, progress=None) -> Document:
    """`progress(done, total)` is called after each page of a PDF or image (OCR takes seconds a page)."""
    sheet = read_path(path, max_bytes=max_bytes, progress=progress)
    return _build(sheet, str(path))


def parse_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return _build(read_bytes(data, name, max_bytes=max_bytes), name)


def _build(sheet, path: str) -> Document:
    try:
        doc = flag_low_confidence(build_document(sheet), sheet)  # OCR'd values read unsure get a problem
        _settle_heap()
        return doc
    except JixiaoError as exc:
        exc.path = path
        raise
    except RecursionError as exc:
        raise JixiaoError("文件结构过深，无法解析", path) from exc


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders walked recursively (hidden files skipped), in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


@dataclass
class FileResult:
    path: str
    status: str  # stored | replaced | unchanged | failed
    message: str = ""
    projects: int = 0
    indicators: int = 0
    document_id: int | None = None


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


_KNOWN: set[str] = set()


def _init_worker(known: set[str]) -> None:
    _KNOWN.clear()
    _KNOWN.update(known)


def _parse_one(args: tuple) -> tuple:
    """In a worker: (path, document or None, sha256, error message[, the document's findings]). With review
    settings as the task's fourth item the document is reviewed here too, in parallel, for the store."""
    path, max_bytes, replace, *review = args
    try:
        p = Path(path)
        if p.is_file() and p.stat().st_size <= max_bytes:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            if digest in _KNOWN and not replace:
                return path, None, digest, None
        doc = parse_path(path, max_bytes)
        if not review:
            return path, doc, None, None
        from .service.findings import review_for_store

        try:
            findings = review_for_store(doc, review[0])
        except JixiaoError:  # a rule that fails on this document: stored anyway, reviewed again on first use
            findings = None
        return path, doc, None, None, findings
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch; the one policy words it
        return path, None, None, describe(exc).message


def parse_many(paths: list[Path], workers: int, max_bytes: int, replace: bool,
               known: set[str], executor: str | None = None, review: tuple = ()) -> Iterator[tuple]:
    """`review`: `(settings,)` to have each document reviewed where it is parsed."""
    tasks = [(str(p), max_bytes, replace, *review) for p in paths]
    if executor:  # dask://HOST:PORT: the parse runs as tasks on a Dask cluster, results in finishing order
        from .dask_executor import parse_on_dask

        yield from parse_on_dask(executor, tasks, known)
        return
    if workers <= 1 or len(tasks) <= 1:
        _init_worker(known)
        yield from map(_parse_one, tasks)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(known,)) as pool:
        yield from pool.map(_parse_one, tasks, chunksize=4)


_SEARCH_BATCH = 100_000  # rows taken into the full-text index at once: search is never far behind a long ingest


def ingest(engine, paths: Iterable[str | Path], workers: int | None = None, replace: bool = False,
           max_bytes: int = DEFAULT_MAX_BYTES, on_result: Callable[[FileResult], None] | None = None,
           executor: str | None = None, settings=None) -> IngestSummary:
    """Parse in parallel, store each document with its findings (reviewed under `settings`, default the
    built-in ones) in its own transaction; a failure never stops the batch."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from . import library_sync
    from .service.ingest import store_reviewed
    from .store import search, writer
    from .store.db import refresh_statistics
    from .store.schema import DocumentRow
    from .workflow import audit

    files = expand_paths(paths)
    with engine.connect() as conn:
        known = set(conn.execute(select(DocumentRow.sha256)).scalars())
    summary = IngestSummary()
    workers = workers or os.cpu_count() or 1
    unsearchable = 0  # stored rows not yet in SQLite's full-text index
    # the library counts the entries a batch touched once, at its end
    for path, doc, _digest, error, *reviewed in library_sync.batched(engine, parse_many(
            files, workers, max_bytes, replace, known, executor, (settings,))):
        if error is not None:
            result = FileResult(path, "failed", error)
        elif doc is None:
            result = FileResult(path, "unchanged", "内容相同的文件已入库")
        else:
            n_ind = sum(len(p.indicators) for p in doc.projects)
            try:
                findings = reviewed[0] if reviewed else None
                with engine.begin() as conn:
                    if findings is None:  # its review failed: the document is stored, its review is retried later
                        status = writer.store_document(conn, doc, replace=replace)
                        doc_id = None
                        audit.stored_file(conn, doc, status)  # (store_reviewed writes it otherwise)
                        library_sync.sync(conn)  # its indicators join the library (every document's are checked)
                    else:
                        status, doc_id = store_reviewed(conn, doc, replace, settings, findings)
                result = FileResult(path, status, "", len(doc.projects), n_ind, doc_id)
                unsearchable += len(doc.projects) + n_ind
            except SQLAlchemyError as exc:
                result = FileResult(path, "failed", describe(exc, action="写入数据库失败").message)
        if unsearchable >= _SEARCH_BATCH:
            search.flush(engine)
            unsearchable = 0
        summary.results.append(result)
        if on_result:
            on_result(result)
    search.flush(engine)
    if summary.count("stored") or summary.count("replaced"):
        refresh_statistics(engine)
    return summary

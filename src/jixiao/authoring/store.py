"""Drafts and revisions in the store, and the document behind each draft.

- A draft is stored twice: as the editor's content (table `drafts`, with a `version`) and as an ordinary
  document (status `draft`), so the project page, the review, search, the export and the workflow all see
  it. The document keeps its id through every save, a submit and a replace: its rows are rewritten in place
  (`store_in_place`), so comments and audit entries keyed by the document id stay attached.
- Every save is a revision: who, when, the change list and summary (changes.py) and the whole content, so
  any two can be diffed and any one restored.
- Optimistic locking: a save names the version it was based on; when another save came first the update
  matches no row, the refused content is kept as a `conflict` revision (nothing typed is lost) and
  `Conflict` carries the other saves for the editor to show.

Functions take an Engine and run their own transactions (a refused save must still commit its conflict
copy); the read-only ones take a Connection."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from ..compare import diff_indicators, indicator_key, project_key
from ..errors import JixiaoError, NotFound, Unprocessable
from ..library_sync import sync as sync_library
from ..model import Document
from ..store import search
from ..store.reader import load_document
from ..store.schema import Base, DocumentRow, ProjectRow
from ..store.writer import store_document
from .changes import diff_contents, summary
from .checks import all_findings, errors, refuse_broken
from .content import Content, Fields, from_project, indicators_of, to_document
from .skeleton import KINDS, skeleton_rows
from .tables import STATUSES, DraftRow, RevisionRow
from .who import principal, require, visible

EDITABLE = ("draft", "returned")
STATUS_ZH = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已批复", "published": "已公开"}


class Conflict(JixiaoError):
    """Another save of the same draft came first."""

    status = 409

    def __init__(self, message: str, current: dict, theirs: list[dict], kept: int | None) -> None:
        super().__init__(message)
        self.current = current
        self.theirs = theirs
        self.kept = kept


class Locked(JixiaoError):
    """The table is submitted or approved: it changes only after the reviewer returns it."""

    status = 409


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- documents rewritten in place

# the tables holding a document's content (store/writer.py writes them); `reviews` (stored findings) is
# derived from the content and is dropped so it is computed again
_CONTENT_TABLES = ("search_index", "indicators", "sections", "projects", "units", "problems")
_DERIVED_TABLES = ("reviews",)
_KEEP_COLUMNS = ("id", "sha256", "status", "ingested_at")


def store_in_place(conn: Connection, doc_id: int | None, doc: Document, status: str | None = None) -> int:
    """Store `doc` as document `doc_id` (a new document when None), keeping the id, its status and whatever
    else refers to it. The new content is written by the store's own writer under a fresh row, then its rows
    are moved onto the old id and the fresh row dropped, in the caller's transaction."""
    table = DocumentRow.__table__
    if store_document(conn, doc) == "unchanged":
        raise Unprocessable("内容与库中另一个文档完全相同", doc.source.name)
    new_id = conn.execute(select(table.c.id).where(table.c.sha256 == doc.source.sha256)).scalar_one()
    if doc_id is not None:
        for name in _CONTENT_TABLES + _DERIVED_TABLES:
            t = Base.metadata.tables.get(name)
            if t is not None:
                conn.execute(delete(t).where(t.c.document_id == doc_id))
        for name in _CONTENT_TABLES:
            t = Base.metadata.tables[name]
            conn.execute(update(t).where(t.c.document_id == new_id).values(document_id=doc_id))
        row = conn.execute(select(table).where(table.c.id == new_id)).mappings().one()
        values = {c.name: row[c.name] for c in table.columns if c.name not in _KEEP_COLUMNS}
        conn.execute(delete(table).where(table.c.id == new_id))
        conn.execute(update(table).where(table.c.id == doc_id).values(**values, sha256=doc.source.sha256))
        new_id = doc_id
    if status is not None:
        conn.execute(update(table).where(table.c.id == new_id).values(status=status))
    search.index_pending(conn)
    return new_id


def _audit(conn: Connection, action: str, target: str, before, after, department: str | None) -> None:
    """One entry in the workflow's audit log (who, when, what, before/after) when the workflow is installed."""
    try:
        from ..workflow.audit import record
    except ImportError:
        return
    record(conn, principal(), action, target, before, after, department)


def _draft_document(draft_id: int, version: int, content: Content) -> Document:
    doc = to_document(content, source_name=f"{content.fields.name.strip() or '未命名项目'}（在线编写）", renumber=True)
    # unique per draft and version, so no two stored documents share it
    doc.source.sha256 = hashlib.sha256(f"jixiao-draft:{draft_id}:{version}:{doc.source.sha256}".encode()).hexdigest()
    return doc


def document_status(conn: Connection, doc_id: int) -> str:
    status = conn.execute(select(DocumentRow.status).where(DocumentRow.id == doc_id)).scalar()
    if status is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    return status


def set_status(conn: Connection, doc_id: int, status: str) -> None:
    """The workflow's one write to a document's status (draft → submitted → returned or approved)."""
    if status not in STATUSES:
        raise Unprocessable(f"状态无效：{status}（可用 {'、'.join(STATUSES)}）")
    document_status(conn, doc_id)
    conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(status=status))


# ---------------------------------------------------------------- drafts

def _draft_dict(conn: Connection, d) -> dict:
    status = document_status(conn, d.document_id) if d.document_id is not None else "draft"
    return {"id": d.id, "version": d.version, "name": d.name, "department": d.department, "year": d.year,
            "document_id": d.document_id, "status": status, "status_zh": STATUS_ZH[status],
            "created_by": d.created_by, "created_at": _iso(d.created_at), "updated_by": d.updated_by,
            "updated_at": _iso(d.updated_at), "content": d.content}


def _iso(value) -> str | None:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else (str(value) if value else None)


def _row(conn: Connection, draft_id: int):
    d = conn.execute(select(DraftRow.__table__).where(DraftRow.id == draft_id)).first()
    if d is None:
        raise NotFound(f"没有编号为 {draft_id} 的草稿")
    return d


def _checked_row(conn: Connection, draft_id: int, action: str):
    """The draft's row, once the caller may `action` it: checked before anything else is looked up, so
    another department's draft answers 403 whatever else the request holds."""
    d = _row(conn, draft_id)
    require(action, d.department, document_status(conn, d.document_id) if d.document_id else "draft")
    return d


def get_draft(conn: Connection, draft_id: int) -> dict:
    d = _draft_dict(conn, _row(conn, draft_id))
    require("read", d["department"], d["status"])
    return d


def list_drafts(conn: Connection, department: str | None = None, limit: int = 100) -> list[dict]:
    q = select(DraftRow.__table__).order_by(DraftRow.updated_at.desc(), DraftRow.id.desc()).limit(limit)
    if department:
        q = q.where(DraftRow.department == department)
    return visible([{k: v for k, v in _draft_dict(conn, d).items() if k != "content"} for d in conn.execute(q)])


def draft_of_document(conn: Connection, doc_id: int) -> int | None:
    return conn.execute(select(DraftRow.id).where(DraftRow.document_id == doc_id)).scalar()


def _add_revision(conn: Connection, draft_id: int, number: int | None, action: str, author: str, changes: list[dict],
                  text: str, content: Content) -> int:
    return conn.execute(insert(RevisionRow).values(
        draft_id=draft_id, number=number, action=action, author=author, created_at=_now(), summary=text,
        changes=changes, content=content.model_dump(mode="json")).returning(RevisionRow.id)).scalar_one()


def create_draft(engine: Engine, content: Content, author: str, origin: str = "新建") -> dict:
    """A new draft (version 1) and its document (status draft)."""
    refuse_broken(content)
    f = content.fields
    require("write", f.department.strip() or None, "draft")
    with engine.begin() as conn:
        now = _now()
        draft_id = conn.execute(insert(DraftRow).values(
            name=f.name.strip() or "未命名项目", department=f.department.strip() or None, year=f.year,
            content=content.model_dump(mode="json"), version=1, created_by=author, created_at=now,
            updated_by=author, updated_at=now).returning(DraftRow.id)).scalar_one()
        doc_id = store_in_place(conn, None, _draft_document(draft_id, 1, content), status="draft")
        conn.execute(update(DraftRow).where(DraftRow.id == draft_id).values(document_id=doc_id))
        _add_revision(conn, draft_id, 1, "create", author, [], f"{origin}（{len(indicators_of(content))} 个指标）",
                      content)
        _audit(conn, "draft.create", f"draft:{draft_id}", None, {"name": f.name.strip(), "year": f.year, "version": 1,
               "document_id": doc_id, "origin": origin}, f.department.strip() or None)
        return get_draft(conn, draft_id)


def new_from_skeleton(engine: Engine, fields: Fields, kind: str, author: str) -> dict:
    if kind not in KINDS:
        raise Unprocessable(f"项目类型无效：{kind}（可用 {'、'.join(KINDS)}）")
    return create_draft(engine, Content(fields=fields, rows=skeleton_rows(kind), kind=kind), author,
                        f"按{KINDS[kind][0]}骨架新建")


def copy_project(engine: Engine, project_id: int, author: str, year: int | None = None) -> dict:
    """A draft copied from a stored project (last year's table of the same project, or any one)."""
    with engine.connect() as conn:
        hit = conn.execute(select(ProjectRow.document_id, ProjectRow.position).where(ProjectRow.id == project_id)).first()
        if hit is None:
            raise NotFound(f"没有编号为 {project_id} 的项目")
        doc = load_document(conn, hit.document_id)
        status = document_status(conn, hit.document_id)
    project = doc.projects[hit.position]
    require("read", project.department or doc.department, status)
    content = from_project(doc, project, year=year)
    return create_draft(engine, content, author, f"复制自“{project.name}”（{doc.year or '年度不详'}，{doc.source.name}）")


def previous_tables(conn: Connection, name: str, year: int | None, department: str | None = None,
                    limit: int = 10) -> list[dict]:
    """Stored projects of the year before with the same (or a near-identical) name: last year's table."""
    key = project_key(name)
    if not key:
        return []
    q = (select(ProjectRow.id, ProjectRow.name, ProjectRow.department, ProjectRow.unit, DocumentRow.year,
                DocumentRow.source_name, DocumentRow.status)
         .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
         .where(DocumentRow.kind == "target"))
    if year is not None:
        q = q.where(DocumentRow.year == year - 1)
    out = []
    for r in conn.execute(q):
        score = 100 if project_key(r.name) == key else fuzz.ratio(project_key(r.name), key)
        if score >= 85 and (not department or not r.department or r.department == department):
            out.append({"project_id": r.id, "name": r.name, "department": r.department, "unit": r.unit,
                        "year": r.year, "document": r.source_name, "status": r.status, "score": round(score, 1)})
    return visible(sorted(out, key=lambda x: -x["score"]))[:limit]


def reviewer_comments(conn: Connection, draft: dict) -> list[dict]:
    """The reviewer's comments of the latest round on the draft's document (the workflow's), each placed on
    the grid row of the indicator it names (by name, else by its number among the filled rows), so a
    returned table shows them where the officer revises it."""
    if draft["document_id"] is None:
        return []
    try:
        from ..workflow.comments import comments_of, current_round
    except ImportError:
        return []
    # a return closes its round: a returned table shows the round that sent it back
    round_ = current_round(conn, draft["document_id"]) - (draft["status"] == "returned")
    found = comments_of(conn, draft["document_id"], round_)
    content = Content.model_validate(draft["content"])
    filled = [n for n, r in enumerate(content.rows) if not r.is_empty()]
    by_key = {indicator_key(content.rows[n].name): n for n in filled}
    out = []
    for c in found:
        row = None
        if c.get("indicator"):
            row = by_key.get(indicator_key(c["indicator"]))
        if row is None and c.get("indicator_seq") and c["indicator_seq"] <= len(filled):
            row = filled[c["indicator_seq"] - 1]
        label = "；".join(x for x in (c.get("opinion_label"), c.get("text")) if x)
        out.append({"rule": "审核意见", "name": "reviewer-comment", "severity": "comment", "row": row, "field": None,
                    "message": f"{c['author']}：{label}", "fix": c.get("fix") or "", "source": "reviewer"})
    return out


def _revisions_since(conn: Connection, draft_id: int, version: int) -> list[dict]:
    rows = conn.execute(select(RevisionRow.__table__).where(RevisionRow.draft_id == draft_id,
                                                          RevisionRow.number > version).order_by(RevisionRow.number))
    return [_revision_dict(r) for r in rows]


def _revision_dict(r, with_content: bool = False) -> dict:
    out = {"id": r.id, "number": r.number, "action": r.action, "author": r.author, "created_at": _iso(r.created_at),
           "summary": r.summary, "changes": r.changes or []}
    if with_content:
        out["content"] = r.content
    return out


def save_draft(engine: Engine, draft_id: int, content: Content, base_version: int, author: str,
               action: str = "save", note: str | None = None) -> dict:
    """Save a new version on top of `base_version`. Refused (Conflict) when another save came first: the
    refused content is kept as a conflict revision. Refused (409) when the table is submitted or approved."""
    refuse_broken(content)
    with engine.begin() as conn:
        d = _row(conn, draft_id)
        status = document_status(conn, d.document_id) if d.document_id else "draft"
        require("write", d.department, status)
        if content.fields.department.strip() != (d.department or ""):
            require("write", content.fields.department.strip() or None, status)
        if status not in EDITABLE:
            raise Locked(f"该表{STATUS_ZH[status]}，不能再修改（退回后才能修改）")
        old = Content.model_validate(d.content)
        changes = diff_contents(old, content)
        text = (note + "；" if note else "") + summary(changes)
        f = content.fields
        hit = conn.execute(update(DraftRow).where(DraftRow.id == draft_id, DraftRow.version == base_version).values(
            content=content.model_dump(mode="json"), version=DraftRow.version + 1, updated_by=author,
            updated_at=_now(), name=f.name.strip() or "未命名项目", department=f.department.strip() or None,
            year=f.year)).rowcount
        if hit == 1:
            version = base_version + 1
            rev = _add_revision(conn, draft_id, version, action, author, changes, text, content)
            doc_id = store_in_place(conn, d.document_id, _draft_document(draft_id, version, content))
            if d.document_id is None:
                conn.execute(update(DraftRow).where(DraftRow.id == draft_id).values(document_id=doc_id))
                conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(status="draft"))
            _audit(conn, f"draft.{action}", f"draft:{draft_id}", {"version": base_version, "department": d.department},
                   {"version": version, "revision": rev, "summary": text, "changes": len(changes),
                    "document_id": doc_id}, f.department.strip() or d.department)
            return {"draft": get_draft(conn, draft_id), "revision": rev, "changes": changes, "summary": text}
    # another save came first: keep this one as a conflict copy, then tell the caller what the other changed
    with engine.begin() as conn:
        current = get_draft(conn, draft_id)
        theirs = _revisions_since(conn, draft_id, base_version)
        mine = diff_contents(Content.model_validate(current["content"]), content)
        kept = _add_revision(conn, draft_id, None, "conflict", author, mine,
                             f"未保存的并发修改（基于第 {base_version} 版）：{summary(mine)}", content)
        _audit(conn, "draft.conflict", f"draft:{draft_id}", {"version": base_version},
               {"revision": kept, "current_version": current["version"]}, current["department"])
    who = "；".join(f"{t['author']} 于 {t['created_at']} 保存第 {t['number']} 版：{t['summary']}" for t in theirs) or "另一次保存"
    raise Conflict(f"保存被拒绝：此草稿已被他人修改（你基于第 {base_version} 版，现为第 {current['version']} 版）。"
                   f"{who}。你的修改已另存为冲突副本（修订 {kept}），请在最新版本上重新修改后再保存。",
                   current, theirs, kept)


def check(content: Content) -> dict:
    findings = all_findings(content)
    return {"findings": findings, "errors": len(errors(findings)),
            "warnings": sum(1 for f in findings if f["severity"] == "warning")}


def submit_draft(engine: Engine, draft_id: int, base_version: int, author: str) -> dict:
    """draft (or returned) → submitted, only when no error-severity finding is left."""
    with engine.begin() as conn:
        d = _checked_row(conn, draft_id, "submit")
        if d.version != base_version:
            theirs = _revisions_since(conn, draft_id, base_version)
            raise Conflict(f"提交被拒绝：此草稿已被他人修改（你看到的是第 {base_version} 版，现为第 {d.version} 版），"
                           "请先载入最新版本。", get_draft(conn, draft_id), theirs, None)
        status = document_status(conn, d.document_id) if d.document_id else "draft"
        if status not in EDITABLE:
            raise Locked(f"该表{STATUS_ZH[status]}，不能再次提交")
        content = Content.model_validate(d.content)
        bad = errors(all_findings(content))
        if bad:
            listed = "；".join(f["message"] for f in bad[:5]) + ("等" if len(bad) > 5 else "")
            raise Unprocessable(f"还有 {len(bad)} 个错误，不能提交：{listed}")
        _submit(conn, d.document_id, d.department, status)
        _add_revision(conn, draft_id, None, "submit", author, [], f"提交第 {d.version} 版", content)
        return get_draft(conn, draft_id)


def _submit(conn: Connection, doc_id: int, department: str | None, status: str) -> None:
    """The workflow's submit move (its permission check and audit entry) when the workflow is installed."""
    try:
        from ..workflow.transitions import submit
    except ImportError:
        require("submit", department, status)
        set_status(conn, doc_id, "submitted")
        return
    submit(conn, principal(), doc_id)


# ---------------------------------------------------------------- revisions

def list_revisions(conn: Connection, draft_id: int) -> list[dict]:
    _checked_row(conn, draft_id, "read")
    rows = conn.execute(select(RevisionRow.__table__).where(RevisionRow.draft_id == draft_id)
                        .order_by(RevisionRow.id.desc()))
    return [_revision_dict(r) for r in rows]


def get_revision(conn: Connection, draft_id: int, revision_id: int) -> dict:
    _checked_row(conn, draft_id, "read")
    r = conn.execute(select(RevisionRow.__table__).where(RevisionRow.id == revision_id,
                                                       RevisionRow.draft_id == draft_id)).first()
    if r is None:
        raise NotFound(f"草稿 {draft_id} 没有编号为 {revision_id} 的修订")
    return _revision_dict(r, with_content=True)


def diff_revisions(conn: Connection, draft_id: int, a: int, b: int) -> dict:
    """Revision A → revision B: compare's indicator diff, and every change with the project fields."""
    ra, rb = get_revision(conn, draft_id, a), get_revision(conn, draft_id, b)
    ca, cb = Content.model_validate(ra["content"]), Content.model_validate(rb["content"])
    changes = diff_contents(ca, cb)
    return {"a": {k: ra[k] for k in ("id", "number", "author", "created_at")},
            "b": {k: rb[k] for k in ("id", "number", "author", "created_at")},
            "indicators": diff_indicators(indicators_of(ca), indicators_of(cb)), "changes": changes,
            "summary": summary(changes)}


def restore_revision(engine: Engine, draft_id: int, revision_id: int, base_version: int, author: str) -> dict:
    with engine.connect() as conn:
        _checked_row(conn, draft_id, "write")
        r = get_revision(conn, draft_id, revision_id)
    label = f"第 {r['number']} 版" if r["number"] else f"修订 {r['id']}"
    return save_draft(engine, draft_id, Content.model_validate(r["content"]), base_version, author, action="restore",
                      note=f"恢复到{label}")


# ---------------------------------------------------------------- delete and replace documents

def document_summary(conn: Connection, doc_id: int) -> dict:
    d = conn.execute(select(DocumentRow.id, DocumentRow.source_name, DocumentRow.title, DocumentRow.year,
                            DocumentRow.department, DocumentRow.n_projects, DocumentRow.n_indicators,
                            DocumentRow.status).where(DocumentRow.id == doc_id)).first()
    if d is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    return {**d._mapping, "draft_id": draft_of_document(conn, doc_id)}


def delete_document(engine: Engine, doc_id: int) -> dict:
    """Delete a stored document with everything hanging off it; an authored one takes its draft and the
    draft's revisions with it."""
    with engine.begin() as conn:
        info = document_summary(conn, doc_id)
        require("write", info["department"], info["status"])
        conn.execute(delete(DraftRow).where(DraftRow.document_id == doc_id))
        conn.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
        sync_library(conn, [])  # its indicators leave the library (their entries are counted again)
        _audit(conn, "document.delete", f"document:{doc_id}", info, None, info["department"])
        return info


def delete_draft(engine: Engine, draft_id: int) -> dict:
    with engine.begin() as conn:
        d = get_draft(conn, draft_id)
        require("write", d["department"], d["status"])
        conn.execute(delete(DraftRow).where(DraftRow.id == draft_id))
        if d["document_id"] is not None:
            conn.execute(delete(DocumentRow).where(DocumentRow.id == d["document_id"]))
        sync_library(conn, [])  # an approved draft's indicators leave the library
        info = {k: v for k, v in d.items() if k != "content"}
        _audit(conn, "draft.delete", f"draft:{draft_id}", info, None, d["department"])
        return info


def replace_document(engine: Engine, doc_id: int, doc: Document, author: str) -> dict:
    """Put a new reading (a corrected file) in place of a stored document, keeping its id and status. An
    authored document's draft gets the new content as a revision when the file holds one project."""
    with engine.begin() as conn:
        before = document_summary(conn, doc_id)
        require("write", before["department"], before["status"])
        other = conn.execute(select(DocumentRow.id).where(DocumentRow.sha256 == doc.source.sha256)).scalar()
        if other is not None and other != doc_id:
            raise Unprocessable(f"同一文件已作为文档 {other} 入库，不能再替换文档 {doc_id}", doc.source.name)
        if other == doc_id:
            return {"before": before, "after": before, "unchanged": True}
        store_in_place(conn, doc_id, doc)
        sync_library(conn, [doc_id])  # a public table's new indicators replace its old ones in the library
        draft_id = before["draft_id"]
        if draft_id is not None:
            d = _row(conn, draft_id)
            if len(doc.projects) == 1:
                content = from_project(doc, doc.projects[0])
                changes = diff_contents(Content.model_validate(d.content), content)
                conn.execute(update(DraftRow).where(DraftRow.id == draft_id).values(
                    content=content.model_dump(mode="json"), version=d.version + 1, updated_by=author,
                    updated_at=_now()))
                _add_revision(conn, draft_id, d.version + 1, "replace", author, changes,
                              f"以文件“{doc.source.name}”替换：{summary(changes)}", content)
            else:
                conn.execute(update(DraftRow).where(DraftRow.id == draft_id).values(document_id=None))
        after = document_summary(conn, doc_id)
        _audit(conn, "document.replace", f"document:{doc_id}", before, after, after["department"])
        return {"before": before, "after": after, "unchanged": False}


def count_drafts(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(DraftRow)).scalar_one()

"""A reviewer's comments: per indicator (or per project, or on the whole table), one opinion from the
national list and/or free text, with jixiao's findings attached by rule code.

A comment belongs to one review round (`round`: 1, plus the times the table was returned before it was
written), so a resubmitted table shows which comments came before the revision."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, insert, select

from ..errors import JixiaoError
from ..model import Document
from . import audit
from .findings import document_findings, rule_info
from .opinions import OPINIONS, STATUS_ZH, opinion
from .permissions import PermissionDenied, require
from .status import NotFound, document_info
from .tables import AuditRow, ReviewCommentRow

MAX_TEXT = 2000
_T = ReviewCommentRow.__table__


class CommentError(JixiaoError):
    """A comment that cannot be stored as given (HTTP 422)."""

    status = 422


def current_round(conn: Connection, doc_id: int) -> int:
    """The review round a comment now belongs to: 1, plus one for every time the table was returned (a return
    closes a round; the revised table's resubmission opens the next)."""
    return 1 + conn.execute(select(func.count(AuditRow.id)).where(
        AuditRow.target == f"document:{doc_id}", AuditRow.action == "workflow.return")).scalar_one()


def _where(doc: Document, project_index: int | None, indicator_seq: int | None) -> tuple[str | None, str | None]:
    if project_index is None:
        if indicator_seq is not None:
            raise CommentError("指定了指标序号却没有指定项目")
        return None, None
    if not 0 <= project_index < len(doc.projects):
        raise CommentError(f"文档中没有第 {project_index + 1} 个项目（共 {len(doc.projects)} 个）")
    project = doc.projects[project_index]
    if indicator_seq is None:
        return project.name, None
    match = [i for i in project.indicators if i.seq == indicator_seq]
    if not match:
        raise CommentError(f"项目“{project.name}”中没有序号为 {indicator_seq} 的指标")
    return project.name, match[0].name


def _attach(findings: list[dict], rules: list[str], project_index: int | None,
            indicator_seq: int | None) -> list[dict]:
    """For each rule code, jixiao's findings of that rule on this row (or the rule alone when it found
    nothing there: a reviewer may cite a rule jixiao did not fire)."""
    out: list[dict] = []
    for code in dict.fromkeys(c.strip().upper() for c in rules if c and c.strip()):
        info = rule_info(code)
        if info is None:
            raise CommentError(f"规则 {code} 不在规则目录中")
        hits = [f for f in findings if f["rule"] == code and f.get("project_index") == project_index
                and (indicator_seq is None or f.get("indicator_seq") == indicator_seq)]
        if not hits:
            out.append({"rule": code, "name": info["name"], "message": info["summary"], "evidence": "",
                        "fix": info["fix"]})
        for f in hits:
            out.append({"rule": code, "name": info["name"], "message": f["message"], "evidence": f.get("evidence") or "",
                        "fix": f.get("fix") or info["fix"]})
    return out


def add_comment(conn: Connection, principal, doc_id: int, *, project_index: int | None = None,
                indicator_seq: int | None = None, opinion_code: int | str | None = None, text: str | None = None,
                fix: str | None = None, rules: list[str] | tuple[str, ...] = (), settings=None) -> dict:
    """Store one comment on a submitted table and record it in the audit log; returns it as `comments_of` does.

    `project_index` is the project's position in the document (0-based, as findings count), `indicator_seq`
    the indicator's printed 序号; both None: a comment on the whole table. `settings`: the review config whose
    findings a rule code attaches."""
    info = document_info(conn, doc_id)
    actor = require(principal, "workflow.comment", info["department"])
    if info["status"] != "submitted":
        raise CommentError(f"只能对已报送、正在审核的表填写审核意见（当前状态：{STATUS_ZH.get(info['status'], info['status'])}）")
    try:
        op = opinion(opinion_code)
    except ValueError as exc:
        raise CommentError(str(exc)) from exc
    text = (text or "").strip() or None
    fix = (fix or "").strip() or None
    if op is None and text is None and not rules:
        raise CommentError("审核意见为空：请选择意见类型、填写说明或附上规则")
    if text and len(text) > MAX_TEXT or fix and len(fix) > MAX_TEXT:
        raise CommentError(f"审核意见过长（最多 {MAX_TEXT} 个字）")
    if any("\x00" in v for v in (text, fix, *rules) if v):  # PostgreSQL text cannot hold it
        raise CommentError("审核意见中含有无效字符（\\x00）")
    doc, findings = document_findings(conn, doc_id, settings=settings)
    project_name, indicator_name = _where(doc, project_index, indicator_seq)
    attached = _attach(findings, list(rules), project_index, indicator_seq) if rules else []
    values = {"document_id": doc_id, "round": current_round(conn, doc_id), "project_index": project_index,
              "project_name": project_name, "indicator_seq": indicator_seq, "indicator_name": indicator_name,
              "opinion": op.code if op else None, "text": text, "fix": fix, "findings": attached or None,
              "author": actor.name, "author_role": actor.role, "created_at": datetime.now(UTC)}
    new_id = conn.execute(insert(ReviewCommentRow).values(**values).returning(ReviewCommentRow.id)).scalar_one()
    comment = _comment(conn.execute(select(_T).where(_T.c.id == new_id)).one())
    audit.record(conn, principal, "workflow.comment", f"document:{doc_id}", None,
                 {k: v for k, v in comment.items() if k not in ("created_at",)}, info["department"])
    return comment


def delete_comment(conn: Connection, principal, doc_id: int, comment_id: int) -> dict:
    """Take back a comment of the current round while the table is still under review: its author or an
    administrator; the audit log keeps it (before) so nothing said disappears without trace."""
    info = document_info(conn, doc_id)
    actor = require(principal, "workflow.comment", info["department"])
    row = conn.execute(select(_T).where(_T.c.id == comment_id, _T.c.document_id == doc_id)).first()
    if row is None:
        raise NotFound(f"文档 {doc_id} 没有编号为 {comment_id} 的审核意见")
    if info["status"] != "submitted" or row.round != current_round(conn, doc_id):
        raise CommentError("只能删除正在审核的表上本轮的审核意见")
    if actor.role != "administrator" and actor.name != row.author:
        raise PermissionDenied(f"只能删除自己填写的审核意见（此条由“{row.author}”填写）")
    comment = _comment(row)
    conn.execute(delete(_T).where(_T.c.id == comment_id))
    audit.record(conn, principal, "workflow.comment.delete", f"document:{doc_id}",
                 {k: v for k, v in comment.items() if k != "created_at"}, None, info["department"])
    return comment


def comments_of(conn: Connection, doc_id: int, round: int | None = None) -> list[dict]:
    """A document's comments in the order written (of one round, or all)."""
    q = select(_T).where(_T.c.document_id == doc_id)
    if round is not None:
        q = q.where(_T.c.round == round)
    return [_comment(r) for r in conn.execute(q.order_by(_T.c.id))]


def _comment(r) -> dict:
    op = opinion(r.opinion) if r.opinion else None
    attached = list(r.findings or [])
    # the fix a department reads: the reviewer's own, else the attached rules', else the opinion's
    fixes = [r.fix] if r.fix else list(dict.fromkeys(f["fix"] for f in attached if f.get("fix")))
    if not fixes:  # the opinion's fix; a comment of free text alone: "按审核意见的说明修改" (opinion 11, 其他)
        fixes = [(op or OPINIONS[11]).fix]
    created = r.created_at
    if isinstance(created, datetime) and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return {"id": r.id, "document_id": r.document_id, "round": r.round, "project_index": r.project_index,
            "project": r.project_name, "indicator_seq": r.indicator_seq, "indicator": r.indicator_name,
            "opinion": op.code if op else None, "opinion_label": op.label if op else None, "text": r.text,
            "fix": "；".join(fixes), "findings": attached, "author": r.author, "author_role": r.author_role,
            "created_at": created.isoformat() if isinstance(created, datetime) else str(created)}

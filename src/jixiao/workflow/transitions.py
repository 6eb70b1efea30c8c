"""The moves of a department's table: draft → submitted → returned (with comments) or approved, and a
returned table, once revised, submitted again.

Each move is one function taking the actor (AUTH's principal, or an `Actor`), checked through
`permissions.require`, refused with one Chinese line when the table is not in a state it can leave that way,
and recorded in the audit log with the status before and after, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from ..errors import JixiaoError
from ..library_sync import sync as sync_library
from . import audit
from .actor import as_actor
from .comments import add_comment, current_round
from .opinions import ACTION_ZH, STATUS_ZH
from .permissions import PermissionDenied, allowed, require
from .status import document_info, set_status
from .tables import ReviewCommentRow


class TransitionError(JixiaoError):
    """A move the table's status does not allow (HTTP 409)."""

    status = 409


@dataclass(frozen=True)
class Move:
    action: str  # submit | return | approve
    sources: tuple[str, ...]
    target: str
    permission: str


MOVES = {m.action: m for m in (
    Move("submit", ("draft", "returned"), "submitted", "workflow.submit"),
    Move("return", ("submitted",), "returned", "workflow.return"),
    Move("approve", ("submitted",), "approved", "workflow.approve"),
)}


def _refuse(move: Move, doc_id: int, status: str | None) -> TransitionError:
    can = "、".join(f"“{STATUS_ZH[s]}”" for s in move.sources if s)
    return TransitionError(f"文档 {doc_id} 当前状态为“{STATUS_ZH.get(status, status)}”，不能{ACTION_ZH[move.action]}"
                           f"（只有{can}的表可以{ACTION_ZH[move.action]}）")


def _move(conn: Connection, principal, doc_id: int, action: str, note: str | None = None) -> dict:
    move = MOVES[action]
    info = document_info(conn, doc_id)
    require(principal, move.permission, info["department"])
    before = info["status"]
    if before not in move.sources:
        raise _refuse(move, doc_id, before)
    if note and note.strip():
        add_comment(conn, principal, doc_id, text=note)
    if action == "return" and not _has_comments(conn, doc_id):
        raise TransitionError(f"文档 {doc_id} 退回前须至少填写一条审核意见（或在退回时写明退回理由）")
    if not set_status(conn, doc_id, move.target, expected=before):
        raise TransitionError(f"文档 {doc_id} 的状态刚被他人改变，请刷新后再{ACTION_ZH[move.action]}")
    sync_library(conn, [doc_id])  # approved: its indicators join the library; otherwise they leave it
    # the round this move belongs to: a return closes it, a resubmission (after the return) opens the next
    after = {"status": move.target, "round": current_round(conn, doc_id)}
    entry = audit.record(conn, principal, f"workflow.{action}", f"document:{doc_id}", {"status": before}, after,
                         info["department"])
    return {"document_id": doc_id, "department": info["department"], "action": action, "before": before,
            "after": move.target, "round": after["round"], "audit_id": entry}


def _has_comments(conn: Connection, doc_id: int) -> bool:
    round_ = current_round(conn, doc_id)
    return conn.execute(select(func.count(ReviewCommentRow.id)).where(
        ReviewCommentRow.document_id == doc_id, ReviewCommentRow.round == round_)).scalar_one() > 0


def submit(conn: Connection, principal, doc_id: int) -> dict:
    """A department's officer sends a draft (or a revised, returned table) to the finance bureau."""
    return _move(conn, principal, doc_id, "submit")


def return_(conn: Connection, principal, doc_id: int, note: str | None = None) -> dict:
    """The reviewer sends the table back to be revised; it needs a comment of this round, or `note`, stored as one."""
    return _move(conn, principal, doc_id, "return", note)


def approve(conn: Connection, principal, doc_id: int, note: str | None = None) -> dict:
    """The reviewer approves the submitted table."""
    return _move(conn, principal, doc_id, "approve", note)


TRANSITION = {"submit": submit, "return": return_, "approve": approve}


def available(conn: Connection, principal, doc_id: int) -> list[str]:
    """The moves this actor may make on this table now (for the buttons a page shows)."""
    info = document_info(conn, doc_id)
    return moves_for(principal, info["status"], info["department"])


def moves_for(principal, status: str | None, department: str | None) -> list[str]:
    """The moves open to this actor on a table in `status` of `department` (no database: for lists)."""
    actor = as_actor(principal)
    out = []
    for m in MOVES.values():
        if status in m.sources and allowed(actor, m.permission, department):
            try:
                require(principal, m.permission, department)
            except PermissionDenied:
                continue
            out.append(m.action)
    return out


def history(conn: Connection, doc_id: int) -> list[dict]:
    """The table's workflow entries of the audit log, oldest first."""
    rows = audit.entries(conn, audit.AuditFilter(action="workflow.", target=f"document:{doc_id}", limit=None))
    return list(reversed(rows))

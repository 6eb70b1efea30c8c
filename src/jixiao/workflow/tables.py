"""The two tables of migration 0008: reviewers' comments and the audit log.

They live on the store's `Base` so the migration check (`compare_metadata`) sees them; `jixiao.store.schema`
imports this module at its end. A comment points at its indicator by the project's position and the
indicator's seq, with the names as they were when written: a revised table (new indicator rows under the
same document) keeps its comments beside the same rows, and a comment whose row is gone still prints with
the name it was about."""

from __future__ import annotations

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..store.schema import Base


class ReviewCommentRow(Base):
    __tablename__ = "review_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)  # the submission it answers (1 = first)
    project_index: Mapped[int | None] = mapped_column(Integer)  # None: about the whole table
    project_name: Mapped[str | None] = mapped_column(Text)
    indicator_seq: Mapped[int | None] = mapped_column(Integer)  # None: about the project
    indicator_name: Mapped[str | None] = mapped_column(Text)
    opinion: Mapped[int | None] = mapped_column(Integer)  # national opinion code 1-11 (opinions.py)
    text: Mapped[str | None] = mapped_column(Text)
    fix: Mapped[str | None] = mapped_column(Text)  # the reviewer's own fix; else the opinion's and the rules'
    findings: Mapped[list | None] = mapped_column(JSON)  # attached findings: [{rule, name, message, evidence, fix}]
    author: Mapped[str] = mapped_column(Text)
    author_role: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Who did what to what, when, with the state before and after (JSON, None where there was none)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[object] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(Text)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(Text)  # "document:12", "user:alice", …
    department: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | list | None] = mapped_column(JSON)
    after: Mapped[dict | list | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_target", "target"),)

"""The tables of migration 0007: drafts (the officer's working copy of one project's table) and revisions
(every save, with who, when and what changed). `documents.status` is a column of the documents table
(jixiao.store.schema) since the workflow moves stored documents too.

Registered on the store's metadata (imported at the end of jixiao.store.schema) so the migration test sees
them."""

from __future__ import annotations

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..store.schema import Base

STATUSES = ("draft", "submitted", "returned", "approved", "published")


class DraftRow(Base):
    """One project's table being written. `version` grows by one on every save: a save names the version it
    was based on and is refused when another save came first (optimistic locking). `document_id` is the
    stored document the draft was last submitted as (null until then)."""

    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text, index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[object] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RevisionRow(Base):
    """A save (`number` = the draft version it made), a restore, or a refused concurrent save kept so that
    nothing typed is lost (`action` = conflict, `number` null)."""

    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # create | save | restore | submit | conflict
    author: Mapped[str] = mapped_column(Text)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), server_default=func.now())
    summary: Mapped[str] = mapped_column(Text)
    changes: Mapped[list | None] = mapped_column(JSON)
    content: Mapped[dict] = mapped_column(JSON)

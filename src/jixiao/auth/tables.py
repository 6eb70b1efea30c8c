"""The account tables (migration 0006), as SQLAlchemy Core tables of their own metadata.

Kept apart from the corpus schema (store/schema.py): accounts are not part of the interchange format, and the
auth modules query them with Core statements that run the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

# a department officer has exactly one row (their own department); a finance reviewer has none (every
# department) or the departments assigned to them; administrators and analysts have none
user_departments = Table(
    "user_departments", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department", String(200), primary_key=True),
)

# only a SHA-256 of the token is kept: tokens are 32 random bytes, so a fast hash is safe and keeps the
# per-request check cheap; `prefix` lets a user tell their tokens apart in `jixiao user tokens`
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# server-side web sessions: the signed cookie carries a random session id, the table its SHA-256, so a
# logout or a disabled account ends the session on every worker at once
sessions = Table(
    "sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# server-wide secrets made at setup (the cookie signing key), shared by every worker of one store
auth_settings = Table(
    "auth_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

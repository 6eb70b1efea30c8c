"""Open the store: SQLite by default (`jixiao.db`), PostgreSQL by URL; migrations run on open."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from ..errors import JixiaoError
from . import search

DEFAULT_DB = "jixiao.db"


class StoreError(JixiaoError):
    """The store cannot be opened or written."""


def resolve_url(db: str | None = None) -> str:
    """`--db`, else `JIXIAO_DB`, else `jixiao.db`; a plain path means a SQLite file."""
    value = db or os.environ.get("JIXIAO_DB") or DEFAULT_DB
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def _wal(cur, wait: float = 60.0) -> None:
    """Switch the file to write-ahead logging. Switching a fresh file needs it to itself, and SQLite answers
    "database is locked" at once, without its busy wait, when another process opening the same fresh store
    holds it: so wait here, as every other statement would (two ingests started at once on a new store)."""
    import sqlite3
    import time

    deadline = time.monotonic() + wait
    delay = 0.01
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    _wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    # a 64 MB page cache (the default is 2 MB) keeps the indexes of a large store in memory
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA mmap_size=1073741824")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def open_engine(db: str | None = None, migrate: bool = True) -> Engine:
    url = resolve_url(db)
    try:
        # SQLite: wait for another process's write (or its migrations) instead of failing after 5 s
        connect_args = {"timeout": 60} if url.startswith("sqlite") else {}
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"数据库地址无效：{url}（{exc}）") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name != "postgresql":
        raise StoreError(f"不支持的数据库：{engine.dialect.name}（可用 SQLite 或 PostgreSQL）")
    if migrate:
        try:
            upgrade(engine)
            search.flush(engine)  # what an ingest killed before its end left out of the search index
        except OperationalError as exc:
            raise StoreError(f"无法连接数据库 {_shown(engine)}：{_first_line(exc)}") from exc
        except SQLAlchemyError as exc:
            detail = _first_line(exc)
            if "file is not a database" in detail:
                detail = "文件不是 SQLite 数据库"
            raise StoreError(f"无法打开数据库 {_shown(engine)}：{detail}") from exc
    return engine


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _first_line(exc: SQLAlchemyError) -> str:
    """The driver's own message, without SQLAlchemy's statement and background link."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def refresh_statistics(engine: Engine) -> None:
    """After a batch, give PostgreSQL's planner the new row counts and value frequencies at once: with
    stale statistics it picks plans for an empty table and searches slow down until autovacuum comes by.
    SQLite's planner does well on the schema alone."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE documents, projects, indicators, targets, search_index")


MIGRATION_LOCK = 0x6A697869616F  # PostgreSQL advisory lock key ("jixiao")
MIGRATION_WAIT_MS = 120_000


def _lock_for_migrations(conn) -> None:
    """Two processes opening a fresh store at once must not both create the tables: the first takes the lock
    and migrates, the other waits for it, then finds the schema current and goes on. SQLite: an exclusive
    transaction (the whole file); PostgreSQL: a transaction-scoped advisory lock, released at commit."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout={MIGRATION_WAIT_MS}")
        conn.exec_driver_sql("BEGIN EXCLUSIVE")
    else:
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest Alembic revision (or to `revision`), under the migration lock."""
    with engine.begin() as conn:
        migrate(conn, revision)


def migrate(conn, revision: str = "head") -> None:
    """Take the migration lock in the caller's transaction, then run what is missing; the lock is held until
    that transaction ends."""
    from alembic import command
    from alembic.config import Config

    _lock_for_migrations(conn)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("jixiao.store") / "migrations"))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)

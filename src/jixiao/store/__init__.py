"""The corpus store: SQLAlchemy tables, Alembic migrations, writes, reads, queries and search."""

from .db import StoreError, open_engine, resolve_url
from .queries import Filters, document_ids, query_indicators, query_projects
from .reader import load_document
from .writer import store_document

__all__ = ["Filters", "StoreError", "document_ids", "load_document", "open_engine", "query_indicators",
           "query_projects", "resolve_url", "store_document"]

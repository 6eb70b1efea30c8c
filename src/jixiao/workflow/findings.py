"""jixiao's findings on a stored document, as the workflow attaches and prints them.

The service layer stores findings (migration 0005) and reviews with the server's settings; when it offers
`findings_for(conn, doc_id)` the workflow takes them from there, otherwise it reviews the stored document
with the default settings. Either way a finding reaches the workflow as a plain dict with its rule's name
and fix."""

from __future__ import annotations

from sqlalchemy import Connection

from ..model import Document
from ..review import REGISTRY, Settings, all_rules, review_document
from ..store import load_document


def rule_info(code: str) -> dict | None:
    """code, name, summary and fix of a catalog rule; None for a code not in the catalog."""
    all_rules()
    r = REGISTRY.get(code.strip().upper())
    return None if r is None else {"rule": r.code, "name": r.name, "summary": r.summary, "fix": r.fix}


def document_findings(conn: Connection, doc_id: int, doc: Document | None = None,
                      settings: Settings | None = None) -> tuple[Document, list[dict]]:
    """The stored document and its findings under `settings` (the server's review config; None: the defaults),
    as dicts like `Finding.to_dict()` plus `project_index`."""
    found = None
    try:
        from .. import service

        hook = getattr(service, "findings_for", None)
        if hook is not None:
            found = hook(conn, doc_id, settings) if settings is not None else hook(conn, doc_id)
    except (ImportError, TypeError):  # no service layer yet, or a hook of another shape
        found = None
    if found is not None:
        doc, findings = found
    else:
        doc = doc or load_document(conn, doc_id)
        findings = review_document(doc, settings)
    out = []
    for f in findings:
        d = f.to_dict() if hasattr(f, "to_dict") else dict(f)
        d["project_index"] = getattr(f, "project_index", d.get("project_index"))
        out.append(d)
    return doc, out

"""Scores, lights and tracks of stored monitoring and self-evaluation tables, as `jixiao score` and `jixiao
track` compute them, for the API (the figures come from jixiao.execution; this module finds the documents,
checks the caller may read them and shapes the answers)."""

from __future__ import annotations

from sqlalchemy import Engine

from .access import LOCAL, Principal
from .execution_view import approved_for, scorable_document


def score_stored(engine: Engine, doc_id: int, cfg, principal: Principal | None = LOCAL) -> dict:
    """A self-evaluation's recomputed scores: each indicator's printed and recomputed score, rule, total and
    grade, with the template choices used."""
    from ..execution.report import config_dict, score_documents

    doc = scorable_document(engine, doc_id, principal)
    (report,) = score_documents([doc], cfg)
    return {"id": doc_id, **report.to_dict(), "config": config_dict(cfg)}


def lights_stored(engine: Engine, doc_id: int, cfg, principal: Principal | None = LOCAL) -> dict:
    """A monitoring table's lights: each indicator's, the budget row's and each project's."""
    from ..execution.lights import light_document

    doc = scorable_document(engine, doc_id, principal)
    lights = light_document(doc, cfg)
    return {"id": doc_id, "document": doc.source.name, "kind": doc.kind, "as_of_month": doc.as_of_month,
            "projects": [pl.to_dict() for pl in lights]}


def track_stored(engine: Engine, doc_id: int, cfg, principal: Principal | None = LOCAL) -> dict:
    """A monitoring or self-evaluation table beside the approved target tables in the store."""
    from ..execution.link import track_documents

    doc = scorable_document(engine, doc_id, principal)
    candidates, approved = approved_for(engine, doc)
    tracks = track_documents([doc], approved, cfg)
    return {"id": doc_id, "document": doc.source.name, "kind": doc.kind, "approved_documents": candidates,
            "projects": [t.to_dict() for t in tracks]}

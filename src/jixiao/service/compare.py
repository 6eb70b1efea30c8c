"""Compare two years (or two sets of stored documents), as the API and the compare page ask for it."""

from __future__ import annotations

from sqlalchemy import Engine

from ..errors import JixiaoError, NotFound
from ..store import Filters, document_ids, load_document
from .access import LOCAL, Principal, check, document_ref, visible_departments
from .catalog import (
    _narrow,
    department_list,
    document_exists,
    documents_of,
    years_with_data,
)


def compare_stored(engine: Engine, *, a_year: int | None = None, b_year: int | None = None,
                   department: str | None = None, a_document: int | None = None, b_document: int | None = None,
                   principal: Principal | None = LOCAL) -> dict:
    """Side A and side B each a stored document or a year's documents (of a department, substring)."""
    from ..compare import compare_documents

    check(principal, "read", department)
    sides = []
    with engine.connect() as conn:
        for year, doc in ((a_year, a_document), (b_year, b_document)):
            if doc is not None:
                ids = [doc] if document_exists(conn, doc) else []
                for i in ids:
                    check(principal, "read", document_ref(conn, i))
            elif year is not None:
                ids = document_ids(conn, _narrow(Filters(year=year, department=department), principal))
            else:
                raise JixiaoError("请给出 a_year 和 b_year，或 a_document 和 b_document")
            if not ids:
                raise NotFound("没有符合条件的文档")
            sides.append([load_document(conn, i) for i in ids])
    return compare_documents(*sides)


def compare_years(engine: Engine, department: str | None = None, a: int | None = None, b: int | None = None,
                  principal: Principal | None = LOCAL) -> dict:
    """The compare page: two years of one department (exact name, or everything); without years, its two
    latest years with data. `result` None when a side has no documents."""
    from ..compare import compare_documents

    check(principal, "read", department)
    seen = visible_departments(principal)
    result = None
    depts = [d["department"] for d in department_list(engine, principal) if d["named"]]
    with engine.connect() as conn:
        years = years_with_data(conn, department, seen)
        if a is None and b is None and len(years) >= 2:
            a, b = years[-2], years[-1]
        if a is not None and b is not None:
            sides = [[load_document(conn, i) for i in documents_of(conn, y, department, seen)] for y in (a, b)]
            if all(sides):
                result = compare_documents(*sides)
    return {"departments": depts, "years": years, "a": a, "b": b, "result": result}

"""A document under review as the department and the reviewer both see it: every project's rows, each with
the reviewer's comments and jixiao's findings beside it, the moves the viewer may make, and the history.

A comment is placed on its row by project position and 序号 when the row still has the name it was written
about, else on the row of that name in the same project (a revision moved it), else under its project with
the name it was about (the row is gone)."""

from __future__ import annotations

from sqlalchemy import Connection

from ..review.report import SEVERITY_ZH
from .actor import as_actor
from .comments import comments_of, current_round
from .findings import document_findings
from .opinions import OPINIONS, STATUS_ZH
from .permissions import require
from .status import document_info
from .transitions import available, history

_RANK = {"error": 0, "warning": 1, "info": 2}


def _place(comment: dict, projects: list[dict]) -> tuple[dict | None, dict | None]:
    """(project, row) a comment belongs to; row None for a project-level or orphaned comment."""
    pi = comment["project_index"]
    if pi is None or not 0 <= pi < len(projects):
        return None, None
    project = projects[pi]
    if comment["indicator_seq"] is None:
        return project, None
    by_seq = [r for r in project["rows"] if r["seq"] == comment["indicator_seq"]]
    if by_seq and (comment["indicator"] is None or by_seq[0]["name"] == comment["indicator"]):
        return project, by_seq[0]
    by_name = [r for r in project["rows"] if r["name"] == comment["indicator"]]
    return project, (by_name[0] if by_name else None)


def review_sheet(conn: Connection, principal, doc_id: int, all_rounds: bool = True, settings=None) -> dict:
    """Everything the review page shows; PermissionDenied for someone who may not read this table's review."""
    info = document_info(conn, doc_id)
    require(principal, "workflow.read", info["department"])
    doc, findings = document_findings(conn, doc_id, settings=settings)
    round_ = current_round(conn, doc_id)
    comments = comments_of(conn, doc_id, None if all_rounds else round_)
    projects = []
    for index, p in enumerate(doc.projects):
        rows = [{"seq": i.seq, "level1": i.level1, "level2": i.level2, "name": i.name,
                 "annual": i.annual.raw if i.annual else "", "period": i.period.raw if i.period else "",
                 "comments": [], "findings": []} for i in p.indicators]
        projects.append({"index": index, "name": p.name, "unit": p.unit, "code": p.code, "goal": p.goal,
                         "rows": rows, "comments": [], "findings": []})
    general_comments, general_findings = [], []
    for f in sorted(findings, key=lambda f: (_RANK[f["severity"]], f.get("indicator_seq") or 0, f["rule"])):
        f = dict(f, severity_zh=SEVERITY_ZH[f["severity"]])
        pi = f.get("project_index")
        if pi is None or not 0 <= pi < len(projects):
            general_findings.append(f)
            continue
        match = [r for r in projects[pi]["rows"] if r["seq"] == f.get("indicator_seq")]
        (match[0]["findings"] if match and f.get("indicator_seq") is not None else projects[pi]["findings"]).append(f)
    for c in comments:
        c = dict(c, current=c["round"] == round_)
        project, row = _place(c, projects)
        # the row (or project) it was written about is no longer in the table: shown with the name it had
        c["orphan"] = (row is None and c["indicator_seq"] is not None) or (project is None and
                                                                          c["project_index"] is not None)
        if row is not None:
            row["comments"].append(c)
        elif project is not None:
            project["comments"].append(c)
        else:
            general_comments.append(c)
    return {"document": info, "status_zh": STATUS_ZH.get(info["status"], info["status"]), "round": round_,
            "projects": projects, "comments": general_comments, "findings": general_findings,
            "n_comments": len(comments), "n_findings": len(findings),
            "actions": available(conn, principal, doc_id), "history": history(conn, doc_id),
            "opinions": [o.to_dict() for o in OPINIONS.values()],
            "can_comment": info["status"] == "submitted" and _may(principal, "workflow.comment", info["department"]),
            "viewer": as_actor(principal).to_dict()}


def _may(principal, action: str, department: str | None) -> bool:
    from .permissions import PermissionDenied

    try:
        require(principal, action, department)
    except PermissionDenied:
        return False
    return True

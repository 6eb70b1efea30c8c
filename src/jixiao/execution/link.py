"""Link a self-evaluation or monitoring table to its approved target table: projects by code, then by name
(compare's matcher), indicators by name (and unit, through compare's target classification). Each indicator
row carries target | actual | weight | score printed and recomputed | light, and the change between the
approved target and the one the self-evaluation prints (a target quietly lowered is the finding a reviewer
wants first); indicators added to or dropped from the approved set are listed too."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..compare import diff_indicators, match_projects, project_key
from ..model import UNNAMED_PROJECT, Document, Indicator, Project
from .config import ScoreConfig
from .lights import ProjectLights, light_document
from .scoring import SubjectScore, score_document

CHANGE_ZH = {"added": "新增", "removed": "删除", "renamed": "改名", "moved": "调整层级", "raised": "提高",
             "lowered": "降低", "kind_changed": "类型变化", "changed": "表述变化", "unchanged": "未变",
             "unlinked": "未配对"}


@dataclass
class ProjectTrack:
    document: str
    kind: str
    project: str
    unit: str | None
    code: str | None
    approved_document: str | None = None
    approved_project: str | None = None
    match: str = ""  # how the pair was made, or why not
    rows: list[dict] = field(default_factory=list)
    total_printed: float | None = None
    total_recomputed: float | None = None
    light: str | None = None

    @property
    def lowered(self) -> int:
        return sum(1 for r in self.rows if r["change"] == "lowered")

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r["change"] == "added")

    @property
    def dropped(self) -> int:
        return sum(1 for r in self.rows if r["change"] == "removed")

    def to_dict(self) -> dict:
        return {"document": self.document, "kind": self.kind, "project": self.project, "unit": self.unit,
                "code": self.code, "approved_document": self.approved_document,
                "approved_project": self.approved_project, "match": self.match,
                "total_printed": self.total_printed, "total_recomputed": self.total_recomputed, "light": self.light,
                "summary": {"lowered": self.lowered, "added": self.added, "dropped": self.dropped},
                "indicators": self.rows}


def _pair_projects(evals: list[Project], approved: list[Project]) -> dict[int, tuple[Project | None, str]]:
    """Index of each evaluated project → (approved project or None, reason). Code first, then name."""
    out: dict[int, tuple[Project | None, str]] = {}
    by_code: dict[str, list[Project]] = {}
    for p in approved:
        if p.code:
            by_code.setdefault(p.code.strip(), []).append(p)
    used: set[int] = set()
    rest: list[int] = []
    for k, p in enumerate(evals):
        cands = by_code.get((p.code or "").strip(), [])
        if p.code and len(cands) == 1 and id(cands[0]) not in used:
            out[k] = (cands[0], "项目编码相同")
            used.add(id(cands[0]))
        else:
            rest.append(k)
    remaining = [p for p in approved if id(p) not in used and p.name != UNNAMED_PROJECT]
    unnamed = [k for k in rest if evals[k].name == UNNAMED_PROJECT]
    for k in unnamed:  # the parser's placeholder is not a name: two unnamed tables are not the same project
        out[k] = (None, "自评表未注明项目名称，不按名称配对")
    rest = [k for k in rest if k not in unnamed]
    if rest and remaining:
        matches = match_projects([evals[k] for k in rest], remaining)
        for k, m in zip(rest, [m for m in matches if m.a is not None], strict=True):
            out[k] = (m.b, m.reason) if m.status == "matched" else (None, m.reason)
    for k in rest:
        out.setdefault(k, (None, "库中没有已批复的目标表"))
    return out


def _approved_overall(doc: Document, approved: list[Document]) -> tuple[Document | None, str]:
    """The approved department-wide table of the same department (and year, when both state one)."""
    if not doc.department:
        return None, "自评表未注明部门"
    key = project_key(doc.department)
    cands = [d for d in approved if d.overall is not None and d.department
             and project_key(d.department) == key and (doc.year is None or d.year in (None, doc.year))]
    if len(cands) == 1:
        return cands[0], "部门名称相同"
    return None, "有多个同部门的部门整体目标表，未自动配对" if cands else "库中没有已批复的部门整体目标表"


def track_documents(docs: list[Document], approved: list[Document], cfg: ScoreConfig | None = None
                    ) -> list[ProjectTrack]:
    cfg = cfg or ScoreConfig()
    approved = [d for d in approved if d.kind == "target"]
    approved_projects = [(d, p) for d in approved for p in d.projects]
    owner = {id(p): d for d, p in approved_projects}
    out: list[ProjectTrack] = []
    for doc in docs:
        scored = score_document(doc, cfg)
        lights = {(pl.name, pl.unit): pl for pl in light_document(doc, cfg)}  # a self-evaluation: by points kept
        # the same year's approved tables first: a project that recurs every year must not pair with last year's
        same_year = [p for d, p in approved_projects if doc.year is not None and d.year == doc.year]
        pairs = _pair_projects(doc.projects, same_year or [p for _, p in approved_projects])
        for s in scored:
            pl = lights.get((s.name, s.unit))
            if s.project is not None:
                k = next(n for n, p in enumerate(doc.projects) if p is s.project)
                ap, reason = pairs[k]
                approved_doc = owner[id(ap)] if ap is not None else None
                approved_name = ap.name if ap is not None else None
                approved_inds = ap.indicators if ap is not None else None
            else:  # a department-wide table's overall, against the approved department-wide table
                approved_doc, reason = _approved_overall(doc, approved)
                approved_name = f"{approved_doc.department}部门整体" if approved_doc else None
                approved_inds = ([i for sec in approved_doc.overall.sections for i in sec.indicators]
                                 if approved_doc else None)
            out.append(_track(doc, s, pl, approved_doc, approved_name, approved_inds, reason))
    return out


def _track(doc: Document, s: SubjectScore, pl: ProjectLights | None, approved_doc: Document | None,
           approved_name: str | None, approved_inds: list[Indicator] | None, reason: str) -> ProjectTrack:
    """One subject's rows: each indicator beside its approved counterpart, with its scores and light."""
    t = ProjectTrack(doc.source.name, doc.kind, s.name, s.unit, s.code, match=reason,
                     total_printed=s.total_printed, total_recomputed=s.total_recomputed,
                     light=pl.color if pl else None)
    if approved_doc is not None:
        t.approved_document = approved_doc.source.name
        t.approved_project = approved_name
    inds_b = [x.indicator for x in s.indicators]
    scores = {(x.indicator.seq, x.indicator.name): x for x in s.indicators}
    light_of = {(il.indicator.seq, il.indicator.name): il.light.color for il in (pl.indicators if pl else [])}
    if approved_inds is None:
        changes = [{"change": "unlinked", "detail": "", "a": None,
                    "b": {"seq": i.seq, "name": i.name, "level1": i.level1, "level2": i.level2},
                    "target_a": None} for i in inds_b]
    else:
        changes = diff_indicators(approved_inds, inds_b)
    for c in changes:
        b = c.get("b")
        key = (b["seq"], b["name"]) if b else None
        sc = scores.get(key) if key else None
        ind = sc.indicator if sc else None
        t.rows.append({
            "seq": b["seq"] if b else None, "name": b["name"] if b else c["a"]["name"],
            "level1": (b or c["a"])["level1"], "approved_target": (c.get("target_a") or {}).get("raw"),
            "target": ind.annual.raw if ind and ind.annual else None,
            "actual": ind.actual.raw if ind and ind.actual else None,
            "weight": None if sc is None or sc.weight is None else round(sc.weight, 2),
            "printed": ind.score if ind else None, "recomputed": sc.recomputed if sc else None,
            "rule": sc.rule if sc else None, "light": light_of.get(key) if key else None,
            "change": c["change"], "detail": c.get("detail", ""),
        })
    return t


def candidate_document_ids(conn, docs: list[Document], ids: list[int] | None = None, threshold: float = 80
                           ) -> list[int]:
    """Stored target tables that may hold the approved counterpart of these documents' projects: a project
    with the same code, or a name compare's matcher would accept, or (for a department-wide table) the same
    department. Only project names are read, so a large store is not loaded whole."""
    from rapidfuzz import fuzz
    from sqlalchemy import select

    from ..store.schema import DocumentRow, ProjectRow

    codes = {p.code.strip() for d in docs for p in d.projects if p.code}
    keys = {project_key(p.name) for d in docs for p in d.projects}
    departments = {project_key(d.department) for d in docs if d.overall is not None and d.department}
    allowed = set(ids) if ids is not None else None
    out: set[int] = set()
    rows = conn.execute(select(ProjectRow.document_id, ProjectRow.name, ProjectRow.code)
                        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                        .where(DocumentRow.kind == "target"))
    for doc_id, name, code in rows:
        if (allowed is not None and doc_id not in allowed) or doc_id in out:
            continue
        k = project_key(name)
        if (code and code.strip() in codes) or k in keys or any(fuzz.ratio(k, x) >= threshold for x in keys):
            out.add(doc_id)
    if departments:
        for doc_id, dept in conn.execute(select(DocumentRow.id, DocumentRow.department)
                                         .where(DocumentRow.kind == "target", DocumentRow.has_overall)):
            if dept and project_key(dept) in departments and (allowed is None or doc_id in allowed):
                out.add(doc_id)
    return sorted(out)


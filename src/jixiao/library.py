"""The indicator library: every indicator in the store grouped into entries (name variants that mean the
same indicator), with their level placements, frequency and target distribution; search; suggestions for
a new project.

Grouping, in order, each step recorded as evidence:
1. the same key after normalization (`compare.indicator_key`: full/half-width brackets, punctuation, a
   trailing number `系统正常运行率1`, a trailing qualifier `（运行保障类）`);
2. keys ending alike (last three characters) that are near-identical (rapidfuzz ratio ≥ 90) or where
   one contains the other and is at least 70% of its length (`正常运行率` ⊂ `系统正常运行率`).

Suggestions: projects are vectors of character 1–3-grams of name, content and goal (TF-IDF); the new
project's text finds its nearest projects (cosine), and each library entry scores the summed similarity of
the neighbours that use it. Typical targets and the projects an entry came from are shown with it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import Connection, delete, insert, select

from .compare import indicator_key
from .store.schema import (
    DocumentRow,
    IndicatorRow,
    LibraryEntryRow,
    LibraryMemberRow,
    ProjectRow,
    TargetRow,
)


@dataclass
class Entry:
    key: str
    members: list[int] = field(default_factory=list)  # indicator ids
    names: Counter = field(default_factory=Counter)
    evidence: dict[str, str] = field(default_factory=dict)  # variant → why it belongs
    placements: Counter = field(default_factory=Counter)
    targets: Counter = field(default_factory=Counter)
    projects: set[int] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.names.most_common(1)[0][0]


def similar_keys(a: str, b: str) -> str | None:
    """Why two normalized names are the same indicator, or None."""
    if fuzz.ratio(a, b) >= 90:
        return f"名称相似度 {fuzz.ratio(a, b):.0f}"
    short, long_ = sorted((a, b), key=len)
    if short in long_ and len(short) / len(long_) >= 0.7:
        return f"“{short}”包含于“{long_}”"
    return None


def group(rows: list[tuple[int, str, str | None, str | None, str | None, int | None]]) -> list[Entry]:
    """rows: (indicator id, name, level1, level2, target text, project id) → entries.

    Keys are taken from the most used down; a key joins the group whose first (most used) key it is close
    to, never a group through one of its other members, so `设备正常运行率` does not join
    `系统正常运行率` by way of `正常运行率`."""
    by_key: dict[str, list] = defaultdict(list)
    for row in rows:
        by_key[indicator_key(row[1])].append(row)
    roots: dict[str, list[str]] = defaultdict(list)  # suffix block → group roots
    root_of: dict[str, str] = {}
    why: dict[str, str] = {}
    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        best = None
        for root in roots[key[-3:]]:
            if min(len(root), len(key)) / max(len(root), len(key)) < 0.7:
                continue
            reason = similar_keys(key, root)
            if reason:
                best = (root, reason)
                break
        if best:
            root_of[key], why[key] = best
        else:
            root_of[key] = key
            roots[key[-3:]].append(key)
    entries: dict[str, Entry] = {}
    for key, members in by_key.items():
        root = root_of[key]
        e = entries.setdefault(root, Entry(root))
        for ind_id, name, level1, level2, target, project_id in members:
            e.members.append(ind_id)
            e.names[name] += 1
            e.placements[f"{level1 or '—'}/{level2 or '—'}"] += 1
            if target:
                e.targets[target] += 1
            if project_id is not None:
                e.projects.add(project_id)
    for e in entries.values():
        canonical = e.name
        for name in e.names:
            if name == canonical:
                e.evidence[name] = "最常用的写法"
            elif indicator_key(name) == e.key:
                e.evidence[name] = "只有括号全半角、标点、末尾编号或限定语不同"
            else:
                e.evidence[name] = why.get(indicator_key(name), "相近名称")
    return sorted(entries.values(), key=lambda e: (-len(e.members), e.key))


_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}


def _target_label(kind: str | None, op: str | None, value: float | None, unit: str | None, raw: str | None) -> str | None:
    if kind == "number" and value is not None:
        return f"{_SYMBOL.get(op, op or '')}{value:g}{unit or ''}"
    return raw


def build_library(conn: Connection) -> int:
    """Rebuild the library tables from every indicator in the store; returns the number of entries."""
    q = (select(IndicatorRow.id, IndicatorRow.name, IndicatorRow.level1, IndicatorRow.level2, TargetRow.kind,
                TargetRow.op, TargetRow.value, TargetRow.unit, TargetRow.raw, IndicatorRow.project_id)
         .outerjoin(TargetRow, (TargetRow.indicator_id == IndicatorRow.id) & (TargetRow.which == "annual")))
    parts: dict[str, dict] = {}  # label → its kind, op, number and unit
    rows = []
    for r in conn.execute(q):
        label = _target_label(r.kind, r.op, r.value, r.unit, r.raw)
        if label and label not in parts:
            parts[label] = {"kind": r.kind, "op": r.op, "value": r.value, "unit": r.unit}
        rows.append((r.id, r.name, r.level1, r.level2, label, r.project_id))
    entries = group(rows)
    conn.execute(delete(LibraryMemberRow))
    conn.execute(delete(LibraryEntryRow))
    for n, e in enumerate(entries, start=1):
        conn.execute(insert(LibraryEntryRow).values(
            id=n, key=e.key, name=e.name, count=len(e.members), n_projects=len(e.projects),
            variants=[{"name": k, "count": v, "evidence": e.evidence.get(k, "")} for k, v in e.names.most_common()],
            placements=[{"level": k, "count": v} for k, v in e.placements.most_common()],
            targets=[{"target": k, "count": v, **parts.get(k, {})} for k, v in e.targets.most_common(20)]))
        if e.members:
            conn.execute(insert(LibraryMemberRow), [{"entry_id": n, "indicator_id": i} for i in e.members])
    return len(entries)


def search_library(conn: Connection, term: str, limit: int = 20) -> list[dict]:
    """Entries whose name or a variant contains the term (or is close to it), most used first."""
    key = indicator_key(term)
    out = []
    for e in conn.execute(select(LibraryEntryRow).order_by(LibraryEntryRow.count.desc())):
        names = [v["name"] for v in e.variants or []]
        if any(term in n for n in names) or key in e.key or fuzz.partial_ratio(key, e.key) >= 90 and len(key) >= 3:
            out.append(_entry_dict(e))
            if len(out) >= limit:
                break
    return out


def show_entry(conn: Connection, ref: str) -> dict | None:
    q = select(LibraryEntryRow)
    q = q.where(LibraryEntryRow.id == int(ref)) if ref.isdigit() else q.where(LibraryEntryRow.key == indicator_key(ref))
    e = conn.execute(q).first()
    if e is None:
        return None
    projects = conn.execute(
        select(ProjectRow.name, ProjectRow.unit, DocumentRow.source_name, DocumentRow.year)
        .join(IndicatorRow, IndicatorRow.project_id == ProjectRow.id)
        .join(LibraryMemberRow, LibraryMemberRow.indicator_id == IndicatorRow.id)
        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
        .where(LibraryMemberRow.entry_id == e.id).distinct().limit(50)).all()
    return _entry_dict(e) | {"projects": [dict(r._mapping) for r in projects]}


def _entry_dict(e) -> dict:
    return {"id": e.id, "name": e.name, "count": e.count, "projects_using": e.n_projects, "variants": e.variants,
            "placements": e.placements, "targets": e.targets}


@dataclass
class Suggester:
    """Nearest projects by character n-gram TF-IDF; entries ranked by the similarity of the projects using them."""

    project_ids: list[int]
    project_names: list[str]
    entries_of: dict[int, list[int]]  # project id → entry ids
    entry_info: dict[int, dict]
    targets_of: dict[tuple[int, int], str]  # (project id, entry id) → annual target
    vectorizer: object = None
    matrix: object = None

    @classmethod
    def from_store(cls, conn: Connection) -> Suggester:
        from sklearn.feature_extraction.text import TfidfVectorizer

        projects = conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.content, ProjectRow.goal)
                                .order_by(ProjectRow.id)).all()
        members = conn.execute(
            select(IndicatorRow.project_id, LibraryMemberRow.entry_id, TargetRow.raw)
            .join(LibraryMemberRow, LibraryMemberRow.indicator_id == IndicatorRow.id)
            .outerjoin(TargetRow, (TargetRow.indicator_id == IndicatorRow.id) & (TargetRow.which == "annual"))
            .where(IndicatorRow.project_id.is_not(None))).all()
        entries_of: dict[int, list[int]] = defaultdict(list)
        targets_of = {}
        for pid, eid, raw in members:
            entries_of[pid].append(eid)
            if raw:
                targets_of[(pid, eid)] = raw
        info = {e.id: {"id": e.id, "name": e.name, "placements": e.placements, "targets": e.targets, "count": e.count}
                for e in conn.execute(select(LibraryEntryRow))}
        texts = [" ".join(x for x in (p.name, p.name, p.content or "", p.goal or "") if x) for p in projects]
        s = cls([p.id for p in projects], [p.name for p in projects], entries_of, info, targets_of)
        if texts:
            s.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
            s.matrix = s.vectorizer.fit_transform(texts)
        return s

    def suggest(self, text: str, limit: int = 10, neighbours: int = 20, exclude: int | None = None) -> list[dict]:
        if self.matrix is None or not text.strip():
            return []
        sims = (self.matrix @ self.vectorizer.transform([text]).T).toarray().ravel()
        order = sims.argsort()[::-1]
        scores: Counter = Counter()
        sources: dict[int, list[tuple[str, float]]] = defaultdict(list)
        typical: dict[int, Counter] = defaultdict(Counter)
        taken = 0
        for k in order:
            pid = self.project_ids[k]
            if pid == exclude or sims[k] <= 0:
                continue
            for eid in set(self.entries_of.get(pid, [])):
                scores[eid] += float(sims[k])
                sources[eid].append((self.project_names[k], round(float(sims[k]), 3)))
                if (pid, eid) in self.targets_of:
                    typical[eid][self.targets_of[(pid, eid)]] += 1
            taken += 1
            if taken >= neighbours:
                break
        out = []
        for eid, score in scores.most_common(limit):
            e = self.entry_info[eid]
            out.append({"entry": eid, "name": e["name"], "score": round(score, 3),
                        "level": (e["placements"] or [{}])[0].get("level"),
                        "typical_targets": [t for t, _ in typical[eid].most_common(3)]
                        or [t["target"] for t in (e["targets"] or [])[:3]],
                        "from_projects": sources[eid][:5]})
        return out


def leave_one_out_recall(conn: Connection, k: int = 10, sample: int | None = None) -> tuple[float, int]:
    """Mean recall@k of each project's own entries when suggesting from its own name, content and goal with
    the project itself left out."""
    s = Suggester.from_store(conn)
    rows = conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.content, ProjectRow.goal)
                        .order_by(ProjectRow.id)).all()
    if sample:
        rows = rows[:: max(1, len(rows) // sample)][:sample]
    recalls = []
    for p in rows:
        own = set(s.entries_of.get(p.id, []))
        if not own:
            continue
        text = " ".join(x for x in (p.name, p.content or "", p.goal or "") if x)
        top = {x["entry"] for x in s.suggest(text, limit=k, exclude=p.id)}
        recalls.append(len(top & own) / len(own))
    return (sum(recalls) / len(recalls) if recalls else 0.0), len(recalls)


def ensure_library(conn: Connection) -> None:
    """Rebuild the library when the store holds indicators it has not grouped yet (after an ingest)."""
    from sqlalchemy import func

    n_ind = conn.execute(select(func.count()).select_from(IndicatorRow)).scalar()
    n_lib = conn.execute(select(func.count()).select_from(LibraryMemberRow)).scalar()
    if n_ind != n_lib:
        build_library(conn)

"""The indicator library: every indicator in the store grouped into entries (name variants that mean the
same indicator), with their level placements, frequency and target distribution; search; suggestions for
a new project.

Grouping, in order, each step recorded as evidence:
1. the same key after normalization (`entry_key`: `compare.indicator_key` — full/half-width brackets,
   punctuation, a trailing number `系统正常运行率1`, a trailing qualifier `（运行保障类）` — after dropping
   template marks: stars, `(≥**人)` placeholders, `指标1:` ordinals, `其中:`, `达到目标值`, a `=…/…` formula);
2. keys ending alike (last three characters) that are near-identical (rapidfuzz ratio ≥ 90) or where
   one contains the other and is at least 70% of its length (`正常运行率` ⊂ `系统正常运行率`).
Entries whose measure carries over between subjects form families (`FAMILIES`: every satisfaction rate,
every timeliness rate, every pass rate, every cost indicator…); any other entry is a family of its own.

Suggestions (`Suggester.suggest`, used by the CLI, the API, the library page and the editor): projects are
vectors of character 1–3-grams of name, content and goal (TF-IDF); the new project's text finds its
nearest projects (cosine); each family scores the similarity²-weighted share of the 40 nearest projects
that used it, plus smaller shares from the department's own projects and from projects of the same kind
(works, purchase, service, subsidy, IT, operation, event). Each family is shown once, by the entry the
neighbours used most, with the target they set most often (`target`, and its `target_parts` for a one-click
add). `prepare_folds` / `score_folds` measure it (bench/library.py, docs/benchmarks.md)."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

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
        return shown_name(self.names)


def shown_name(names: Counter) -> str:
    """An entry's name: the most used without template marks (`★`, `(≥**人)`), else the most used."""
    clean = [n for n in names if not _NAME_NOISE.search(n)]
    return max(clean or names, key=lambda n: names[n])


def variant_evidence(name: str, key: str, root: str, names: Counter, shown: str) -> str:
    """Why the variant `name` (whose entry key is `key`) belongs to the entry of `root` shown as `shown`."""
    if name == shown:
        return "最常用的写法" if names[name] == names.most_common(1)[0][1] else "不带模板标记的最常用写法"
    if key == root:
        return "只有括号全半角、标点、末尾编号或限定语不同"
    return similar_keys(key, root) or "相近名称"


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
        by_key[entry_key(row[1])].append(row)
    roots: dict[str, list[str]] = defaultdict(list)  # suffix block → group roots
    root_of: dict[str, str] = {}
    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        best = None
        for root in roots[key[-3:]]:
            if min(len(root), len(key)) / max(len(root), len(key)) >= 0.7 and similar_keys(key, root):
                best = root
                break
        if best:
            root_of[key] = best
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
        shown = e.name
        e.evidence = {n: variant_evidence(n, entry_key(n), e.key, e.names, shown) for n in e.names}
    return sorted(entries.values(), key=lambda e: (-len(e.members), e.key))


# the statuses of a table that is public and so feeds the library and its suggestions: read from a published
# file outside the workflow, or approved by the reviewer (not a draft, nor one submitted or returned)
PUBLIC_STATUSES = ("published", "approved")

_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": ""}


def _target_label(kind: str | None, op: str | None, value: float | None, unit: str | None, raw: str | None) -> str | None:
    if kind == "number" and value is not None:
        return f"{_SYMBOL.get(op, op or '')}{value:g}{unit or ''}"
    return raw


def build_library(conn: Connection) -> int:
    """Regroup the whole library from every published indicator; returns the number of entries. Writers keep
    the library up to date (`library_sync.sync`), so this is for `jixiao library build` and migration 0009."""
    from .library_sync import rebuild

    return rebuild(conn)


# per store, every entry's key and variant names in search order, with the library version they were read at:
# reading every entry's variants for each search cost 0.3 s a search at 12,000 entries
_SEARCHABLE: dict[str, tuple[int, list[tuple[int, str, tuple[str, ...]]]]] = {}


def _searchable(conn: Connection) -> list[tuple[int, str, tuple[str, ...]]]:
    from .library_sync import version

    store = conn.engine.url.render_as_string(hide_password=False)
    now = version(conn)
    hit = _SEARCHABLE.get(store)
    if hit is None or hit[0] != now:
        rows = conn.execute(select(LibraryEntryRow.id, LibraryEntryRow.key, LibraryEntryRow.variants)
                            .order_by(LibraryEntryRow.count.desc(), LibraryEntryRow.id))
        hit = (now, [(eid, key, tuple(v["name"] for v in variants or [])) for eid, key, variants in rows])
        _SEARCHABLE[store] = hit
    return hit[1]


def search_library(conn: Connection, term: str, limit: int = 20) -> list[dict]:
    """Entries whose name or a variant contains the term (or whose key is close to it), most used first."""
    from rapidfuzz import process

    key = entry_key(term)
    entries = _searchable(conn)
    close: set[int] = set()
    if len(key) >= 3:
        close = {n for _, _, n in process.extract(key, [e[1] for e in entries], scorer=fuzz.partial_ratio,
                                                  score_cutoff=90, limit=None)}
    ids = []
    for n, (eid, entry, names) in enumerate(entries):
        if any(term in name for name in names) or key in entry or n in close:
            ids.append(eid)
            if len(ids) >= limit:
                break
    if not ids:
        return []
    found = {e.id: e for e in conn.execute(select(LibraryEntryRow).where(LibraryEntryRow.id.in_(ids)))}
    return [_entry_dict(found[i]) for i in ids if i in found]


def show_entry(conn: Connection, ref: str) -> dict | None:
    q = select(LibraryEntryRow)
    q = q.where(LibraryEntryRow.id == int(ref)) if ref.isdigit() else q.where(LibraryEntryRow.key == entry_key(ref))
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


# ---- suggestions -------------------------------------------------------------------------------------------

# what a template or a scorer adds to a name and a library key should not keep: `★★★`, `(≥**人)`, `指标1:`,
# `其中:`, a leading `1、` or `（2）`, a trailing `达到目标值`, a `=实际完成任务量/计划完成任务量*100%` formula
_NAME_NOISE = re.compile(r"[★☆]+|[(（][^()（）]*\*\*[^()（）]*[)）]|^\s*(?:指标\s*\d+\s*[:：]|其中\s*[:：]"
                         r"|\d{1,2}\s*[、.．]|[(（]\d{1,2}[)）])|达到(?:目标|预计|计划)值$|\s*[=＝][^=＝]*[/÷][^=＝]*$")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def entry_key(name: str) -> str:
    """The library key of an indicator name: `compare.indicator_key` after dropping template marks (stars,
    `(≥**人)` placeholders, `指标1:` ordinals, `其中:`), so `★★★受益人数(≥**人)` = `受益人数`."""
    stripped = _NAME_NOISE.sub("", name).strip()
    return indicator_key(stripped or name)


# Measures whose target carries over from one subject to another: a satisfaction rate is ≥90% whoever is
# asked, an acceptance pass rate is 100% whatever was accepted, a deadline is a date whatever is due.
# Indicators whose key matches one of these form a family (`学生家长满意度`, `服务对象满意度` → 满意度); every
# other indicator is a family of its own. The first pattern that matches wins, so `响应及时率` is 及时率.
FAMILIES: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("满意度", r"满意"),
    ("投诉率", r"投诉"),
    ("安全事故", r"事故|泄露|泄密|安全事件"),
    ("故障率", r"故障"),
    ("及时率", r"及时|按时|按期|准时|时效"),
    ("完成时限", r"(?:时间|时限|期限|工期)$"),
    ("使用率", r"(?:使用率|利用率|使用效率)$"),
    ("合格率", r"(?:合格率|达标率|验收率|通过率|合规率|合规性|优良率)$"),
    ("规范性", r"(?:规范|合理|充分|明确|健全|完整|齐备|准确)(?:性|率|度)?$"),
    ("完成率", r"(?:完成率|完成情况|完成度|实施率)$"),
    ("覆盖率", r"(?:覆盖率|覆盖面|知晓率|普及率|公开率)$"),
    ("执行率", r"(?:执行率|支出率|支付率|拨付率|到位率|兑付率|发放率|下达率)$"),
    ("正常运行率", r"(?:运行率|可用率|在线率|完好率|有效率)$"),
    ("响应率", r"响应|(?:解决率|办结率|处置率|处理率|结案率)$"),
    ("工作效率", r"效率$"),
    ("资金效益", r"(?:资金|支出|使用)效益$"),
))
# cost indicators (成本指标 and its 经济/社会/生态成本 sub-levels) are one family: the budget bounds them
_COST = re.compile(r"(?:成本|成本控制|成本控制率|总投资|总投入)$")


def family_of(key: str, level2: str | None = None) -> str:
    """The family of a library key (see FAMILIES); a cost indicator's family is 成本."""
    for family, pattern in FAMILIES:
        if pattern.search(key):
            return family
    if level2 and "成本" in level2 or _COST.search(key):
        return "成本"
    return key


# the kind of project a name and content describe; a project may be several (a system built and then run)
KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("works", re.compile(r"工程|建设|改造|修缮|维修|装修|新建|改建|扩建|施工|造林|道路|管网|设施")),
    ("purchase", re.compile(r"购置|购买|采购|配备|设备|装备|物资|印制")),
    ("service", re.compile(r"服务|委托|外包|运维|维护|评审|审计|咨询|代理|租赁|物业|保洁|安保")),
    ("subsidy", re.compile(r"补助|补贴|资助|救助|奖励|奖补|助学|扶持|慰问|抚恤|发放")),
    ("it", re.compile(r"信息化|信息系统|系统|平台|网络|软件|数据|电子政务|政务云")),
    ("operation", re.compile(r"运行|运转|经费|工作经费|日常|保障|办公")),
    ("event", re.compile(r"会议|活动|宣传|培训|调研|考察|展览|开放")),
)


def project_kinds(text: str) -> frozenset[str]:
    """Which of KINDS the text names (works, purchase, service, subsidy, it, operation, event)."""
    return frozenset(kind for kind, pattern in KINDS if pattern.search(text))


def budget_band(total: float | None) -> int | None:
    """Budget size in powers of ten of 万元: 0 under 1, 1 for 1–10, 2 for 10–100, 3 for 100–1000, 4 above;
    None when unknown or zero."""
    if not total or total <= 0:
        return None
    return max(0, min(4, int(math.log10(total)) + 1)) if total >= 1 else 0


@dataclass
class ProjectRecord:
    """A project as the suggester sees it: its text, its department, its budget, and the library entries of
    its indicators with the target it set for each."""

    id: int
    name: str
    content: str | None = None
    goal: str | None = None
    department: str | None = None
    budget: float | None = None
    entries: list[int] = field(default_factory=list)
    targets: dict[int, str] = field(default_factory=dict)  # entry id → the annual target label


@dataclass
class Weights:
    """How much each signal counts. Each signal is a share (of neighbours, of the department's projects, of
    projects of the same kind, of all projects) that used a family, so the weights mix probabilities."""

    neighbours: int = 40
    knn: float = 1.0
    department: float = 0.3
    kind: float = 0.2
    budget: float = 0.0  # measured: no gain (docs/benchmarks.md)
    prior: float = 0.0  # measured: lowers recall; how common a family is still breaks ties
    per_family: int = 1  # entries shown per family
    sharpen: float = 2.0  # a neighbour votes with similarity ** sharpen: a near-copy (last year's table) counts more
    families: bool = True  # False ranks entries, not families (the first version)
    local_targets: bool = True  # the target similar projects set most often (else: the library's most common)


def _department_key(name: str | None) -> str | None:
    """A department name without a trailing `（本级）`-style qualifier or spaces."""
    if not name:
        return None
    s = re.sub(r"[（(][^()（）]*[)）]$", "", name.replace(" ", ""))
    return s or None


def _vector_text(r: ProjectRecord) -> str:
    """What a project is compared by: its name (twice: the name says most), content and goal."""
    return " ".join(x for x in (r.name, r.name, r.content or "", r.goal or "") if x)


def char_counter(texts: list[str]):
    """Character 1–3-grams: Chinese names need no word splitting, and 2–3-grams carry the words."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer="char", ngram_range=(1, 3)).fit(texts)


@dataclass
class Suggester:
    """Ranks library families for a new project by mixing four signals (`Weights`): the projects nearest its
    text (character n-gram TF-IDF, cosine), the department's own projects, projects of the same kind
    (`project_kinds`) and how common the family is. Each family is shown by its entry the neighbours used
    most, with the target they set most often."""

    records: list[ProjectRecord]
    entry_info: dict[int, dict]  # entry id → name, key, family, placements, targets
    weights: Weights = field(default_factory=Weights)
    counter: object = None  # a fitted CountVectorizer shared between suggesters (measuring), else fitted here
    counts: object = None  # the records' rows of it
    matrix: object = None

    def __post_init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfTransformer

        self.kinds_of = [project_kinds(r.name + " " + (r.content or "")) for r in self.records]
        self.dept_of = [_department_key(r.department) for r in self.records]
        self.band_of = [budget_band(r.budget) for r in self.records]
        self._index()
        if self.records:
            if self.counter is None:
                self.counter = char_counter([_vector_text(r) for r in self.records])
                self.counts = self.counter.transform([_vector_text(r) for r in self.records])
            # the weights come from these records only, however many texts the counter has seen
            self.tfidf = TfidfTransformer(sublinear_tf=True).fit(self.counts)
            self.matrix = self.tfidf.transform(self.counts)

    def _index(self) -> None:
        """Families of the entries and of each project, and how common each family is."""
        self._families = self.weights.families
        self.family = {eid: e["family"] if self._families else e["key"] for eid, e in self.entry_info.items()}
        self.fams_of = [{self.family[e] for e in r.entries if e in self.family} for r in self.records]
        self.prior: Counter = Counter()
        for fams in self.fams_of:
            self.prior.update(fams)
        for f in self.prior:
            self.prior[f] /= max(1, len(self.records))

    @classmethod
    def from_store(cls, conn: Connection, weights: Weights | None = None) -> Suggester:
        from sqlalchemy import func

        department = func.coalesce(ProjectRow.department, DocumentRow.department).label("department")
        projects = conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.content, ProjectRow.goal,
                                       department, ProjectRow.budget_total)
                                .join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                                .where(DocumentRow.status.in_(PUBLIC_STATUSES)).order_by(ProjectRow.id)).all()
        members = conn.execute(
            select(IndicatorRow.project_id, LibraryMemberRow.entry_id, TargetRow.kind, TargetRow.op,
                   TargetRow.value, TargetRow.unit, TargetRow.raw)
            .join(LibraryMemberRow, LibraryMemberRow.indicator_id == IndicatorRow.id)
            .outerjoin(TargetRow, (TargetRow.indicator_id == IndicatorRow.id) & (TargetRow.which == "annual"))
            .where(IndicatorRow.project_id.is_not(None))).all()
        records = {p.id: ProjectRecord(p.id, p.name, p.content, p.goal, p.department, p.budget_total)
                   for p in projects}
        for pid, eid, kind, op, value, unit, raw in members:
            rec = records.get(pid)
            if rec is None:
                continue
            rec.entries.append(eid)
            label = _target_label(kind, op, value, unit, raw)
            if label:
                rec.targets.setdefault(eid, label)
        info = {}
        for e in conn.execute(select(LibraryEntryRow)):
            level2 = ((e.placements or [{}])[0].get("level") or "").partition("/")[2]
            info[e.id] = {"id": e.id, "name": e.name, "key": e.key, "family": family_of(e.key, level2),
                          "placements": e.placements, "targets": e.targets, "count": e.count}
        return cls(list(records.values()), info, weights or Weights())

    def suggest(self, text: str, limit: int = 10, neighbours: int | None = None, exclude: int | None = None,
                department: str | None = None, budget: float | None = None) -> list[dict]:
        """The `limit` best indicators for a project described by `text` (its name, content, goal), best
        first. Each: `entry` id, `name`, `family`, `score`, `level` (一级/二级), `target` (the most common
        target among the similar projects that used it, else in the whole library: what one click adds),
        `target_parts` (its kind, op, value and unit when the library knows them), `typical_targets` (up to
        three), `from_projects` (the similar projects that used it, with their similarity).

        `department` adds the department's own past indicators; `budget` (万元) those of projects of the
        same size; `exclude` leaves one project out (for measuring)."""
        if self.matrix is None or not text.strip():
            return []
        w = self.weights
        if w.families != self._families:
            self._index()
        n_neighbours = neighbours or w.neighbours
        sims = self.similarities(text)
        knn: Counter = Counter()
        entry_votes: Counter = Counter()
        sources: dict[int, list[tuple[str, float]]] = defaultdict(list)
        typical: dict[int, Counter] = defaultdict(Counter)
        total_sim = 0.0
        taken = 0
        for k in sims.argsort()[::-1]:
            rec = self.records[k]
            if rec.id == exclude or sims[k] <= 0:
                continue
            sim = float(sims[k]) ** w.sharpen
            total_sim += sim
            for f in self.fams_of[k]:
                knn[f] += sim
            for eid in set(rec.entries):
                entry_votes[eid] += sim
                sources[eid].append((rec.name, round(sim, 3)))
                if eid in rec.targets:
                    typical[eid][rec.targets[eid]] += 1
            taken += 1
            if taken >= n_neighbours:
                break
        scores: Counter = Counter()
        for f, v in knn.items():
            scores[f] += w.knn * v / (total_sim or 1.0)
        kinds = project_kinds(text)
        for weight, wanted, keys in ((w.department, _department_key(department), self.dept_of),
                                     (w.budget, budget_band(budget), self.band_of)):
            if weight and wanted is not None:
                self._add_share(scores, weight, [i for i, v in enumerate(keys) if v == wanted], exclude)
        if w.kind and kinds:
            self._add_share(scores, w.kind, [i for i, ks in enumerate(self.kinds_of) if ks & kinds], exclude)
        for f, share in self.prior.items():
            scores[f] += w.prior * share
        # each family is shown by the entries the neighbours used most (then the library's most used)
        by_family: dict[str, list[int]] = defaultdict(list)
        for eid in sorted(self.entry_info, key=lambda e: (-entry_votes[e], -self.entry_info[e]["count"], e)):
            by_family[self.family[eid]].append(eid)
        out = []
        for f in self.prior:
            scores.setdefault(f, 0.0)
        for f, score in sorted(scores.items(), key=lambda x: (-x[1], -self.prior[x[0]], x[0])):
            if not _CJK.search(f):
                continue  # `88100`: numbers a parser took for a name are no indicator to suggest
            for eid in by_family.get(f, [])[: w.per_family]:
                out.append(self._row(eid, score, typical[eid] if w.local_targets else Counter(), sources[eid]))
            if len(out) >= limit:
                break
        return out[:limit]

    def similarities(self, text: str):
        """Cosine similarity of the text to every project (TF-IDF of character 1–3-grams)."""
        return (self.matrix @ self.tfidf.transform(self.counter.transform([text])).T).toarray().ravel()

    def _add_share(self, scores: Counter, weight: float, members: list[int], exclude: int | None) -> None:
        members = [i for i in members if self.records[i].id != exclude]
        if not members:
            return
        counts: Counter = Counter()
        for i in members:
            counts.update(self.fams_of[i])
        for f, c in counts.items():
            scores[f] += weight * c / len(members)

    def _row(self, eid: int, score: float, typical: Counter, sources: list) -> dict:
        e = self.entry_info[eid]
        library_targets = e["targets"] or []
        targets = [t for t, _ in typical.most_common(3)] or [t["target"] for t in library_targets[:3]]
        target = targets[0] if targets else None
        parts = next(({k: t.get(k) for k in ("kind", "op", "value", "unit")} for t in library_targets
                      if t["target"] == target), None)
        return {"entry": eid, "name": e["name"], "family": e["family"], "score": round(score, 3),
                "level": (e["placements"] or [{}])[0].get("level"), "target": target, "target_parts": parts,
                "typical_targets": targets, "from_projects": sources[:5]}


def leave_one_out_recall(conn: Connection, k: int = 10, sample: int | None = None) -> tuple[float, int]:
    """Mean recall@k (entries) of each stored project when suggesting from its own name, content and goal with
    the project itself left out of the neighbours (the library itself is built from the whole store; the
    benchmark's `evaluate` rebuilds it without the project)."""
    s = Suggester.from_store(conn)
    rows = conn.execute(select(ProjectRow.id, ProjectRow.name, ProjectRow.content, ProjectRow.goal,
                               ProjectRow.department, ProjectRow.budget_total).order_by(ProjectRow.id)).all()
    if sample:
        rows = rows[:: max(1, len(rows) // sample)][:sample]
    own_of = {r.id: set(r.entries) for r in s.records}
    recalls = []
    for p in rows:
        own = own_of.get(p.id, set())
        if not own:
            continue
        text = " ".join(x for x in (p.name, p.content or "", p.goal or "") if x)
        top = {x["entry"] for x in s.suggest(text, limit=k, exclude=p.id, department=p.department,
                                              budget=p.budget_total)}
        recalls.append(len(top & own) / len(own))
    return (sum(recalls) / len(recalls) if recalls else 0.0), len(recalls)


# ---- measuring ---------------------------------------------------------------------------------------------


@dataclass
class Fold:
    """One held-out project: the suggester built without it, what it is asked, and what it used."""

    source: str
    project: str
    suggester: Suggester
    query: dict
    own: list[tuple[int | str, str, str | None]]  # per indicator: its entry id in the library built without
    # it (its key when the library does not know it), its family, its annual target

    @property
    def own_entries(self) -> set:
        return {e for e, _, _ in self.own}

    @property
    def own_families(self) -> set:
        return {f for _, f, _ in self.own}


@dataclass
class Recall:
    """Mean over held-out projects of four shares: of its distinct library entries (`strict`, the first
    version's measure) or of its indicators (`strict_ind`) whose entry is among the k suggestions; of its
    distinct families (`family`) or of its indicators (`family_ind`) whose family is."""

    k: int
    strict: float
    strict_ind: float
    family: float
    family_ind: float
    n: int
    per_project: list[tuple[str, str, float, float, float, float]]  # source, project, and the four shares
    targets: tuple[int, int] = (0, 0)  # held-out indicators whose entry was suggested with a target; of them,
    # those whose own annual target is the suggested one


def _target_of(t) -> str | None:
    return _target_label(t.kind, t.op, t.value, t.unit, t.raw) if t is not None else None


def _entry_info(entries: list[Entry]) -> tuple[dict[int, dict], dict[str, int]]:
    info, by_key = {}, {}
    for n, e in enumerate(entries, start=1):
        level2 = (e.placements.most_common(1)[0][0] if e.placements else "").partition("/")[2]
        targets = [{"target": t, "count": c} for t, c in e.targets.most_common(20)]
        info[n] = {"id": n, "name": e.name, "key": e.key, "family": family_of(e.key, level2), "count": len(e.members),
                   "placements": [{"level": p, "count": c} for p, c in e.placements.most_common()],
                   "targets": targets}
        for name in e.names:
            by_key[entry_key(name)] = n
    return info, by_key


def _match(key: str, by_key: dict[str, int], info: dict[int, dict]) -> int | None:
    """The entry a new indicator name belongs to, by the grouping's own rules (same key, or close to a root)."""
    if key in by_key:
        return by_key[key]
    for eid, e in info.items():
        root = e["key"]
        if root[-3:] == key[-3:] and min(len(root), len(key)) / max(len(root), len(key)) >= 0.7 \
                and similar_keys(key, root):
            return eid
    return None


def prepare_folds(docs: list, sources: list[str] | None = None,
                  train_without: Callable[[int, int], bool] | None = None,
                  held: Callable[[int], bool] | None = None) -> list[Fold]:
    """Leave one project out: for each project with indicators (of the documents `held` accepts), the library
    is grouped from every other project's indicators (and the documents' department-wide ones), leaving out
    also the documents `train_without(held document, other document)` names, and the held-out project's
    indicators are matched to that library by the grouping's own rules."""
    sources = sources or [d.source.name for d in docs]
    projects = [(di, p) for di, d in enumerate(docs) for p in d.projects]
    texts = [_vector_text(ProjectRecord(0, p.name, p.content, p.goal)) for _, p in projects]
    counter = char_counter(texts)  # n-grams only the held-out text has weigh nothing against the others
    counts = counter.transform(texts)
    folds = []
    for i, (di, p) in enumerate(projects):
        if not p.indicators or (held and not held(di)):
            continue
        rows, records = [], {}
        n = 0
        for j, (dj, q) in enumerate(projects):
            if j == i or train_without and train_without(di, dj):
                continue
            records[j] = ProjectRecord(j, q.name, q.content, q.goal, q.department or docs[dj].department,
                                       q.budget.total if q.budget else None)
            for ind in q.indicators:
                n += 1
                rows.append((n, ind.name, ind.level1, ind.level2, _target_of(ind.annual), j))
        for dj, d in enumerate(docs):
            if d.overall and not (train_without and train_without(di, dj)):
                for s in d.overall.sections:
                    for ind in s.indicators:
                        n += 1
                        rows.append((n, ind.name, ind.level1, ind.level2, _target_of(ind.annual), None))
        entries = group(rows)
        info, by_key = _entry_info(entries)
        project_of = {r[0]: r[5] for r in rows}
        for eid, e in enumerate(entries, start=1):
            for m in e.members:
                j = project_of[m]
                if j is not None:
                    records[j].entries.append(eid)
        for r in rows:
            if r[5] is not None and r[4]:
                records[r[5]].targets.setdefault(by_key[entry_key(r[1])], r[4])
        own = []
        for ind in p.indicators:
            key = entry_key(ind.name)
            eid = _match(key, by_key, info)
            family = info[eid]["family"] if eid is not None else family_of(key, ind.level2)
            own.append((eid if eid is not None else key, family, _target_of(ind.annual)))
        query = {"text": " ".join(x for x in (p.name, p.content or "", p.goal or "") if x),
                 "department": p.department or docs[di].department, "budget": p.budget.total if p.budget else None}
        suggester = Suggester(list(records.values()), info, counter=counter, counts=counts[list(records)])
        folds.append(Fold(sources[di], p.name, suggester, query, own))
    return folds


def score_folds(folds: list[Fold], k: int = 10, weights: Weights | None = None) -> Recall:
    """Mean recall@k over the folds (see `Recall`)."""
    per = []
    with_target = same = 0
    for f in folds:
        if weights is not None:
            f.suggester.weights = weights
        top = f.suggester.suggest(f.query["text"], limit=k, department=f.query["department"],
                                  budget=f.query["budget"])
        entries = {x["entry"]: x["target"] for x in top}
        families = {x["family"] for x in top}
        per.append((f.source, f.project, len(set(entries) & f.own_entries) / len(f.own_entries),
                    sum(e in entries for e, _, _ in f.own) / len(f.own),
                    len(families & f.own_families) / len(f.own_families),
                    sum(fam in families for _, fam, _ in f.own) / len(f.own)))
        for e, _, target in f.own:
            if entries.get(e) and target:
                with_target += 1
                same += entries[e] == target
    n = len(per)
    means = [sum(p[i] for p in per) / n if n else 0.0 for i in range(2, 6)]
    return Recall(k, *means, n, per, (with_target, same))

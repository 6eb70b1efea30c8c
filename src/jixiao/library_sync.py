"""Keeping the indicator library up to date as the store changes, in the writer's own transaction, so no
request ever regroups it.

Only published tables feed the library (`PUBLIC_STATUSES`: `published` — read from a file outside the
workflow — and `approved`); a draft, or a table submitted or returned, is not yet accepted and stays out.

`sync(conn, doc_ids)` is called after a document is stored, replaced, deleted or changes status:
1. members whose document is no longer public leave their entries;
2. entries whose stored count differs from their members lost some by cascade (a deleted or replaced
   document takes its indicators and their library rows with it);
3. the public indicators of these documents that are in no entry join one, by `group`'s own rules: the
   entry whose key or one of whose variants' key is the indicator's `entry_key`; else the first root (entry
   key) ending in the same three characters that `similar_keys` finds close, most used roots first; else
   a new entry. New keys of one batch go in `group`'s order (most indicators first), so a library filled in
   one batch from empty is `group`'s result;
4. every touched entry's columns are computed again from its members, counted in SQL (`_tallies`), by the
   function `rebuild` uses too (`entry_columns`); an entry left with no member is deleted; the library
   version (`store_meta.library_version`) is raised, so a cached `Suggester` knows it is out of date.

Writers on PostgreSQL (several server workers) are serialized by a transaction-scoped advisory lock, taken
only when there is something to change and held to the writer's commit, so two workers never create two
entries for one key nor lose a count; SQLite serializes writers already. Where the library differs from a
full `rebuild` (which roots win when keys arrive in another order, and what deletes leave behind) is
measured in tests/test_library_live.py and docs/benchmarks.md."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    null,
    select,
    text,
    update,
)

from .library import (
    PUBLIC_STATUSES,
    _target_label,
    entry_key,
    group,
    shown_name,
    similar_keys,
    variant_evidence,
)
from .store.schema import (
    DocumentRow,
    IndicatorRow,
    LibraryEntryRow,
    LibraryKeyRow,
    LibraryMemberRow,
    TargetRow,
)

T = TypeVar("T")
LOCK = 0x6A786C6962  # PostgreSQL advisory lock key of library updates ("jxlib")
VERSION_KEY = "library_version"  # store_meta row raised by every change of the library
_CHUNK = 500  # values in one IN (...) list: SQLite's older limit is 999 parameters


@dataclass(frozen=True)
class Member:
    """One indicator as the library sees it."""

    id: int
    name: str
    level1: str | None
    level2: str | None
    target: str | None  # the annual target's label (`≥95%`)
    parts: tuple  # its kind, op, value, unit
    project_id: int | None


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return entry_key(name)


def _member_query():
    return (select(IndicatorRow.id, IndicatorRow.name, IndicatorRow.level1, IndicatorRow.level2, TargetRow.kind,
                   TargetRow.op, TargetRow.value, TargetRow.unit, TargetRow.raw, IndicatorRow.project_id)
            .outerjoin(TargetRow, (TargetRow.indicator_id == IndicatorRow.id) & (TargetRow.which == "annual")))


def _members(conn: Connection, q) -> list[Member]:
    return [Member(r.id, r.name, r.level1, r.level2, _target_label(r.kind, r.op, r.value, r.unit, r.raw),
                   (r.kind, r.op, r.value, r.unit), r.project_id) for r in conn.execute(q)]


@dataclass
class Tally:
    """What an entry's columns are computed from: its names, placements and target labels with their counts,
    each in the order of first use (the lowest indicator id), so ties fall the same way however it was
    counted."""

    count: int = 0
    projects: int = 0
    names: Counter = field(default_factory=Counter)
    placements: Counter = field(default_factory=Counter)
    targets: Counter = field(default_factory=Counter)
    parts: dict[str, tuple] = field(default_factory=dict)  # target label → kind, op, value, unit


def _placement(level1: str | None, level2: str | None) -> str:
    return f"{level1 or '—'}/{level2 or '—'}"


def tally(members: list[Member]) -> Tally:
    """Count members in memory (a rebuild)."""
    t = Tally(count=len(members), projects=len({m.project_id for m in members if m.project_id is not None}))
    for m in sorted(members, key=lambda m: m.id):
        t.names[m.name] += 1
        t.placements[_placement(m.level1, m.level2)] += 1
        if m.target:
            t.targets[m.target] += 1
            t.parts.setdefault(m.target, m.parts)
    return t


def entry_columns(key: str, t: Tally) -> dict:
    """An entry's stored columns: name, count, projects, variants with evidence, placements, targets."""
    names = t.names
    name = shown_name(names)
    variants = [{"name": n, "count": c, "evidence": variant_evidence(n, _key(n), key, names, name)}
                for n, c in names.most_common()]
    return {"name": name, "count": t.count, "n_projects": t.projects, "variants": variants,
            "placements": [{"level": k, "count": v} for k, v in t.placements.most_common()],
            "targets": [{"target": k, "count": v, **dict(zip(("kind", "op", "value", "unit"), t.parts[k], strict=True))}
                        for k, v in t.targets.most_common(20)]}


def _tallies(conn: Connection, ids: list[int]) -> dict[int, Tally]:
    """Count the members of these entries in SQL (grouped, so a popular entry's thousands of members are
    not fetched one by one); the same tallies as `tally` of their members."""
    out: dict[int, Tally] = defaultdict(Tally)
    member = (LibraryMemberRow.__table__.join(IndicatorRow.__table__, IndicatorRow.id == LibraryMemberRow.indicator_id))
    mine = LibraryMemberRow.entry_id.in_(ids)
    for eid, n, projects in conn.execute(select(LibraryMemberRow.entry_id, func.count(),
                                                func.count(func.distinct(IndicatorRow.project_id)))
                                         .select_from(member).where(mine).group_by(LibraryMemberRow.entry_id)):
        out[eid].count, out[eid].projects = n, projects
    first = func.min(IndicatorRow.id)
    groups = conn.execute(select(LibraryMemberRow.entry_id, IndicatorRow.name, func.count(), first)
                          .select_from(member).where(mine).group_by(LibraryMemberRow.entry_id, IndicatorRow.name))
    for eid, name, n, _ in sorted(groups, key=lambda r: r[3]):
        out[eid].names[name] += n
    groups = conn.execute(select(LibraryMemberRow.entry_id, IndicatorRow.level1, IndicatorRow.level2, func.count(),
                                 first).select_from(member).where(mine)
                          .group_by(LibraryMemberRow.entry_id, IndicatorRow.level1, IndicatorRow.level2))
    for eid, level1, level2, n, _ in sorted(groups, key=lambda r: r[4]):
        out[eid].placements[_placement(level1, level2)] += n
    # a number's label does not depend on how it was written: `≥95%` and `不低于95%` are counted together
    raw = case((and_(TargetRow.kind == "number", TargetRow.value.is_not(None)), null()), else_=TargetRow.raw)
    cols = (TargetRow.kind, TargetRow.op, TargetRow.value, TargetRow.unit, raw)
    groups = conn.execute(select(LibraryMemberRow.entry_id, *cols, func.count(), first)
                          .select_from(member.join(TargetRow.__table__, (TargetRow.indicator_id == IndicatorRow.id)
                                                   & (TargetRow.which == "annual")))
                          .where(mine).group_by(LibraryMemberRow.entry_id, *cols))
    for eid, kind, op, value, unit, raw, n, _ in sorted(groups, key=lambda r: r[7]):
        label = _target_label(kind, op, value, unit, raw)
        if label:
            out[eid].targets[label] += n
            out[eid].parts.setdefault(label, (kind, op, value, unit))
    return out


def _public():
    return DocumentRow.status.in_(PUBLIC_STATUSES)


def _bump(conn: Connection) -> None:
    conn.execute(text("INSERT INTO store_meta (key, value) VALUES (:k, 1) "
                      "ON CONFLICT (key) DO UPDATE SET value = store_meta.value + 1"), {"k": VERSION_KEY})


def version(conn: Connection) -> int:
    """The library's version: raised by every change, so a built `Suggester` can be kept until it moves."""
    return conn.execute(text("SELECT value FROM store_meta WHERE key = :k"), {"k": VERSION_KEY}).scalar() or 0


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})


def rebuild(conn: Connection) -> int:
    """Regroup the whole library from every public indicator (`group`); returns the number of entries."""
    _lock(conn)
    rows = _members(conn, _member_query().join(DocumentRow, DocumentRow.id == IndicatorRow.document_id)
                    .where(_public()).order_by(IndicatorRow.id))
    entries = group([(m.id, m.name, m.level1, m.level2, m.target, m.project_id) for m in rows])
    by_id = {m.id: m for m in rows}
    for table in (LibraryMemberRow, LibraryKeyRow, LibraryEntryRow):
        conn.execute(delete(table))
    keys = []
    for n, e in enumerate(entries, start=1):
        members = [by_id[i] for i in e.members]
        conn.execute(insert(LibraryEntryRow).values(id=n, key=e.key, **entry_columns(e.key, tally(members))))
        conn.execute(insert(LibraryMemberRow), [{"entry_id": n, "indicator_id": i} for i in e.members])
        keys.extend({"key": k, "entry_id": n, "suffix": k[-3:]} for k in {e.key, *(_key(m.name) for m in members)})
    for i in range(0, len(keys), _CHUNK):
        conn.execute(insert(LibraryKeyRow), keys[i:i + _CHUNK])
    _bump(conn)
    return len(entries)


@dataclass
class _Plan:
    add: list[Member]
    remove: list[tuple[int, int]]  # (entry, indicator)
    stale: set[int]

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.stale)


def _plan(conn: Connection, doc_ids: list[int] | None, stale: bool = True) -> _Plan:
    mine = (lambda q: q) if doc_ids is None else (lambda q: q.where(IndicatorRow.document_id.in_(doc_ids)))
    not_member = ~exists().where(LibraryMemberRow.indicator_id == IndicatorRow.id)
    add = _members(conn, mine(_member_query().join(DocumentRow, DocumentRow.id == IndicatorRow.document_id)
                              .where(_public(), not_member)).order_by(IndicatorRow.id))
    remove = conn.execute(mine(select(LibraryMemberRow.entry_id, LibraryMemberRow.indicator_id)
                               .join(IndicatorRow, IndicatorRow.id == LibraryMemberRow.indicator_id)
                               .join(DocumentRow, DocumentRow.id == IndicatorRow.document_id)
                               .where(~_public()))).all()
    return _Plan(add, [tuple(r) for r in remove], _stale(conn) if stale else set())


def _stale(conn: Connection) -> set[int]:
    """Entries that lost members by cascade: their counts no longer add up to the members left. Every write
    keeps the sum of counts equal to the number of members, so one comparison of totals usually suffices."""
    total = conn.execute(select(func.coalesce(func.sum(LibraryEntryRow.count), 0))).scalar()
    if total == conn.execute(select(func.count()).select_from(LibraryMemberRow)).scalar():
        return set()
    counts = (select(LibraryMemberRow.entry_id, func.count().label("n")).group_by(LibraryMemberRow.entry_id)
              .subquery())
    return set(conn.execute(select(LibraryEntryRow.id).outerjoin(counts, counts.c.entry_id == LibraryEntryRow.id)
                            .where(LibraryEntryRow.count != func.coalesce(counts.c.n, 0))).scalars())


def sync(conn: Connection, doc_ids: Iterable[int] | None = None) -> bool:
    """Bring the library up to date with these documents (every document when None), in the caller's
    transaction; True when it changed. Cheap when nothing is to do: no lock is taken then."""
    ids = None if doc_ids is None else sorted({i for i in doc_ids if i is not None})
    if ids == []:
        ids = [-1]  # no document of its own: what deletes left behind is still mended
    batch = _BATCH.get()
    plan = _plan(conn, ids, stale=batch is None)
    if not plan:
        return False
    if conn.dialect.name == "postgresql":
        _lock(conn)
        plan = _plan(conn, ids, stale=batch is None)  # what another writer committed while this one waited counts
        if not plan:
            return False
    touched = set(plan.stale)
    for i in range(0, len(plan.remove), _CHUNK):
        chunk = plan.remove[i:i + _CHUNK]
        conn.execute(delete(LibraryMemberRow).where(LibraryMemberRow.indicator_id.in_([ind for _, ind in chunk])))
        touched.update(e for e, _ in chunk)
    touched.update(_add(conn, plan.add))
    if batch is not None:
        batch.update(touched)  # counted once when the batch ends
        return True
    _refresh(conn, touched)
    _bump(conn)
    return True


# the entries a batch (`batched`) has touched so far, to be counted when it ends; None outside a batch
_BATCH: ContextVar[set[int] | None] = ContextVar("library_batch", default=None)


def batched(engine: Engine, items: Iterable[T]) -> Iterator[T]:
    """Iterate a batch of documents being stored (`jixiao ingest`), each in its own transaction: their
    indicators join their entries in that transaction as always, but the touched entries are counted once
    when the batch ends instead of after every document (300 generated documents on SQLite: 30 s of counting
    against 3 s of storing). A batch that dies leaves counts that no longer add up to the members, which the
    next `sync` anywhere finds (`_stale`) and counts again."""
    touched: set[int] = set()
    token = _BATCH.set(touched)
    try:
        yield from items
    finally:
        try:
            _BATCH.reset(token)
        except ValueError:  # finished from another context (a generator closed elsewhere)
            _BATCH.set(None)
        with engine.begin() as conn:
            _lock(conn)
            touched |= _stale(conn)
            if touched:
                _refresh(conn, touched)
                _bump(conn)


def _add(conn: Connection, rows: list[Member]) -> set[int]:
    """Put new indicators into entries (see the module's step 3); the entries they joined."""
    if not rows:
        return set()
    by_key: dict[str, list[Member]] = defaultdict(list)
    for m in rows:
        by_key[_key(m.name)].append(m)
    keys = list(by_key)
    entry_of: dict[str, int] = {}
    for i in range(0, len(keys), _CHUNK):
        entry_of.update(conn.execute(select(LibraryKeyRow.key, LibraryKeyRow.entry_id)
                                     .where(LibraryKeyRow.key.in_(keys[i:i + _CHUNK]))).all())
    unknown = sorted((k for k in keys if k not in entry_of), key=lambda k: (-len(by_key[k]), k))
    roots: dict[str, list[tuple[str, int]]] = defaultdict(list)
    suffixes = sorted({k[-3:] for k in unknown})
    for i in range(0, len(suffixes), _CHUNK):
        q = (select(LibraryKeyRow.suffix, LibraryKeyRow.key, LibraryKeyRow.entry_id)
             .join(LibraryEntryRow, and_(LibraryEntryRow.id == LibraryKeyRow.entry_id,
                                         LibraryEntryRow.key == LibraryKeyRow.key))
             .where(LibraryKeyRow.suffix.in_(suffixes[i:i + _CHUNK]))
             .order_by(LibraryEntryRow.count.desc(), LibraryEntryRow.key))
        for suffix, key, eid in conn.execute(q):
            roots[suffix].append((key, eid))
    next_id = (conn.execute(select(func.max(LibraryEntryRow.id))).scalar() or 0) + 1
    new_keys = []
    for key in unknown:
        for root, eid in roots[key[-3:]]:
            if min(len(root), len(key)) / max(len(root), len(key)) >= 0.7 and similar_keys(key, root):
                entry_of[key] = eid
                break
        else:
            conn.execute(insert(LibraryEntryRow).values(id=next_id, key=key, name=key, count=0, n_projects=0))
            entry_of[key] = next_id
            roots[key[-3:]].append((key, next_id))
            next_id += 1
        new_keys.append({"key": key, "entry_id": entry_of[key], "suffix": key[-3:]})
    for i in range(0, len(new_keys), _CHUNK):
        conn.execute(insert(LibraryKeyRow), new_keys[i:i + _CHUNK])
    members = [{"entry_id": entry_of[k], "indicator_id": m.id} for k, ms in by_key.items() for m in ms]
    for i in range(0, len(members), _CHUNK):
        conn.execute(insert(LibraryMemberRow), members[i:i + _CHUNK])
    return set(entry_of[k] for k in keys)


def _refresh(conn: Connection, touched: set[int]) -> None:
    """Compute the touched entries' columns again from their members; drop the empty ones and the keys no
    member has any more (an entry's own key stays while it lives)."""
    ids = sorted(touched)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        roots = dict(conn.execute(select(LibraryEntryRow.id, LibraryEntryRow.key)
                                  .where(LibraryEntryRow.id.in_(chunk))).all())
        tallies = _tallies(conn, chunk)
        keys: dict[int, set[str]] = defaultdict(set)
        for key, eid in conn.execute(select(LibraryKeyRow.key, LibraryKeyRow.entry_id)
                                     .where(LibraryKeyRow.entry_id.in_(chunk))):
            keys[eid].add(key)
        empty = [eid for eid in roots if eid not in tallies]
        if empty:
            conn.execute(delete(LibraryKeyRow).where(LibraryKeyRow.entry_id.in_(empty)))
            conn.execute(delete(LibraryEntryRow).where(LibraryEntryRow.id.in_(empty)))
        rows, gone = [], set()
        for eid, t in tallies.items():
            rows.append({"eid": eid, **entry_columns(roots[eid], t)})
            gone |= keys[eid] - {roots[eid]} - {_key(n) for n in t.names}
        if rows:  # one statement for all (executemany): a round trip per entry cost more than the counting
            conn.execute(update(LibraryEntryRow).where(LibraryEntryRow.id == bindparam("eid"))
                         .values({c: bindparam(c) for c in rows[0] if c != "eid"}), rows)
        if gone:
            conn.execute(delete(LibraryKeyRow).where(LibraryKeyRow.key.in_(sorted(gone))))

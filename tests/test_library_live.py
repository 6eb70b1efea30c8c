"""The library kept up to date at write time (jixiao.library_sync): what a store, a replace, a delete or a
status change does to it; that reads never regroup it; that only published tables feed it; that writers on
PostgreSQL at once leave it consistent; and how close it stays to a full rebuild on real files."""

from __future__ import annotations

import json
import threading
import time

import pytest
from conftest import SEEDS, SHARED
from sqlalchemy import create_engine, text

from jixiao import library, library_sync, service
from jixiao.authoring import store as authoring
from jixiao.ingest import ingest
from jixiao.library import group
from jixiao.model import Document
from jixiao.service.ingest import store_reviewed
from jixiao.store import open_engine, store_document
from jixiao.store.db import resolve_url, upgrade
from jixiao.values import parse_target
from jixiao.workflow import facade
from jixiao.workflow.actor import Actor

CORPUS = sorted((SHARED / "corpus").glob("*.txt"))
DEPT = "某某市测试局"
OFFICER = Actor("经办甲", "officer", (DEPT,))
REVIEWER = Actor("审核丙", "reviewer")


def make_doc(tag: str, names: list[str], project: str = "测试项目") -> Document:
    """One invented project whose indicators have the given names (all ≥90%)."""
    return Document.model_validate({
        "source": {"name": f"表{tag}.txt", "sha256": (tag.encode().hex() * 64)[:64], "format": "text"},
        "year": 2025, "department": DEPT, "title": "2025年项目支出绩效目标表",
        "projects": [{"name": f"{project}{tag}", "department": DEPT, "goal": "完成年度任务",
                      "indicators": [{"seq": n, "level1": "产出指标", "level2": "质量指标", "name": name,
                                      "annual": parse_target("≥90%").model_dump(exclude_none=True)}
                                     for n, name in enumerate(names, start=1)]}]})


def _json(value):
    """A JSON column read with plain SQL: a string on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def put(engine, doc: Document, status: str | None = None) -> int:
    """Store a document the way every ingest path does (store_reviewed), with a workflow status."""
    with engine.begin() as conn:
        return store_reviewed(conn, doc, status=status)[1]


def snapshot(engine) -> dict:
    """The library as {members: (key, name, count, n_projects, variants, placements, targets)}."""
    with engine.connect() as conn:
        entries = {r.id: r for r in conn.execute(text("SELECT * FROM library_entries"))}
        members: dict[int, set] = {}
        for eid, iid in conn.execute(text("SELECT entry_id, indicator_id FROM library_members")):
            members.setdefault(eid, set()).add(iid)
    assert set(members) == set(entries), "an entry without members, or members of no entry"
    return {frozenset(m): (entries[e].key, entries[e].name, entries[e].count, entries[e].n_projects,
                           entries[e].variants, entries[e].placements, entries[e].targets)
            for e, m in members.items()}


def assert_consistent(engine) -> None:
    """Every public indicator is in exactly one entry; every entry's count and variants add up to its
    members; every key maps to a living entry, one entry per key."""
    with engine.connect() as conn:
        public = conn.execute(text(
            "SELECT count(*) FROM indicators i JOIN documents d ON d.id = i.document_id "
            "WHERE d.status IN ('published', 'approved')")).scalar()
        members = conn.execute(text("SELECT count(*), count(DISTINCT indicator_id) FROM library_members")).one()
        outside = conn.execute(text(
            "SELECT count(*) FROM library_members m JOIN indicators i ON i.id = m.indicator_id "
            "JOIN documents d ON d.id = i.document_id WHERE d.status NOT IN ('published', 'approved')")).scalar()
        bad = conn.execute(text(
            "SELECT e.id FROM library_entries e LEFT JOIN (SELECT entry_id, count(*) AS n FROM library_members "
            "GROUP BY entry_id) m ON m.entry_id = e.id WHERE e.count <> coalesce(m.n, 0) OR m.n IS NULL")).all()
        roots = conn.execute(text("SELECT count(*) FROM library_entries e JOIN library_keys k "
                                  "ON k.key = e.key AND k.entry_id = e.id")).scalar()
        n_entries = conn.execute(text("SELECT count(*) FROM library_entries")).scalar()
        variants = conn.execute(text("SELECT count, variants FROM library_entries")).all()
    assert tuple(members) == (public, public) and outside == 0
    assert bad == [] and roots == n_entries
    assert all(sum(v["count"] for v in _json(vs)) == c for c, vs in variants)


def names_in_library(engine) -> set[str]:
    with engine.connect() as conn:
        return {v["name"] for (vs,) in conn.execute(text("SELECT variants FROM library_entries")) for v in _json(vs)}


# ---- incremental against a full rebuild, on the seeds and the corpus ingested one file at a time -----------

@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory):
    engine = open_engine(str(tmp_path_factory.mktemp("live") / "live.db"))
    for f in SEEDS + CORPUS:
        assert ingest(engine, [f], workers=1).count("failed") == 0
    return engine


def test_incremental_library_matches_a_full_rebuild_on_real_files(one_by_one):
    """Filled one file at a time, the library differs from a full regroup only where a key that arrived
    early became a root that a later, more used key joined (which root wins): measured on the seeds and
    corpus (in file order) 436 of 440 entries and 96.6% of indicators in identical entries; every entry
    with the same members has the same columns."""
    assert_consistent(one_by_one)
    live = snapshot(one_by_one)
    with one_by_one.begin() as conn:
        n = library.build_library(conn)
    full = snapshot(one_by_one)
    assert_consistent(one_by_one)
    same = set(live) & set(full)
    assert all(live[m] == full[m] for m in same)
    indicators = sum(len(m) for m in full)
    assert sum(len(m) for m in live) == indicators > 600
    assert abs(len(live) - n) <= 0.02 * n
    assert sum(len(m) for m in same) >= 0.95 * indicators
    # where they differ, the same indicators are split between other roots: no indicator is lost or doubled
    assert set().union(*(set(m) for m in live if m not in same)) == set().union(*(set(m) for m in full if m not in same))


def test_a_whole_store_synced_at_once_is_groups_result(one_by_one):
    """One batch from an empty library takes new keys in `group`'s order: the same entries as a rebuild."""
    with one_by_one.begin() as conn:
        library.build_library(conn)
    full = snapshot(one_by_one)
    with one_by_one.begin() as conn:
        for table in ("library_members", "library_keys", "library_entries"):
            conn.execute(text(f"DELETE FROM {table}"))
        assert library_sync.sync(conn)
    assert snapshot(one_by_one) == full
    with one_by_one.connect() as conn:
        rows = conn.execute(text("SELECT i.id, i.name, i.level1, i.level2, NULL, i.project_id FROM indicators i"))
        assert len(group(list(rows))) == len(full)


def test_search_finds_what_a_scan_of_every_entry_finds(one_by_one):
    """Search reads entries' names from a per-version cache and finds close keys in one pass; the hits are
    those of checking every entry in turn, most used first."""
    from rapidfuzz import fuzz

    with one_by_one.connect() as conn:
        entries = conn.execute(text("SELECT id, key, count, variants FROM library_entries ORDER BY count DESC, id")).all()
        for term in ("满意度", "正常运行率", "设备", "培训人次", "及时", "资金到位", "不存在的词语", "率"):
            key = library.entry_key(term)
            expected = [e.id for e in entries
                        if any(term in v["name"] for v in _json(e.variants)) or key in e.key
                        or fuzz.partial_ratio(key, e.key) >= 90 and len(key) >= 3][:30]
            assert [e["id"] for e in library.search_library(conn, term, 30)] == expected, term


def test_one_batch_of_every_file_stays_close_to_a_rebuild(tmp_path):
    """`jixiao ingest` of many files counts the touched entries once, at the batch's end: consistent, and as
    close to a rebuild as one file at a time."""
    engine = open_engine(str(tmp_path / "batch.db"))
    assert ingest(engine, SEEDS + CORPUS, workers=1).count("failed") == 0
    assert_consistent(engine)
    batch = snapshot(engine)
    with engine.begin() as conn:
        library.build_library(conn)
    full = snapshot(engine)
    same = set(batch) & set(full)
    assert all(batch[m] == full[m] for m in same)
    assert sum(len(m) for m in same) >= 0.95 * sum(len(m) for m in full)


def test_a_batch_that_dies_is_mended_by_the_next_write(tmp_path, no_rebuild):
    engine = open_engine(str(tmp_path / "s.db"))
    token = library_sync._BATCH.set(set())  # inside a batch: entries are joined, counted at its end
    put(engine, make_doc("a", ["设备完好率", "群众满意度"]))
    put(engine, make_doc("b", ["设备完好率"]))
    library_sync._BATCH.reset(token)  # ... which never comes: the process died
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM library_members")).scalar() == 3
        assert conn.execute(text("SELECT sum(count) FROM library_entries")).scalar() == 0
    put(engine, make_doc("c", ["培训人次"]))  # any later write finds the counts that do not add up
    assert_consistent(engine)
    assert [e["count"] for e in service.library_search(engine, "设备完好率")] == [2]


# ---- what each write does -----------------------------------------------------------------------------------

@pytest.fixture
def no_rebuild(monkeypatch):
    """Any regrouping of the whole library fails the test."""
    def refuse(*_a, **_k):
        raise AssertionError("the library was regrouped")

    monkeypatch.setattr(library_sync, "rebuild", refuse)
    monkeypatch.setattr(library_sync, "group", refuse)
    monkeypatch.setattr(library, "group", refuse)


def test_an_upload_is_in_the_library_at_once_and_a_delete_takes_it_out(tmp_path, no_rebuild):
    engine = open_engine(str(tmp_path / "s.db"))
    put(engine, make_doc("a", ["设备完好率", "群众满意度"]))
    data = "项目名称\t绩效目标\t绩效指标\n上传测试项目\t完成年度任务\t1、产出指标: 独有上传指标数量, 年度指标值: ≥5台。\n"
    stored = service.ingest_bytes(engine, data.encode(), "上传.txt")
    assert stored.status == "stored"
    [hit] = service.library_search(engine, "独有上传指标")
    assert hit["count"] == 1 and hit["targets"][0]["target"] == "≥5台"
    assert service.library_entry(engine, str(hit["id"]))["projects"][0]["name"] == "上传测试项目"
    assert_consistent(engine)
    authoring.delete_document(engine, stored.document_id)
    assert service.library_search(engine, "独有上传指标") == []
    assert "设备完好率" in names_in_library(engine)
    assert_consistent(engine)


def test_replacing_a_document_moves_its_indicators(tmp_path, no_rebuild):
    engine = open_engine(str(tmp_path / "s.db"))
    put(engine, make_doc("a", ["系统正常运行率", "培训人次"]))
    doc = put(engine, make_doc("b", ["系统正常运行率", "旧的独有指标"]))
    authoring.replace_document(engine, doc, make_doc("c", ["系统正常运行率", "新的独有指标"]), "测试")
    names = names_in_library(engine)
    assert "新的独有指标" in names and "旧的独有指标" not in names
    [entry] = [e for e in service.library_search(engine, "系统正常运行率") if e["name"] == "系统正常运行率"]
    assert entry["count"] == 2 and entry["projects_using"] == 2
    assert_consistent(engine)
    # ingest --replace of the same bytes: the old rows go by cascade, the entries are counted again
    with engine.begin() as conn:
        store_reviewed(conn, make_doc("a", ["系统正常运行率"]), replace=True)
    assert "培训人次" not in names_in_library(engine)
    assert_consistent(engine)


def test_only_published_tables_feed_the_library_and_suggestions(store_url, no_rebuild):
    engine = open_engine(store_url)
    put(engine, make_doc("a", ["道路养护里程", "群众满意度"], "道路养护"))
    draft = put(engine, make_doc("b", ["草稿独有指标"], "道路养护"), status="draft")
    under_review = put(engine, make_doc("c", ["报送独有指标"], "道路养护"), status="submitted")
    names = names_in_library(engine)
    assert {"道路养护里程", "群众满意度"} <= names and not {"草稿独有指标", "报送独有指标"} & names
    sources = {p for s in service.suggest(engine, "道路养护项目") for p, _ in s["from_projects"]}
    assert sources == {"道路养护a"}
    facade.move(engine, REVIEWER, under_review, "approve")
    assert "报送独有指标" in names_in_library(engine)
    sources = {p for s in service.suggest(engine, "道路养护项目") for p, _ in s["from_projects"]}
    assert sources == {"道路养护a", "道路养护c"}
    facade.move(engine, OFFICER, draft, "submit")
    assert "草稿独有指标" not in names_in_library(engine)
    assert_consistent(engine)


def test_an_approved_table_sent_back_leaves_the_library(tmp_path, no_rebuild):
    """Status changes both ways: a table that stops being public takes its indicators out."""
    engine = open_engine(str(tmp_path / "s.db"))
    doc = put(engine, make_doc("a", ["退回独有指标", "群众满意度"]))
    with engine.begin() as conn:
        conn.execute(text("UPDATE documents SET status = 'draft' WHERE id = :d"), {"d": doc})
        assert library_sync.sync(conn, [doc])
    assert names_in_library(engine) == set()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM library_keys")).scalar() == 0
    assert_consistent(engine)


def test_reads_never_regroup_nor_write(tmp_path, no_rebuild):
    engine = open_engine(str(tmp_path / "s.db"))
    put(engine, make_doc("a", ["设备完好率", "群众满意度"], "设备维护"))
    with engine.begin() as conn:  # a table some path stored without the library: reads serve what is there
        store_document(conn, make_doc("z", ["库外指标"]))
    with engine.connect() as conn:
        before = library_sync.version(conn)
    assert service.library_search(engine, "满意度")
    assert service.library_entry(engine, "群众满意度")["count"] == 1
    assert service.suggest(engine, "设备维护项目")
    page = service.library_page(engine, "满意度", "设备维护项目")
    assert page["entries"] and page["suggestions"]
    assert service.library_page(engine, None, None)["tree"] is not None
    with engine.connect() as conn:
        assert library_sync.version(conn) == before
    assert "库外指标" not in names_in_library(engine)


def test_the_built_suggester_is_kept_until_the_library_changes(tmp_path):
    from jixiao.service.library import _BUILDING, cached_suggester

    engine = open_engine(str(tmp_path / "s.db"))
    put(engine, make_doc("a", ["设备完好率"], "设备维护"))
    with engine.connect() as conn:
        first = cached_suggester(conn)
        assert cached_suggester(conn) is first
    put(engine, make_doc("b", ["设备维修及时率"], "设备维护"))
    with engine.connect() as conn:
        second = cached_suggester(conn)
    assert second is not first and len(second.records) == 2
    put(engine, make_doc("c", ["设备采购数量"], "设备维护"))
    with _BUILDING, engine.connect() as conn:  # another thread is building: answer from the previous one
        assert cached_suggester(conn) is second
    with engine.connect() as conn:
        assert len(cached_suggester(conn).records) == 3


def test_a_store_before_0009_gets_its_library_built_once(store_url):
    """Migration 0009 builds the library of an existing store (published tables only), so no request has to."""
    old = create_engine(resolve_url(store_url))
    upgrade(old, "0008")
    with old.begin() as conn:
        store_document(conn, make_doc("a", ["迁移前指标", "群众满意度"]))
        store_document(conn, make_doc("b", ["迁移前草稿指标"]))
        conn.execute(text("UPDATE documents SET status = 'draft' WHERE source_name = '表b.txt'"))
    old.dispose()
    engine = open_engine(store_url)
    assert names_in_library(engine) == {"迁移前指标", "群众满意度"}
    assert_consistent(engine)


# ---- writers at once, on PostgreSQL ---------------------------------------------------------------------------

SHARED_NAMES = ["并发共享设备完好率", "并发共享群众满意度", "并发共享培训人次", "并发共享资金执行率"]


def test_a_second_writer_waits_for_the_first_on_postgresql(pg_server):
    """The first writer holds the library lock to its commit; the second waits on it (seen in pg_stat_activity),
    then finds the entries the first made instead of making them again."""
    engine = open_engine(pg_server.create_database("jixiao_live_lock"))
    first = engine.connect()
    tx = first.begin()
    store_reviewed(first, make_doc("a", SHARED_NAMES))
    errors: list[BaseException] = []

    def second() -> None:
        try:
            put(engine, make_doc("b", SHARED_NAMES + ["并发第二独有指标"]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    waited = False
    with engine.connect() as watch:
        for _ in range(600):
            waited = watch.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND wait_event = 'advisory'")).scalar() > 0
            watch.rollback()  # pg_stat_activity is read once per transaction: look again in a new one
            if waited or not t.is_alive():
                break
            time.sleep(0.1)
    tx.commit()
    first.close()
    t.join()
    assert errors == [] and waited
    counts = _entry_counts(engine)
    assert all(counts[library.entry_key(n)] == 2 for n in SHARED_NAMES)
    assert_consistent(engine)


def _at_once(jobs: list) -> list[BaseException]:
    """Run each job in its own thread, all started together; what any of them raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _entry_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT key, count FROM library_entries")).all())


def test_concurrent_writers_leave_consistent_counts_on_postgresql(pg_server):
    engine = open_engine(pg_server.create_database("jixiao_live_many"))

    def writer(w: int) -> None:
        for n in range(4):
            service.store_parsed(engine, make_doc(f"w{w}n{n}", SHARED_NAMES + [f"并发写入{w}{n}号独有"]),
                                 flush=False)
        doc = put(engine, make_doc(f"w{w}x", SHARED_NAMES), status="submitted")
        facade.move(engine, REVIEWER, doc, "approve")

    assert _at_once([lambda w=w: writer(w) for w in range(4)]) == []
    assert_consistent(engine)
    counts = _entry_counts(engine)
    assert all(counts[library.entry_key(n)] == 20 for n in SHARED_NAMES)


def test_stores_deletes_and_approvals_at_once_on_postgresql(pg_server):
    """Writers, deleters and approvers on one library at the same time: no deadlock, nothing lost or doubled."""
    engine = open_engine(pg_server.create_database("jixiao_live_mixed"))

    def store(n: int) -> None:
        put(engine, make_doc(f"s{n}", SHARED_NAMES + [f"只存{n}号指标"]))

    def store_and_delete(n: int) -> None:
        authoring.delete_document(engine, put(engine, make_doc(f"d{n}", SHARED_NAMES + [f"删除{n}号指标"])))

    def approve(n: int) -> None:
        facade.move(engine, REVIEWER, put(engine, make_doc(f"a{n}", SHARED_NAMES), status="submitted"), "approve")

    def four_times(job):
        return lambda: [job(n) for n in range(4)]

    assert _at_once([four_times(job) for job in (store, store_and_delete, approve)]) == []
    assert_consistent(engine)
    counts = _entry_counts(engine)
    assert all(counts[library.entry_key(n)] == 8 for n in SHARED_NAMES)
    assert not any("删除" in name for name in names_in_library(engine))

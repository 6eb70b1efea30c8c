"""Load test of a shared server: 50 people browsing and 5 uploading, on PostgreSQL, with accounts on.

    .venv/bin/python bench/load.py [--documents 300] [--workers 3] [--seconds 120] [--browsers 50] [--uploaders 5]
                                   [--no-library]

1. starts the test suite's PostgreSQL (tests/pg.py: apt-get installs it when missing) and fills a store with
   distinct documents made from the seeds (bench/store.py's generator), each stored with its findings;
2. makes the accounts: a finance reviewer (every department) and an officer for each of five departments;
3. runs `jixiao serve --workers N` (accounts on) on 127.0.0.1 and locust headless against it
   (bench/load_users.py): every user logs in through /login, browsers read pages 1–3 s apart (one in five
   is a department officer on their own department), uploaders send a new table every 2–5 s through the
   page's upload request (session cookie + CSRF header);
4. prints p50/p95/p99 page time (browsing), upload time, login time, and every error.

Traffic goes to 127.0.0.1 only; the run stops by itself after --seconds."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

UPLOAD = ("项目名称\t绩效目标\t绩效指标\n压力测试上传项目{tag}\t完成年度任务\t"
          "1、产出指标: 设备购置数量{tag}, 年度指标值: ≥5台。2、效益指标: 服务对象满意度, 年度指标值: ≥90%。\n")
TERMS = ["满意度", "培训", "设备", "维护", "完成率", "资金", "覆盖率", "及时"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fill_store(url: str, documents: int) -> None:
    from store import corpus  # bench/store.py: distinct documents made from the seeds

    from jixiao import service
    from jixiao.store import open_engine
    from jixiao.store.db import refresh_statistics
    from jixiao.store.search import flush

    engine = open_engine(url)
    start, n = time.perf_counter(), 0
    for doc in corpus(10**9):
        service.store_parsed(engine, doc, flush=False)
        n += 1
        if n >= documents:
            break
    flush(engine)
    refresh_statistics(engine)
    print(f"store: {n} documents in {time.perf_counter() - start:.1f} s", flush=True)
    engine.dispose()


def make_plan(url: str, out: Path) -> dict:
    from sqlalchemy import text

    from jixiao.auth.users import add_user, ensure_first_admin
    from jixiao.store import open_engine

    engine = open_engine(url)
    with engine.begin() as conn:
        ensure_first_admin(conn)
        rows = conn.execute(text(
            "SELECT d.department, d.id AS doc, p.id AS project FROM documents d JOIN projects p "
            "ON p.document_id = d.id WHERE d.department IS NOT NULL")).all()
        docs, projects = defaultdict(set), defaultdict(set)
        for r in rows:
            docs[r.department].add(r.doc)
            projects[r.department].add(r.project)
        departments = sorted(docs)
        _, reviewer_pw = add_user(conn, "load_reviewer", "reviewer")
        officers = []
        for i, dept in enumerate(departments[:5]):
            _, pw = add_user(conn, f"load_officer{i}", "officer", [dept])
            officers.append({"name": f"load_officer{i}", "password": pw, "department": dept})
    engine.dispose()
    plan = {"reviewer": {"name": "load_reviewer", "password": reviewer_pw}, "officers": officers,
            "departments": departments, "terms": TERMS, "upload_template": UPLOAD,
            "documents_by_department": {k: sorted(v) for k, v in docs.items()},
            "projects_by_department": {k: sorted(v) for k, v in projects.items()}}
    out.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def baseline(host: str, plan: dict, rounds: int = 5) -> None:
    """One logged-in user alone, page after page: the service time of each page kind without contention."""
    import random
    import re

    import requests

    session = requests.Session()
    page = session.get(host + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(host + "/login", data={"csrf_token": token, **plan["reviewer"]}, allow_redirects=False)
    rnd = random.Random(1)
    dept = plan["departments"][0]
    urls = {"/": "/", "/departments/{name}": f"/departments/{dept}",
            "/projects/{id}": lambda: f"/projects/{rnd.choice(plan['projects_by_department'][dept])}",
            "/documents/{id}": lambda: f"/documents/{rnd.choice(plan['documents_by_department'][dept])}",
            "/review": f"/review?department={dept}", "/search": "/search?q=满意度", "/library": "/library?q=满意度",
            "/api/projects": f"/api/projects?department={dept}&limit=50",
            "/api/me (the login check alone)": "/api/me"}
    print("one user alone (p50 of 5, ms):", end="")
    for name, url in urls.items():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = session.get(host + (url() if callable(url) else url))
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                times[-1] = float("nan")
        print(f"  {name} {sorted(times)[rounds // 2]:.0f}", end="")
    print(flush=True)


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and all its descendants (the uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1)] if values else float("nan")


def report(times: list, seconds: float) -> dict:
    kinds = defaultdict(list)
    errors = defaultdict(int)
    # steady state: from 10 s after the last login (every user in, the logins' argon2 work done)
    logins = [t[5] for t in times if t[1] == "POST /login"]
    settled = (max(logins) + 10) if logins else 0
    for _method, name, ms, status, failed, at in times:
        if not ("login" in name or name.startswith("upload")) and at >= settled:
            kinds["page, steady"].append(ms)
        kind = "login" if "login" in name else "upload" if name.startswith("upload") else "page"
        kinds[kind].append(ms)
        if failed or status >= 400 or status == 0:
            errors[f"{name} → {status or 'no answer'}"] += 1
    if logins:
        first = min(t[5] for t in times)
        print(f"steady state: from {settled - first:.0f} s after the first request (10 s after the last login)")
    summary = {}
    for kind in ("page", "page, steady", "upload", "login"):
        values = kinds.get(kind, [])
        summary[kind] = {"requests": len(values), "p50": pct(values, 50), "p95": pct(values, 95),
                         "p99": pct(values, 99), "max": max(values) if values else float("nan")}
        print(f"{kind:12s} {len(values):6d} requests  p50 {summary[kind]['p50']:7.0f} ms  "
              f"p95 {summary[kind]['p95']:7.0f} ms  p99 {summary[kind]['p99']:7.0f} ms  "
              f"max {summary[kind]['max']:7.0f} ms")
    per_name = defaultdict(list)
    for _, name, ms, _, _, _ in times:
        per_name[name].append(ms)
    for name, values in sorted(per_name.items()):
        print(f"    {name:28s} {len(values):6d}  p50 {pct(values, 50):6.0f}  p95 {pct(values, 95):6.0f} ms")
    total = len(times)
    print(f"throughput: {total / seconds:.1f} requests/s over {seconds:.0f} s")
    print(f"errors: {sum(errors.values())}" + "".join(f"\n    {k}: {v}" for k, v in errors.items()))
    summary["errors"] = dict(errors)
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=300)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--browsers", type=int, default=50)
    ap.add_argument("--uploaders", type=int, default=5)
    ap.add_argument("--no-library", action="store_true", help="browsers skip the library page")
    args = ap.parse_args()

    from pg import Server

    tmp = Path(tempfile.mkdtemp(prefix="jixiao-load-"))
    pg = Server()
    server = None
    try:
        url = pg.create_database("jixiao_load")
        fill_store(url, args.documents)
        plan = make_plan(url, tmp / "plan.json")
        port = _free_port()
        log = (tmp / "serve.log").open("w")
        server = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "serve", "--db", url, "--port", str(port),
                                   "--workers", str(args.workers)], cwd=ROOT, stdout=log, stderr=log)
        host = f"http://127.0.0.1:{port}"
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(host + "/login", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit(f"jixiao serve did not start (exit {server.poll()}):\n"
                                     + (tmp / "serve.log").read_text()) from None
                time.sleep(0.5)
        baseline(host, plan)
        env = dict(os.environ, JIXIAO_LOAD_PLAN=str(tmp / "plan.json"), JIXIAO_LOAD_OUT=str(tmp / "times.json"),
                   JIXIAO_LOAD_BROWSERS=str(args.browsers), JIXIAO_LOAD_UPLOADERS=str(args.uploaders),
                   JIXIAO_LOAD_LIBRARY="0" if args.no_library else "1")
        users = args.browsers + args.uploaders
        print(f"locust: {args.browsers} browsing + {args.uploaders} uploading, {args.workers} uvicorn workers, "
              f"{args.seconds} s", flush=True)
        start, cpu = time.perf_counter(), cpu_seconds(server.pid)
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
                        "-u", str(users), "-r", "10", "-t", f"{args.seconds}s", "--host", host, "--only-summary",
                        "--loglevel", "WARNING", "--stop-timeout", "10"], env=env, cwd=tmp,
                       stdout=subprocess.DEVNULL, check=False)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds(server.pid) - cpu
        times = json.loads((tmp / "times.json").read_text(encoding="utf-8"))
        report(times, elapsed)
        print(f"server CPU (uvicorn workers, PostgreSQL not counted): {cpu:.1f} s = "
              f"{1000 * cpu / max(1, len(times)):.0f} ms per request; machine load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        pg.stop()


if __name__ == "__main__":
    main()

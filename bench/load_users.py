"""The locust users of bench/load.py (run it, not this file): people browsing with a login session, and
department officers uploading tables through the page's upload request (session cookie + CSRF header).

Every user logs in through /login like a browser (form token, session cookie). Each request's time goes to
the file named by JIXIAO_LOAD_OUT when locust stops, so bench/load.py can report p95 per kind."""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import uuid

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["JIXIAO_LOAD_PLAN"], encoding="utf-8").read())
_times: list[tuple[str, str, float, int, bool, float]] = []
_lock = threading.Lock()
_officers = iter(range(1_000_000))


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        _times.append((request_type, name, response_time, status, exception is not None, time.time()))


@events.quitting.add_listener
def _dump(environment, **_):
    with open(os.environ["JIXIAO_LOAD_OUT"], "w", encoding="utf-8") as f:
        json.dump(_times, f)


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    return found.group(1) if found else ""


class _LoggedIn(HttpUser):
    abstract = True
    account: dict

    def login(self, account: dict) -> None:
        page = self.client.get("/login", name="GET /login")
        response = self.client.post("/login", name="POST /login", allow_redirects=False, data={
            "name": account["name"], "password": account["password"], "csrf_token": _token(page.text)})
        if response.status_code != 303:
            raise RuntimeError(f"login failed for {account['name']}: {response.status_code}")
        self.csrf = _token(self.client.get("/", name="page /").text)

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=f"page {name}", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


class Browser(_LoggedIn):
    """A reviewer (every department) or a department's officer reading pages, 1–3 s apart."""

    wait_time = between(1, 3)
    fixed_count = int(os.environ.get("JIXIAO_LOAD_BROWSERS", "50"))

    def on_start(self) -> None:
        n = next(_officers)
        self.officer = n % 5 == 4  # one browser in five is a department officer, the rest reviewers
        account = PLAN["officers"][n % len(PLAN["officers"])] if self.officer else PLAN["reviewer"]
        self.login(account)
        self.departments = [account["department"]] if self.officer else PLAN["departments"]
        self.documents = PLAN["documents_by_department"]
        self.projects = PLAN["projects_by_department"]

    def _dept(self) -> str:
        return random.choice(self.departments)

    @task(2)
    def overview(self):
        self.page("/", "/")

    @task(2)
    def department(self):
        self.page(f"/departments/{self._dept()}", "/departments/{name}")

    @task(4)
    def project(self):
        self.page(f"/projects/{random.choice(self.projects[self._dept()])}", "/projects/{id}")

    @task(1)
    def document(self):
        self.page(f"/documents/{random.choice(self.documents[self._dept()])}", "/documents/{id}")

    @task(2)
    def review(self):
        self.page(f"/review?department={self._dept()}&page={random.randint(1, 2)}", "/review")

    @task(1)
    def search(self):
        self.page(f"/search?q={random.choice(PLAN['terms'])}", "/search")

    if os.environ.get("JIXIAO_LOAD_LIBRARY", "1") == "1":  # bench/load.py --no-library leaves it out
        @task(1)
        def library(self):
            self.page(f"/library?q={random.choice(PLAN['terms'])}", "/library")

    @task(1)
    def api_projects(self):
        self.page(f"/api/projects?department={self._dept()}&limit=50", "/api/projects")


class Uploader(_LoggedIn):
    """A department's officer uploading a new table (a distinct file each time), 2–5 s apart."""

    wait_time = between(2, 5)
    fixed_count = int(os.environ.get("JIXIAO_LOAD_UPLOADERS", "5"))

    def on_start(self) -> None:
        self.account = PLAN["officers"][next(_officers) % len(PLAN["officers"])]
        self.login(self.account)

    @task
    def upload(self):
        tag = uuid.uuid4().hex[:8]
        text = PLAN["upload_template"].replace("{tag}", tag).encode("utf-8")
        with self.client.post("/api/documents", name="upload /api/documents", catch_response=True,
                              headers={"X-CSRF-Token": self.csrf},
                              files=[("files", (f"upload_{tag}.txt", text, "text/plain"))],
                              data={"department": self.account["department"]}) as response:
            if response.status_code != 200 or response.json()[0]["status"] != "stored":
                response.failure(f"{response.status_code} {response.text[:200]}")

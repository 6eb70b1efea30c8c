"""Debian's chromium for the end-to-end tests: installed with apt-get when missing (Playwright's own browser
download is not used)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def ensure_chromium() -> str:
    """Chromium, and a Chinese font so that the screenshots show the text rather than boxes."""
    missing = [pkg for pkg, path in (("chromium", CHROMIUM), ("fonts-noto-cjk", CJK_FONT)) if not os.path.exists(path)]
    if missing:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, capture_output=True)
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        raise RuntimeError("chromium could not be installed")
    return CHROMIUM


@contextlib.contextmanager
def served_store(tmp: Path, files: list[str], auth: bool = False):
    """`jixiao ingest` the files into a new store under tmp, `jixiao serve` it on a free port, and yield
    (url, log path) once it answers; the server is stopped afterwards. Accounts are off (`--no-auth`) unless
    `auth`: then the first administrator's password is in the log."""
    db, log = tmp / "web.db", tmp / "serve.log"
    if files:
        subprocess.run([sys.executable, "-m", "jixiao.cli", "ingest", *files, "--db", str(db), "--workers", "1"],
                       cwd=ROOT, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with log.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "serve", "--db", str(db), "--port", str(port),
                                 "--auth" if auth else "--no-auth"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/openapi.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.3)
        yield url, log
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def chromium(artifacts: Path):
    """Debian's chromium launched headless through Playwright, with the screenshot folder made."""
    from playwright.sync_api import sync_playwright

    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=ensure_chromium(), args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


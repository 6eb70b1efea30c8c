"""Debian's chromium for the end-to-end tests: installed with apt-get when missing (Playwright's own browser
download is not used)."""

from __future__ import annotations

import os
import shutil
import subprocess

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def ensure_chromium() -> str:
    if not os.path.exists(CHROMIUM):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True)
    if not os.path.exists(CHROMIUM) and not shutil.which("chromium"):
        raise RuntimeError("chromium could not be installed")
    return CHROMIUM

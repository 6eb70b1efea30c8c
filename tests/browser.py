"""Debian's chromium for the end-to-end tests: installed with apt-get when missing (Playwright's own browser
download is not used)."""

from __future__ import annotations

import os
import shutil
import subprocess

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

"""Review settings as the three faces share them: loaded once from the TOML the CLI takes (`--config`),
and named by a key under which the store keeps the findings they produce.

The key hashes the settings and the code of the review rules (and what they read: taxonomy, values, the
execution scoring), so findings stored by an older jixiao, or under other settings, are never served as
current: they are reviewed again on first use."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..review import Settings

_CODE = ("review", "execution", "taxonomy.py", "values.py", "textnorm.py", "model.py")


def load_settings(path: str | Path | None) -> Settings:
    """The review settings of a TOML file (None: the defaults); JixiaoError naming the file when bad."""
    return Settings.load(path)


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A hash of the source the findings depend on: changes when the rules do."""
    root = resources.files("jixiao")
    h = hashlib.sha256()
    for name in _CODE:
        node = root / name
        files = [node] if name.endswith(".py") else sorted(
            (p for p in Path(str(node)).rglob("*.py")), key=lambda p: p.as_posix())
        for f in files:
            path = Path(str(f))
            if path.is_file():
                h.update(path.as_posix().rsplit("jixiao/", 1)[-1].encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:12]


def settings_key(settings: Settings | None) -> str:
    """`<rules digest>:<settings digest>`: what stored findings are filed under."""
    s = settings or Settings()
    payload = json.dumps({"disable": sorted(s.disabled), "enable": sorted(s.enabled),
                          "severity": dict(sorted(s.severity.items())),
                          "options": {k: dict(sorted(v.items())) for k, v in sorted(s.options.items())}},
                         ensure_ascii=False, sort_keys=True, default=str)
    return f"{rules_digest()}:{hashlib.sha256(payload.encode()).hexdigest()[:12]}"

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="session")
def schema_validator():
    import jsonschema

    schema = json.loads((SHARED / "spec" / "document.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="session")
def pg_server():
    from pg import Server

    server = Server()
    yield server
    server.stop()


_db_counter = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh, empty store on each backend: a SQLite file, and a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"jixiao_test_{next(_db_counter)}")

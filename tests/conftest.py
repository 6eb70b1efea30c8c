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

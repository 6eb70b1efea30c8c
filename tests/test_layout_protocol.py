"""The Layout protocol: families found through entry points, one segmentation pass, one merge step, and a
new family is one module (here: one class)."""

from __future__ import annotations

from importlib.metadata import entry_points

from conftest import DATA

import jixiao.layouts.base as base
from jixiao.ingest import parse_bytes
from jixiao.layouts import build_document
from jixiao.layouts.base import Fragment, Region
from jixiao.model import Document, Indicator, Project, Source, Target
from jixiao.readers import read_bytes


def test_builtin_families_are_registered_as_entry_points():
    assert {"header", "stream"} <= {e.name for e in entry_points(group="jixiao.layouts")}
    assert [f.name for f in base.registered_layouts()][:2] == ["header", "stream"]


def test_every_family_detects_regions_with_a_score():
    sheet = read_bytes((DATA / "selfeval_pipes.txt").read_bytes(), "s.txt")
    regions = {r.family: r for f in base.registered_layouts() for r in f.detect(sheet)}
    assert regions["header"].score == 2.0
    assert regions["stream"].score == 3.0  # execution columns: only the stream reads them
    assert build_document(sheet).kind == "self_evaluation"


class _Ledger:
    """A toy family: a `台账` line per indicator (`台账：名称=值`). Adding it is all a new family needs."""

    name = "ledger"

    def detect(self, sheet):
        rows = [k for k, r in enumerate(sheet.rows) if r.text.startswith("台账：")]
        return [Region(self.name, rows[0], rows[-1] + 1, 5.0)] if rows else []

    def parse(self, sheet, region):
        inds = []
        for k, row in enumerate(sheet.rows[region.start:region.end], start=1):
            name, value = row.text.removeprefix("台账：").split("=")
            inds.append(Indicator(seq=k, name=name, annual=Target(raw=value, kind="text")))
        doc = Document(source=Source(name=sheet.name, sha256=sheet.sha256, format=sheet.format),
                       projects=[Project(name="台账项目", indicators=inds)])
        return Fragment(region, doc)


def test_a_new_family_is_one_class(monkeypatch):
    families = base.registered_layouts() + (_Ledger(),)
    monkeypatch.setattr(base, "registered_layouts", lambda: families)
    import jixiao.layouts as layouts

    monkeypatch.setattr(layouts, "registered_layouts", lambda: families)
    doc = parse_bytes("台账：巡查次数=每月两次\n台账：整改率=全部整改\n".encode(), "l.txt")
    assert [(i.name, i.annual.raw) for i in doc.projects[0].indicators] == [("巡查次数", "每月两次"),
                                                                            ("整改率", "全部整改")]

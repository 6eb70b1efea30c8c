"""The `jixiao` command as a new user meets it: Chinese help and errors, --version, no silent empty store,
folders for parse, file names as given, piped tables that keep names whole, amounts with two decimals."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
from conftest import ROOT, SEEDS

EXAMPLES = ROOT / "examples"


def jixiao(*args: str, cwd=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command as a user would, stdout and stderr piped (not a terminal)."""
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "JIXIAO_DB")}
    return subprocess.run([sys.executable, "-m", "jixiao.cli", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env=base | (env or {}), stdin=subprocess.DEVNULL, timeout=300)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("cli") / "cli.db"
    r = jixiao("ingest", *map(str, SEEDS), "--db", str(path), "--workers", "1")
    assert r.returncode == 0, r.stderr
    return str(path)


def test_version():
    r = jixiao("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"jixiao {version('jixiao')}"


def test_help_and_usage_errors_are_chinese():
    help_text = jixiao("parse", "--help").stdout
    assert "用法：" in help_text and "选项" in help_text and "显示此帮助并退出" in help_text
    for english in ("Usage:", "Options", "Show this message", "[OPTIONS]", "Arguments", "[required]", "<str>",
                    "<list[Path]>", "<bool>"):
        assert english not in help_text, english
    top = jixiao("--help").stdout
    assert "命令" in top and "Commands" not in top
    missing = jixiao("parse")
    assert missing.returncode == 2 and "缺少参数 'files'" in missing.stderr and "Missing" not in missing.stderr
    bad = jixiao("projects", "--limit", "abc")
    assert bad.returncode == 2 and "的值无效" in bad.stderr and "Invalid" not in bad.stderr
    unknown = jixiao("projects", "--bogus")
    assert "没有选项：--bogus" in unknown.stderr and "No such option" not in unknown.stderr


@pytest.mark.parametrize("args", [["projects"], ["review"], ["export", "--out", "x.csv"], ["library", "search", "满意"],
                                  ["serve"]])
def test_no_store_is_said_and_none_created(tmp_path, args):
    r = jixiao(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert "jixiao.db: 数据库不存在" in r.stderr and "--db" in r.stderr
    assert not (tmp_path / "jixiao.db").exists()
    if args == ["serve"]:
        return  # `serve --db new.db` starts on a new store by design (uploads fill it)
    typo = jixiao(*args, "--db", "missing.db", cwd=tmp_path)
    assert typo.returncode == 2 and "missing.db: 数据库不存在" in typo.stderr
    assert not (tmp_path / "missing.db").exists()


def test_ingest_still_creates_the_store(tmp_path):
    r = jixiao("ingest", str(SEEDS[0]), cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "jixiao.db").exists()


def test_parse_takes_folders_and_csv():
    r = jixiao("parse", "examples", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    files = {p.name for p in EXAMPLES.iterdir() if not p.name.startswith(".")}
    assert {row["文件"] for row in rows} <= files and len({row["文件"] for row in rows}) >= len(files) - 1
    as_json = jixiao("parse", "examples")
    assert as_json.returncode == 0 and as_json.stdout.lstrip().startswith("[")


def test_error_lines_name_files_as_given(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    r = jixiao("parse", "nothere.txt", "examples/../nothere.docx", str(tmp_path / "empty.txt"))
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(lines) == 3
    assert lines[0].startswith("错误 nothere.txt: ") and "文件或目录不存在" in lines[0]
    assert lines[1].startswith("错误 examples/../nothere.docx: ")
    assert lines[2].startswith(f"错误 {tmp_path / 'empty.txt'}: ")
    assert "No such file" not in r.stderr
    ingest = jixiao("ingest", "nothere.txt", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "i.db"))
    assert ingest.returncode == 1
    assert "错误 nothere.txt: 无法打开文件：文件或目录不存在" in ingest.stderr
    assert f"错误 {tmp_path / 'empty.txt'}: " in ingest.stderr and "No such file" not in ingest.stderr
    out = jixiao("export", "--out", str(tmp_path / "no" / "dir" / "x.xlsx"), "--db", str(tmp_path / "x.db"))
    assert out.returncode == 2  # no store there: said before anything is written


def test_export_to_missing_folder_is_one_chinese_line(db, tmp_path):
    target = tmp_path / "no" / "dir" / "x.xlsx"
    r = jixiao("export", "--out", str(target), "--db", db)
    assert r.returncode == 1 and r.stderr.strip().splitlines() == [f"错误 {target}: 无法写入：目录 {target.parent} 不存在"]


def test_piped_tables_keep_names_whole_and_amounts_have_two_decimals(db):
    r = jixiao("projects", "--db", db, "--limit", "0")
    assert r.returncode == 0, r.stderr
    names = [p["name"] for p in __import__("json").loads(jixiao("projects", "--db", db, "--limit", "0",
                                                                  "--format", "json").stdout)]
    assert names and all(n in r.stdout for n in names), "a name was folded over several lines"
    amounts = re.findall(r"│\s+([\d,]+\.\d+) │", r.stdout)
    assert amounts and all(re.fullmatch(r"[\d,]+\.\d\d", a) for a in amounts)
    assert "7.00" in r.stdout and not re.search(r"\s7\.0\s", r.stdout)
    narrow = jixiao("projects", "--db", db, env={"COLUMNS": "100"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 100


def test_rules_table_is_chinese():
    r = jixiao("rules")
    assert r.returncode == 0
    assert "错误" in r.stdout and "警告" in r.stdout and "完整性" in r.stdout
    assert not re.search(r"│ (error|warning|info)\s", r.stdout) and "missing-output" not in r.stdout


def test_export_xlsx_is_formatted(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "x.xlsx"
    r = jixiao("export", "--out", str(out), "--db", db)
    assert r.returncode == 0, r.stderr
    ws = load_workbook(out)["指标"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["文件", "文档标题", "年度", "部门"] and "三级指标" in headers and "年度指标值" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{ws.max_row}"
    assert ws.column_dimensions["H"].width >= 20 and ws["A1"].font.b


def test_ingest_says_when_a_table_arrives_in_a_second_format(tmp_path):
    both = jixiao("ingest", str(EXAMPLES / "inline_list.html"), str(EXAMPLES / "inline_list.txt"),
                  str(EXAMPLES / "overall.txt"), "--db", str(tmp_path / "t.db"), "--workers", "1")
    assert both.returncode == 0, both.stderr
    notes = [line for line in both.stderr.splitlines() if line.startswith("注意")]
    assert len(notes) == 1 and "inline_list.txt: 与已入库的 inline_list.html 是同一张表" in notes[0]


def test_error_line_keeps_the_path_exactly_as_typed(tmp_path):
    for typed in ("./缺少的文件.txt", "缺少的文件.txt"):
        r = jixiao("parse", typed, cwd=tmp_path)
        assert r.returncode != 0
        assert r.stderr.strip().splitlines()[-1].startswith(f"错误 {typed}:"), r.stderr

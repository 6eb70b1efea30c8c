"""Bad input: one clear line naming the file, a non-zero exit, the rest of the batch goes on."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from conftest import DATA, SEEDS
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import JixiaoError
from jixiao.ingest import parse_path

runner = CliRunner()
SEED = next(p for p in SEEDS if p.name.startswith("002"))


def _blank_pdf() -> bytes:
    """A valid one-page PDF with no text layer, as a scan without OCR is."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        z.writestr("word/big.bin", b"\0" * (60 * 1024 * 1024))
    return buf.getvalue()


BAD = {
    "empty.txt": (b"", "文件为空"),
    "binary.bin": (bytes(range(256)) * 20, "二进制"),
    "notable.txt": ("会议纪要\n今天讨论了预算。\n".encode(), "未识别出绩效目标表"),
    "missing.txt": ("项目名称\t绩效目标\n某项目\t目标\n".encode(), "没有任何绩效指标"),
    "corrupt.docx": (b"PK\x03\x04" + b"\x00" * 100, "损坏"),
    "fake.pdf": (b"%PDF-1.4 not really", "PDF"),
    "scan.pdf": (_blank_pdf(), "没有文本层"),
    "bomb.docx": (_bomb(), "压缩"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".doc"),
    "deep.html": (b"<html><body>" + b"<div>" * 5000 + b"x" + b"</div>" * 5000 + b"</body></html>", "未识别"),
    "garbled.txt": ("項目名稱".encode("big5") * 200, "未识别"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_gives_one_clear_line(tmp_path, name):
    data, expected = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(JixiaoError) as info:
        parse_path(path, max_bytes=10 * 1024 * 1024)
    message = str(info.value)
    assert expected in message and name in message and "\n" not in message
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_batch_goes_on_after_a_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(bad), str(SEED), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "文件为空" in result.output
    written = json.loads((tmp_path / "out" / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    assert len(written["projects"]) == 10
    assert not (tmp_path / "out" / "empty.json").exists()


def test_too_large_is_refused_under_a_limit_the_user_can_raise(tmp_path):
    result = runner.invoke(app, ["parse", str(SEED), "--max-size", "0.001"])
    assert result.exit_code == 1 and "文件过大" in result.output
    assert runner.invoke(app, ["parse", str(SEED), "--max-size", "5"]).exit_code == 0


def test_encodings_are_detected(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    expected = parse_path(SEED).to_json_dict()
    for encoding, prefix in (("gb18030", b""), ("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(prefix + text.encode(encoding))
        doc = parse_path(path).to_json_dict()
        assert doc["projects"] == expected["projects"], encoding


def test_truncated_mid_character_is_marked(tmp_path):
    data = SEED.read_bytes()
    cut = data[: data.index("对口协作经费".encode()) + 200]
    while True:  # cut inside a multi-byte character
        try:
            cut.decode("utf-8")
            cut = cut[:-1]
        except UnicodeDecodeError:
            break
    path = tmp_path / "cut.txt"
    path.write_bytes(cut)
    doc = parse_path(path)
    assert doc.problems and "截断" in doc.problems[0].message
    assert doc.projects[-1].name == "对口协作经费"
    assert "\ufffd" not in (doc.projects[-1].goal or "")


def test_directory_and_missing_file(tmp_path):
    result = runner.invoke(app, ["parse", str(tmp_path), str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "目录" in result.output and "nope.txt" in result.output


def test_table_format_summarizes(tmp_path):
    result = runner.invoke(app, ["parse", str(DATA / "grid_columns.txt"), "--format", "table"])
    assert result.exit_code == 0
    assert "某区第一中学" in result.output and "项目数：2" in result.output and "指标数：9" in result.output


def test_out_dir_keeps_two_inputs_with_one_stem(tmp_path):
    from conftest import ROOT

    ex = ROOT / "examples"
    result = runner.invoke(app, ["parse", str(ex / "project_form.txt"), str(ex / "project_form.docx"),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project_form.docx.json", "project_form.json"]

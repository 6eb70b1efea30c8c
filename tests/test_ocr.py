"""Scanned PDFs and images through the OCR extra (`jixiao[ocr]`, installed by scripts/setup.sh and so by CI).

The scans in tests/data/formats/ are made from the text PDF fixtures by tests/fixtures/make_scans.py
(rendered at 150 and 300 dpi, one rotated 1.5°, one with a red seal over cells, one as a PNG). Each must
parse to its text version's document with slot F1 ≥ 0.95, and every indicator must be right or marked."""

from __future__ import annotations

import io

import pytest
from conftest import DATA

from jixiao.errors import JixiaoError
from jixiao.ingest import parse_bytes, parse_path
from jixiao.slots import leaf_f1
from jixiao.slots import leaf_text as _norm

FORMATS = DATA / "formats"
SCANS = [
    ("form_national_scan150.pdf", "form_national.txt"),
    ("form_national_scan300.pdf", "form_national.txt"),
    ("form_national_scan_rotated.pdf", "form_national.txt"),
    ("form_national_scan_stamp.pdf", "form_national.txt"),
    ("two_row_header_scan.png", "two_row_header.txt"),
    ("form_long_row_headed_scan.pdf", "form_long_row.txt"),
]


slot_f1 = leaf_f1


def test_slot_f1_helper():
    doc = {"a": "x y", "b": [1, 2], "loc": {"page": 1}}
    assert slot_f1(doc, {"a": "xy", "b": [1, 2]}) == 1.0
    assert slot_f1({"a": "z", "b": [1, 2]}, {"a": "x", "b": [1, 2]}) == pytest.approx(2 / 3)


_PARSED: dict = {}


def _parse(name: str):
    """Each scan is OCR'd once per test run (seconds a page)."""
    if name not in _PARSED:
        _PARSED[name] = parse_path(FORMATS / name)
    return _PARSED[name]


@pytest.mark.parametrize("scan,text", SCANS)
def test_scan_parses_to_the_text_version(scan, text):
    doc = _parse(scan)
    expected = parse_path(DATA / text)
    assert doc.source.format == "pdf"
    assert slot_f1(doc.to_json_dict(), expected.to_json_dict()) >= 0.95
    # every indicator: name and annual value right, or marked with a problem, never silently wrong
    assert len(doc.projects) == len(expected.projects)
    for got_p, exp_p in zip(doc.projects, expected.projects, strict=True):
        assert len(got_p.indicators) == len(exp_p.indicators)
        for got, exp in zip(got_p.indicators, exp_p.indicators, strict=True):
            same = (_norm(got.name) == _norm(exp.name)
                    and (got.annual and _norm(got.annual.raw)) == (exp.annual and _norm(exp.annual.raw)))
            assert same or got.problem, (got.name, got.annual)
            assert got.loc.page and got.loc.bbox and len(got.loc.bbox) == 4


def test_low_confidence_value_gets_a_problem():
    # the seal covers a cell: what OCR reads under it is unsure and must say so
    doc = _parse("form_national_scan_stamp.pdf")
    flagged = [i for p in doc.projects for i in p.indicators if i.problem and "置信度" in i.problem]
    assert flagged
    assert all(i.loc and i.loc.bbox for i in flagged)
    # every OCR'd indicator carries its recognition confidence in loc; the flagged ones are the unsure ones
    confidences = [i.loc.confidence for p in doc.projects for i in p.indicators]
    assert all(c is not None and 0 < c <= 1 for c in confidences)
    assert all(i.loc.confidence < 0.8 for i in flagged)


def test_ocr_confusion_corrected_only_where_certain():
    from jixiao.readers.ocr import _fix_text

    assert _fix_text("二100") == "=100"
    assert _fix_text("二级指标") == "二级指标"
    assert _fix_text("292%") == "292%"  # ≥92% only with a ≥ column beside it: kept raw here


def test_percentage_whose_ge_may_be_read_as_2_is_kept_raw_and_marked():
    from jixiao.readers import read_path
    from jixiao.readers.ocr import flag_low_confidence

    sheet = read_path(FORMATS / "form_national_scan150.pdf")
    doc = _parse("form_national_scan150.pdf").model_copy(deep=True)
    ind = next(i for p in doc.projects for i in p.indicators if i.annual and i.annual.raw == "≥95%")
    ind.annual.raw = "295%"  # as a recogniser that took ≥ for 2 would give it
    flag_low_confidence(doc, sheet)
    assert ind.annual.raw == "295%" and "≥95%" in ind.problem
    others = [i for p in doc.projects for i in p.indicators if i is not ind]
    assert not any(i.problem for i in others)


def test_without_the_extra_one_line_says_how_to_install(monkeypatch):
    from jixiao.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(JixiaoError) as info:
        parse_path(FORMATS / "form_national_scan150.pdf")
    message = str(info.value)
    assert "pip install 'jixiao[ocr]'" in message and "\n" not in message
    assert "form_national_scan150.pdf" in message


def test_cli_install_hint_keeps_the_extra_name(monkeypatch):
    from typer.testing import CliRunner

    from jixiao.cli import app
    from jixiao.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    result = CliRunner().invoke(app, ["parse", str(FORMATS / "two_row_header_scan.png")])
    assert result.exit_code != 0
    assert "pip install 'jixiao[ocr]'" in result.output  # not eaten as console markup
    assert result.output.strip().count("\n") == 0


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_image_that_is_not_a_table():
    import numpy as np
    from PIL import Image

    noise = Image.fromarray((np.random.default_rng(0).random((600, 900)) * 255).astype("uint8"))
    with pytest.raises(JixiaoError, match="noise.png.*没有识别出文字"):
        parse_bytes(_png(noise), "noise.png")


def test_text_without_a_table_is_refused():
    import pypdfium2 as pdfium

    # the title lines of a form and nothing else: text, no table

    page = pdfium.PdfDocument(FORMATS / "form_national.pdf")[0]
    full = page.render(scale=150 / 72).to_pil().convert("RGB")
    top = full.crop((0, 0, full.width, int(full.height * 0.11)))
    with pytest.raises(JixiaoError, match="没有找到表格"):
        parse_bytes(_png(top), "title.png")


def test_huge_page_is_scaled_down_not_run_out_of_memory():
    from PIL import Image

    big = Image.new("L", (10000, 10000), 255)
    with pytest.raises(JixiaoError, match="big.png.*没有识别出文字"):
        parse_bytes(_png(big), "big.png")


def test_image_over_the_pixel_limit_is_refused_before_decoding():
    from PIL import Image

    huge = Image.new("1", (20000, 20000), 1)  # 400 million pixels, a few hundred KB as PNG
    with pytest.raises(JixiaoError, match="过大"):
        parse_bytes(_png(huge), "huge.png")


def test_pdf_over_the_page_limit_and_a_long_blank_one():
    import pypdfium2 as pdfium

    from jixiao.readers.pdf import MAX_PAGES

    def blank(n: int) -> bytes:
        doc = pdfium.PdfDocument.new()
        for _ in range(n):
            doc.new_page(595, 842)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    with pytest.raises(JixiaoError, match="页数过多"):
        parse_bytes(blank(MAX_PAGES + 1), "long.pdf")
    seen = []
    from jixiao.readers import read_bytes

    with pytest.raises(JixiaoError, match="没有文本层"):
        read_bytes(blank(MAX_PAGES), "blank.pdf", progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == MAX_PAGES and seen[-1] == (MAX_PAGES, MAX_PAGES)


def test_jpeg_and_tiff_are_read_as_scans():
    from PIL import Image

    from jixiao.readers import read_bytes
    from jixiao.readers.sniff import sniff_format

    png = Image.open(FORMATS / "two_row_header_scan.png")
    buf = io.BytesIO()
    png.convert("RGB").save(buf, "JPEG", quality=80, dpi=(150, 150))
    assert sniff_format(buf.getvalue(), "scan.bin") == "image"
    assert slot_f1(parse_bytes(buf.getvalue(), "scan.jpg").to_json_dict(),
                   parse_path(DATA / "two_row_header.txt").to_json_dict()) >= 0.95
    # a multi-page TIFF: every frame a page (blank frames here, so nothing is recognised)
    frames = [Image.new("L", (800, 600), 255) for _ in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    seen = []
    with pytest.raises(JixiaoError, match="没有识别出文字"):
        read_bytes(buf.getvalue(), "scan.tif", progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_models_ship_in_the_wheel():
    # the pinned rapidocr carries its Chinese detection and recognition models: nothing is downloaded
    from pathlib import Path

    import rapidocr

    models = {p.name for p in (Path(rapidocr.__file__).parent / "models").glob("*.onnx")}
    assert any("det" in m for m in models) and any("rec" in m for m in models)

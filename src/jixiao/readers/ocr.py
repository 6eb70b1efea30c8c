"""Scanned pages and images through OCR (the optional extra `jixiao[ocr]`: rapidocr + onnxruntime, whose
Chinese models ship in the wheel, so it runs offline).

A page image becomes the same PageContent a text PDF page gives: each recognised text box is one glyph-like
box (with its recognition confidence), and ruling lines found in the image become edges. The PDF reader's
table finder and page assembler then do the rest, so every layout reads a scan unchanged.

Before anything is measured the page is deskewed (the angle comes from the long ruling lines, else from the
text boxes themselves), and a red seal is washed out by reading the red channel, where red is as light as
paper and black text stays black.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
import warnings
from functools import lru_cache

from ..errors import ReadError
from . import pdf_geometry as geo

INSTALL_HINT = "这是扫描件或图片，需要 OCR 支持：请安装 pip install 'jixiao[ocr]'"
RENDER_DPI = 150  # scanned PDF pages are rendered at this resolution
MAX_SIDE = 4000  # pixels; a larger page is scaled down before OCR (bounded memory and time)
MAX_PIXELS = 150_000_000  # an image larger than this is refused before it is decoded
LOW_CONFIDENCE = 0.8
MAX_FRAMES = 200  # pages of a multi-page TIFF

_LOCK = threading.Lock()


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    from rapidocr import RapidOCR

    # onnxruntime threads per process; lower it (JIXIAO_OCR_THREADS=1) when several parse processes share
    # the cores, as `jixiao ingest` runs one per core
    threads = int(os.environ.get("JIXIAO_OCR_THREADS") or min(2, os.cpu_count() or 1))
    return RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,  # pages are upright (deskewed here); the 180° classifier flips short values
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def _require() -> None:
    if not available():
        raise ReadError(INSTALL_HINT)


# --- image preparation ------------------------------------------------------------------------------------

def _gray(rgb):
    """The red channel, stretched so that anything lighter than 235 is paper: a red seal (its ring and
    its translucent fill) vanishes, while black ink, even under the seal, stays dark."""
    import numpy as np

    red = rgb[:, :, 0].astype(np.uint16)
    return np.minimum(red * 255 // 235, 255).astype(np.uint8)


def _binary(gray):
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _skew_from_lines(binary) -> float | None:
    """Median angle (degrees) of long, nearly horizontal lines; None when the page has none."""
    import cv2
    import numpy as np

    h, w = binary.shape
    lines = cv2.HoughLinesP(binary, 1, math.pi / 1800, threshold=200, minLineLength=w // 3, maxLineGap=8)
    if lines is None:
        return None
    angles = []
    for x0, y0, x1, y1 in np.asarray(lines).reshape(-1, 4):
        a = math.degrees(math.atan2(y1 - y0, x1 - x0))
        if abs(a) < 5:
            angles.append(a)
    if len(angles) < 2:
        return None
    return float(np.median(angles))


def _skew_from_boxes(boxes) -> float | None:
    angles = []
    for quad in boxes:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        if x1 - x0 > 60:
            a = math.degrees(math.atan2(y1 - y0, x1 - x0))
            if abs(a) < 5:
                angles.append(a)
    if len(angles) < 3:
        return None
    angles.sort()
    return angles[len(angles) // 2]


def _rotate(img, angle: float, border: int = 255):
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(border, border, border))


def _seal_mask(rgb):
    """Pixels of a coloured mark (a seal): strongly saturated, whatever the hue."""
    import numpy as np

    spread = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2).astype(np.int16)
    return spread > 60


def _strokes(binary, orient: str, length: int) -> list[list[float]]:
    """Straight runs at least `length` pixels long: [position, start, end] in pixels."""
    import cv2

    kernel = (length, 1) if orient == "h" else (1, length)
    mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[list[float]] = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if orient == "h" and bw >= length and bh <= max(12, bw // 20):
            out.append([y + bh / 2, float(x), float(x + bw)])
        elif orient == "v" and bh >= length and bw <= max(12, bh // 20):
            out.append([x + bw / 2, float(y), float(y + bh)])
    return out


def _anchored(short: list[list[float]], long_across: list[list[float]], slack: float) -> list[list[float]]:
    """Short strokes that run from one long crossing line to another: the separator of a single row or a
    narrow column. A glyph's stroke never spans two table lines, so text is not mistaken for a rule."""

    def touches(pos: float, end: float) -> bool:
        return any(abs(line[0] - end) <= slack and line[1] - slack <= pos <= line[2] + slack for line in long_across)

    return [s for s in short if touches(s[0], s[1]) and touches(s[0], s[2])]


def _outside_text(strokes: list[list[float]], orient: str, boxes: list[tuple[float, ...]]) -> list[list[float]]:
    """Drop strokes whose middle lies inside a recognised text box: glyph strokes run together, not rules."""
    out = []
    for s in strokes:
        x, y = ((s[1] + s[2]) / 2, s[0]) if orient == "h" else (s[0], (s[1] + s[2]) / 2)
        # boxes come out padded around the glyphs by a few pixels: their ends are text from 0.1 of the box
        # height in, and a glyph-run line runs at mid-height
        if not any(b[0] + 0.1 * (b[3] - b[1]) < x < b[2] - 0.1 * (b[3] - b[1])
                   and b[1] + 0.3 * (b[3] - b[1]) < y < b[3] - 0.3 * (b[3] - b[1]) for b in boxes):
            out.append(s)
    return out


def _ruling_edges(binary, to_pt: float, seal=None, boxes=()) -> list[geo.Edge]:
    """Thin horizontal and vertical rules of the (deskewed) page, as edges in points: the long ones, and the
    short ones (one row high, one narrow column wide) that join two long ones. Two collinear pieces are one
    line when what separates them is a seal lying over it. `boxes` are the text boxes, in pixels."""
    h, w = binary.shape
    long_h = _outside_text(_strokes(binary, "h", max(40, w // 40)), "h", boxes)
    long_v = _outside_text(_strokes(binary, "v", max(40, h // 60)), "v", boxes)
    short_len = max(8, int(round(5 / to_pt)))  # 5 points
    slack = 2.5  # pixels: the stroke must reach the line itself, not stop a hair short as a glyph does
    short_v = _anchored([s for s in _strokes(binary, "v", short_len) if s[2] - s[1] < max(40, h // 60)],
                        long_h, slack)
    short_h = _anchored([s for s in _strokes(binary, "h", short_len) if s[2] - s[1] < max(40, w // 40)],
                        long_v, slack)
    short_v, short_h = _outside_text(short_v, "v", boxes), _outside_text(short_h, "h", boxes)
    out: list[geo.Edge] = []
    for orient, pieces in (("h", long_h + short_h), ("v", long_v + short_v)):
        if seal is not None and seal.any():
            pieces = _bridge(pieces, seal, orient)
        for pos, lo, hi in pieces:
            if orient == "h":
                out.append(geo.Edge("h", lo * to_pt, pos * to_pt, hi * to_pt, pos * to_pt))
            else:
                out.append(geo.Edge("v", pos * to_pt, lo * to_pt, pos * to_pt, hi * to_pt))
    return out


def _bridge(pieces: list[list[float]], seal, orient: str) -> list[list[float]]:
    """Join collinear pieces whose gap lies mostly under the seal."""
    pieces.sort(key=lambda p: (round(p[0] / 4), p[1]))
    out: list[list[float]] = []
    for p in pieces:
        if out and abs(out[-1][0] - p[0]) <= 4 and p[1] > out[-1][2]:
            prev = out[-1]
            pos = int(round((prev[0] + p[0]) / 2))
            lo, hi = int(prev[2]), int(p[1])
            gap = seal[max(0, pos - 3):pos + 4, lo:hi] if orient == "h" else seal[lo:hi, max(0, pos - 3):pos + 4]
            if gap.size and gap.any(axis=0 if orient == "h" else 1).mean() >= 0.5:
                prev[2] = p[2]
                continue
        out.append(p)
    return out


def _fix_text(text: str) -> str:
    """Confusions the value grammar makes certain: a leading `二` right before digits is `=`."""
    text = text.strip()
    if len(text) > 1 and text[0] == "二" and text[1].isdigit():
        return "=" + text[1:]
    return text


def ocr_rgb(rgb, to_pt: float):
    """OCR one page image (H×W×3 uint8, RGB) → PageContent in points (`to_pt` points per pixel)."""
    import numpy as np

    from .pdf import PageContent

    _require()
    h, w = rgb.shape[:2]
    if max(h, w) > MAX_SIDE:
        import cv2

        f = MAX_SIDE / max(h, w)
        rgb = cv2.resize(rgb, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
        to_pt /= f
        h, w = rgb.shape[:2]
    gray = _gray(rgb)
    seal = _seal_mask(rgb)
    binary = _binary(gray)
    if binary.mean() < 255 * 0.0005:  # next to no ink: a blank page, nothing to recognise
        return PageContent([], [], w * to_pt, h * to_pt, ocr=True)
    angle = _skew_from_lines(binary)
    clean = np.dstack([gray, gray, gray])
    if angle is not None and abs(angle) > 0.2:
        clean = _rotate(clean, angle)
        binary = _binary(clean[:, :, 0])
        seal = _rotate(seal.astype(np.uint8) * 255, angle, border=0) > 127
    if h < w // 4 or w < h // 4:  # a strip: the detector finds nothing in one; pad it (bottom/right) with paper
        clean = np.pad(clean, ((0, max(0, w // 4 - h)), (0, max(0, h // 4 - w)), (0, 0)), constant_values=255)
    with _LOCK:  # one inference at a time per process: onnxruntime already uses both cores
        result = _engine()(clean)
    boxes = [] if result.boxes is None else [b.tolist() for b in result.boxes]
    texts = list(result.txts or [])
    scores = [float(s) for s in (result.scores or [])]
    cx, cy = w / 2, h / 2
    box_angle = _skew_from_boxes(boxes) if angle is None else None
    cos = sin = None
    if box_angle is not None and abs(box_angle) > 0.2:
        r = math.radians(-box_angle)
        cos, sin = math.cos(r), math.sin(r)
    chars: list[geo.Char] = []
    for quad, text, score in zip(boxes, texts, scores, strict=False):
        text = _fix_text(text)
        if not text:
            continue
        pts = quad
        if cos is not None:
            pts = [((x - cx) * cos - (y - cy) * sin + cx, (x - cx) * sin + (y - cy) * cos + cy) for x, y in quad]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        chars.append(geo.Char(text, min(xs) * to_pt, min(ys) * to_pt, max(xs) * to_pt, max(ys) * to_pt,
                              conf=score))
    px_boxes = [(c.x0 / to_pt, c.top / to_pt, c.x1 / to_pt, c.bottom / to_pt) for c in chars]
    edges = _ruling_edges(binary, to_pt, seal, px_boxes) if angle is not None or cos is None else []
    return PageContent(chars, edges, w * to_pt, h * to_pt, ocr=True)


def ocr_pdf_page(page):
    """An image-only PDF page, rendered and read."""
    _require()
    width, height = page.get_size()
    scale = min(RENDER_DPI / 72, MAX_SIDE / max(width, height, 1))
    bitmap = page.render(scale=scale, grayscale=False)
    rgb = bitmap.to_numpy()[:, :, :3]
    if bitmap.mode in ("BGRA", "BGRX", "BGR"):
        rgb = rgb[:, :, ::-1]
    return ocr_rgb(rgb.copy(), 1 / scale)


# --- image files ------------------------------------------------------------------------------------------

def read_image(data: bytes, progress=None):
    """PNG, JPEG or TIFF (every frame a page) → (rows, pages, confidences)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from .pdf import assemble

    _require()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        w, h = img.size
    except Image.DecompressionBombError as exc:
        raise ReadError("图片过大（像素数超过上限）") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ReadError("图片已损坏或无法识别") from exc
    if w * h > MAX_PIXELS:
        raise ReadError(f"图片过大（{w}×{h} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素）")
    frames = getattr(img, "n_frames", 1)
    if frames > MAX_FRAMES:
        raise ReadError(f"图片页数过多（{frames} 页，上限 {MAX_FRAMES} 页）")
    dpi = img.info.get("dpi", (150, 150))[0] or 150
    dpi = dpi if 50 <= dpi <= 1200 else 150

    def pages():
        import numpy as np

        for i in range(frames):
            try:
                img.seek(i)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    img.load()
                frame = ImageOps.exif_transpose(img) if i == 0 else img
                if max(frame.size) > MAX_SIDE:
                    frame = frame.copy()
                    frame.thumbnail((MAX_SIDE, MAX_SIDE))
                    f = frame.size[0] / img.size[0]
                else:
                    f = 1.0
                rgb = np.asarray(frame.convert("RGB"))
            except (OSError, ValueError) as exc:
                raise ReadError(f"图片第 {i + 1} 页无法解码") from exc
            yield ocr_rgb(rgb, 72 / dpi / f)

    return assemble(pages(), frames, progress, scanned=True)


# --- confidence → problems --------------------------------------------------------------------------------

def flag_low_confidence(doc, sheet):
    """An indicator whose row holds a cell read with low confidence gets a problem instead of a silent value.
    Returns the document."""
    conf: dict = getattr(sheet, "ocr_confidence", None) or {}
    unsure: dict = getattr(getattr(sheet, "ocr_confidence", None), "problems", None) or {}
    if unsure:
        _flag_unsure_rows(doc, unsure)
    if not conf:
        return doc
    by_row: dict[tuple, float] = {}
    for (page, table, row, _col), c in conf.items():
        key = (page, table, row)
        by_row[key] = min(c, by_row.get(key, 1.0))
    for project in getattr(doc, "projects", []) or []:
        for ind in project.indicators:
            loc = ind.loc
            if loc is None:
                continue
            c = by_row.get((loc.page, loc.table, loc.row))
            if c is not None:
                loc.confidence = round(c, 3)  # every OCR'd indicator carries its row's confidence in loc
            if c is not None and c < LOW_CONFIDENCE and not ind.problem:
                ind.problem = f"OCR 识别置信度低（{c:.2f}），请核对原件"
            elif not ind.problem and ind.annual and _GE_AS_TWO.match(ind.annual.raw.strip()):
                ind.problem = (f"OCR 读出“{ind.annual.raw.strip()}”，可能是“≥{ind.annual.raw.strip()[1:]}”"
                               "（≥ 被识别为 2），已保留原文，请核对原件")
    return doc


def _flag_unsure_rows(doc, unsure: dict) -> None:
    """An indicator read from a row the reader could not settle (a borderless table's wrapped line whose
    row the layout leaves open) carries the reader's words as its problem."""
    for project in getattr(doc, "projects", []) or []:
        for ind in project.indicators:
            loc = ind.loc
            if loc is not None and not ind.problem:
                why = unsure.get((loc.page, loc.table, loc.row))
                if why:
                    ind.problem = why


# `292%`: a percentage over 100 whose leading 2 may be a `≥` the recogniser misread. Which it is only the
# table can say, so the value is kept raw and marked, never rewritten.
_GE_AS_TWO = re.compile(r"^2(?:100|[1-9]?\d)(?:\.\d+)?\s*%$")

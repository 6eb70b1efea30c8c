"""The neutral shape every reader produces: rows of cells in reading order, each knowing where it came from.

A free text line (a title, `单位：万元`, a paragraph) is a Row with `table=None` and one cell.
Merged cells are resolved by the reader: every slot a merge covers repeats the text, and a slot
covered from the left in the same row is marked `hspan=True` so layouts can ignore the repeat.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    text: str
    col: int  # 1-based
    hspan: bool = False  # slot covered by a merge that starts further left in the same row
    vspan: bool = False  # slot covered by a merge that starts in a row above
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Row:
    cells: list[Cell]
    table: int | None = None  # 1-based table number; None for a free text line
    row: int | None = None  # 1-based row within its table
    page: int | None = None
    line: int | None = None  # 1-based line in a text file
    closed: bool = False  # a text row that ended with its row mark (`… |`): it is whole, not cut off

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def is_text(self) -> bool:
        return self.table is None

    @property
    def text(self) -> str:
        """All distinct cell texts joined: for a text line, the line."""
        return "\t".join(c.text for c in self.cells if c.text and not c.hspan)

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if c.text and not c.hspan]

    def bbox(self) -> list[float] | None:
        boxes = [c.bbox for c in self.cells if c.bbox]
        if not boxes:
            return None
        return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes)]


@dataclass
class Sheet:
    name: str
    sha256: str
    format: str
    rows: list[Row] = field(default_factory=list)
    pages: int | None = None

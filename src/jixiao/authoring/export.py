"""A draft as an XLSX file: the published table layout of EXPORT's `jixiao.export.standard_xlsx` when it is
installed, else the indicator-row XLSX of `jixiao export`. Either one reads back through `jixiao parse`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..model import Document


def xlsx_bytes(doc: Document) -> tuple[bytes, str]:
    """(the file, which writer made it: `standard` or `rows`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "draft.xlsx"
        try:
            from ..export.standard_export import write_tables
        except ImportError:
            from ..export import WRITERS

            WRITERS["xlsx"]([doc], path)
            return path.read_bytes(), "rows"
        write_tables([(doc, None)], "xlsx", path)  # its one entry point, which leaves control characters out
        return path.read_bytes(), "standard"

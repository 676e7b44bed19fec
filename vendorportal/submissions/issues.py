"""One problem found in an upload, where the vendor can find it: shared by every step that reads a file."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class CellIssue:
    """One error or warning, where the vendor can find it in the spreadsheet.

    row is the row number Excel shows (header = 1), None for the whole file; column is the header as the
    vendor wrote it, or the canonical key of a missing column; message is a lazy, translatable string.
    """

    row: int | None
    column: str | None
    message: LazyString | str

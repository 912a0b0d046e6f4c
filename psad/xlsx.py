"""Writing workbooks that people open in Excel: every text cell safe from formula injection,
and able to hold whatever text was typed or imported."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A vertical tab or a form feed is how word processors write a line or page break.
BREAKS = re.compile("[\x0b\x0c]")
MAX_CELL_TEXT = 32_767  # what Excel holds in one cell; beyond, it calls the file damaged
SHORTENED = "…"


def sheet_text(text: str) -> str:
    """Text as a cell can hold it. XML 1.0 has no place for most control characters (openpyxl
    refuses them): a vertical tab or form feed becomes a line break, any other one « � »;
    text longer than a cell holds is cut, with « … » at the end."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", BREAKS.sub("\n", text))
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(SHORTENED)] + SHORTENED
    return text


def formula_like(value: Any) -> bool:
    """Text a spreadsheet would run as a formula (OWASP « CSV injection »)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A value as it may go into a cell. Text that a spreadsheet would run as a formula
    (OWASP formula injection) is stored as text with Excel's « quote prefix »: it shows and
    reads back unchanged, and is never evaluated. Control characters are replaced
    (``sheet_text``)."""
    if not isinstance(value, str):
        return value
    value = sheet_text(value)
    if not formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    cell.quotePrefix = True
    return cell


def text_cell(sheet: WriteOnlyWorksheet, value: str, font: Font | None = None) -> Any:
    """A text cell (a header, perhaps read from an uploaded file), made safe as ``safe_cell``."""
    made = safe_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=made) if isinstance(made, str) else made
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: a bold header row, then the rows (write-only mode for long lists)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    sheet.append([text_cell(sheet, header, bold) for header in headers])
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

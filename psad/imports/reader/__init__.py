"""Read one table of rows out of an uploaded list: xlsx, xlsm, xls, ods or csv.

The format is recognised from the file's content, never from its name. Every file that
cannot be read ends in one ``UnreadableFileError`` whose French message names the file
and says what to do. Values are returned as read; turning them into dates, phone numbers
or identifiers is the job of the import services.

calamine does the reading (fast), but it trusts sizes written in the file: a false count
or a stray far cell makes it allocate hundreds of gigabytes, which aborts the process, and
a damaged ODS table makes it loop for ever. Those sizes are checked here first (declared
zip sizes, sheet extents, shared-string counts, xls DIMENSIONS records, ODS well-formed),
and so is the grid each sheet's values reach, repeats applied (``extents``): against the
limits, and against the sheet's own size, so that a small file cannot ask for a large grid
(fuzzed by ``tests/imports/test_reader_fuzz.py``). A sheet wider than
``ReadLimits.max_columns`` is refused, whatever its format.
"""

from __future__ import annotations

from pathlib import Path

from psad.imports.reader.csvfile import read_csv
from psad.imports.reader.errors import (
    CellTooLongError,
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    NotASpreadsheetError,
    PasswordProtectedError,
    SheetNotFoundError,
    SheetTooLargeError,
    TooManyColumnsError,
    TooManyRowsError,
    UnreadableFileError,
    ZipBombError,
)
from psad.imports.reader.limits import DEFAULT_LIMITS, MEBIBYTE, ReadLimits, megabytes
from psad.imports.reader.ole import OLE2_MAGIC, read_ole_workbook
from psad.imports.reader.table import CellValue, RawTable, Row
from psad.imports.reader.zipped import ZIP_MAGICS, read_zip_workbook

__all__ = [
    "MEBIBYTE",
    "CellTooLongError",
    "CellValue",
    "CorruptFileError",
    "EmptyFileError",
    "FileTooLargeError",
    "NotASpreadsheetError",
    "PasswordProtectedError",
    "RawTable",
    "ReadLimits",
    "Row",
    "SheetNotFoundError",
    "SheetTooLargeError",
    "TooManyColumnsError",
    "TooManyRowsError",
    "UnreadableFileError",
    "ZipBombError",
    "read_table",
]

# Magic numbers of files people upload by mistake, with what to call them.
OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "un document PDF"),
    (b"\x89PNG", "une image"),
    (b"\xff\xd8\xff", "une image"),
    (b"GIF8", "une image"),
    (b"Rar!", "une archive compressée"),
    (b"7z\xbc\xaf", "une archive compressée"),
    (b"\x1f\x8b", "une archive compressée"),
    (b"{\\rtf", "un document texte (RTF)"),
)


def read_table(
    path: Path,
    *,
    file_name: str,
    limits: ReadLimits = DEFAULT_LIMITS,
    sheet_name: str | None = None,
) -> RawTable:
    """Read the first non-empty sheet (or ``sheet_name``) of the file at ``path``.

    ``file_name`` is the name the user knows the file by (the uploaded name), used in
    messages. Entirely empty rows are left out, trailing empty cells are trimmed and empty
    cells are ``None``; line numbers stay those of the spreadsheet.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise UnreadableFileError(
            f"Le fichier « {file_name} » n'a pas pu être ouvert : déposez-le de nouveau."
        ) from exc
    if size == 0:
        raise EmptyFileError.for_file(file_name)
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"Le fichier « {file_name} » pèse {megabytes(size, round_up=True)} Mo, au-delà de "
            f"la limite de {megabytes(limits.max_bytes)} Mo : découpez la liste en plusieurs "
            "fichiers ou retirez les colonnes inutiles, puis réessayez."
        )
    if head.startswith(ZIP_MAGICS):
        return read_zip_workbook(path, file_name=file_name, limits=limits, sheet_name=sheet_name)
    if head == OLE2_MAGIC:
        return read_ole_workbook(path, file_name=file_name, limits=limits, sheet_name=sheet_name)
    for magic, kind in OTHER_MAGICS:
        if head.startswith(magic):
            raise NotASpreadsheetError.for_file(file_name, kind)
    return read_csv(path, file_name=file_name, limits=limits)

"""Zip containers: xlsx, xlsm, ods.

Declared sizes, sheet extents and shared-string counts are checked, and an ODS's content
must be well-formed, before calamine reads the file.
"""

from __future__ import annotations

import re
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from psad.imports.reader.errors import (
    RESAVE,
    CorruptFileError,
    NotASpreadsheetError,
    PasswordProtectedError,
    ZipBombError,
)
from psad.imports.reader.limits import MEBIBYTE, ReadLimits, megabytes
from psad.imports.reader.sheets import read_with_calamine, read_with_openpyxl
from psad.imports.reader.table import RawTable

# Members smaller than this are not checked for their compression ratio: tiny XML parts
# compress very well and are harmless.
RATIO_CHECK_FROM_BYTES = MEBIBYTE
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_ROW_NUMBER = re.compile(rb'<row [^>]*?\br="(\d{1,7})"')  # a literal start keeps it fast
_FAR_CELL = re.compile(rb' r="(?:[A-Z]{2,3}\d|[A-Z]\d{7})')
_CELL_REFERENCE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')


def read_zip_workbook(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            kind = _zip_kind(archive, names)
            if kind is None:
                raise NotASpreadsheetError.for_file(file_name, _zip_document_kind(names))
            if kind == "xlsb":
                raise NotASpreadsheetError(
                    f"Le fichier « {file_name} » est au format Excel binaire (.xlsb), qui n'est "
                    f"pas accepté : {RESAVE}."
                )
            _check_declared_sizes(members, file_name=file_name, limits=limits)
            if kind == "ods" and _ods_is_encrypted(archive, names):
                raise PasswordProtectedError.for_file(file_name)
            if kind == "ods" and not _is_well_formed_xml(archive, "content.xml"):
                raise CorruptFileError.for_file(file_name)
            if kind == "xlsx":
                _check_xlsx_parts(archive, members, file_name=file_name, limits=limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise CorruptFileError.for_file(file_name) from exc
    try:
        return read_with_calamine(
            path, file_name=file_name, fmt=kind, limits=limits, sheet_name=sheet_name
        )
    except CorruptFileError:
        if kind != "xlsx":
            raise
    # Some generators write sheets that calamine refuses and openpyxl reads.
    return read_with_openpyxl(path, file_name=file_name, limits=limits, sheet_name=sheet_name)


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        with archive.open("mimetype") as member:
            if member.read(len(ODS_MIMETYPE) + 16).startswith(ODS_MIMETYPE):
                return "ods"
    return None


def _zip_document_kind(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "un document Word"
    if "ppt/presentation.xml" in names:
        return "une présentation"
    if "mimetype" in names:
        return "un document OpenDocument qui n'est pas un classeur"
    return "une archive ZIP"


def _check_declared_sizes(
    members: Sequence[zipfile.ZipInfo], *, file_name: str, limits: ReadLimits
) -> None:
    """Refuse a zip whose members declare far more content than any real list holds."""
    total = sum(member.file_size for member in members)
    too_dense = any(
        member.file_size > RATIO_CHECK_FROM_BYTES
        and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        for member in members
    )
    if total > limits.max_uncompressed_bytes or too_dense:
        raise ZipBombError(
            f"Le fichier « {file_name} » annonce un contenu décompressé de "
            f"{megabytes(total)} Mo, bien plus qu'une vraie liste : il est endommagé ou "
            "malveillant et n'a pas été lu. Demandez un nouvel export de la liste à sa source."
        )


def _ods_is_encrypted(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if "META-INF/manifest.xml" not in names:
        return False
    with archive.open("META-INF/manifest.xml") as member:
        return b"encryption-data" in member.read(MEBIBYTE)


def _is_well_formed_xml(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether a part is well-formed XML without a DTD, checked by streaming it through expat.

    calamine's ODS reader loops for ever on some malformed content (a damaged closing tag
    of a table), so the content is checked first; expat does it at C speed.
    """
    parser = xml.parsers.expat.ParserCreate()

    def refuse_doctype(*_: object) -> None:
        raise ValueError("DTD in a spreadsheet part")

    parser.StartDoctypeDeclHandler = refuse_doctype
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(MEBIBYTE):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (xml.parsers.expat.ExpatError, LookupError):  # LookupError: unknown encoding
        return False
    return True


def _check_xlsx_parts(
    archive: zipfile.ZipFile,
    members: Sequence[zipfile.ZipInfo],
    *,
    file_name: str,
    limits: ReadLimits,
) -> None:
    """Check what calamine sizes its memory by, before it reads anything.

    calamine allocates a sheet as a full grid from its first to its last cell, and its
    shared strings by their declared count: a stray value in cell XFD1048576, or a false
    count, would make it ask for hundreds of gigabytes and abort the whole process. A
    sheet's extent is taken from its ``<dimension ref=...>`` (written by Excel, LibreOffice
    and openpyxl) or, where the writer left it out, from a scan of its cell references.
    """
    for member in members:
        lower = member.filename.lower()
        if lower.endswith("sharedstrings.xml"):
            with archive.open(member) as stream:
                declared = _UNIQUE_COUNT.search(stream.read(4096))
            if declared and int(declared.group(1)) > member.file_size // 8 + 16:
                raise CorruptFileError.for_file(file_name)
        elif lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            with archive.open(member) as stream:
                head = stream.read(64 * 1024)
                dimension = _DIMENSION.search(head)
                if dimension:
                    rows = int(dimension.group(4) or dimension.group(2))
                    columns = _column_number(dimension.group(3) or dimension.group(1))
                else:
                    rows, columns = _scanned_extent(head, stream)
            limits.check_extent(rows, columns, file_name=file_name)


def _scanned_extent(head: bytes, stream: IO[bytes]) -> tuple[int, int]:
    """Last line and column of a sheet without ``<dimension>``, read from its references.

    Rows are counted by their ``<row r=...>``; cell references are parsed one by one only
    in the chunks holding a column past Z or a line past 999,999, so that the usual narrow
    sheet costs little more than its decompression.
    """
    rows, columns, tail, chunk = 0, 0, b"", head
    while chunk:
        data = tail + chunk
        rows = max(rows, max(map(int, _ROW_NUMBER.findall(data)), default=0))
        if _FAR_CELL.search(data):
            for letters, digits in _CELL_REFERENCE.findall(data):
                rows = max(rows, int(digits))
                columns = max(columns, _column_number(letters))
        elif b"<c" in data:
            columns = max(columns, 26)  # no reference past column Z in this chunk
        tail = data[-256:]
        chunk = stream.read(MEBIBYTE)
    return rows, columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number

"""Zip containers: xlsx, xlsm, ods.

Declared sizes, the grid each sheet needs (``extents``) and shared-string counts are
checked, and an ODS's content must be well-formed, before calamine reads the file.
"""

from __future__ import annotations

import posixpath
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
from psad.imports.reader.extents import OdsScanner, OdsTable, xlsx_parsed_extent, xlsx_sheet_extent
from psad.imports.reader.limits import MEBIBYTE, ReadLimits, megabytes
from psad.imports.reader.sheets import read_with_calamine, read_with_openpyxl
from psad.imports.reader.table import RawTable

# Members smaller than this are not checked for their compression ratio: tiny XML parts
# compress very well and are harmless.
RATIO_CHECK_FROM_BYTES = MEBIBYTE
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELATIONSHIPS = "xl/_rels/workbook.xml.rels"
_SHEET_ELEMENT = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_RELATIONSHIP_ELEMENT = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ID_ATTRIBUTE = re.compile(rb"""\b(?:\w+:)?[Ii]d\s*=\s*["']([^"']*)["']""")
_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")


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
            if any(member.flag_bits & 0x1 for member in members):  # zip encryption
                raise PasswordProtectedError.for_file(file_name)
            if kind == "ods" and _ods_is_encrypted(archive, names):
                raise PasswordProtectedError.for_file(file_name)
            if kind == "ods":
                _check_ods_content(archive, file_name=file_name, limits=limits)
            if kind == "xlsx":
                _check_xlsx_parts(archive, members, file_name=file_name, limits=limits)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,  # what zipfile raises on an encrypted or otherwise unreadable part
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


def _check_ods_content(archive: zipfile.ZipFile, *, file_name: str, limits: ReadLimits) -> None:
    """Refuse an ODS whose content is not well-formed, or whose tables, repeats applied,
    need a larger grid than their content pays for."""
    measured = _ods_tables(archive)
    if measured is None:
        raise CorruptFileError.for_file(file_name)
    tables, size = measured
    for table in tables:
        limits.check_grid(table.rows, table.columns, content_bytes=size, file_name=file_name)
        limits.check_repeats(table.expanded_bytes, content_bytes=size, file_name=file_name)


def _ods_tables(archive: zipfile.ZipFile) -> tuple[list[OdsTable], int] | None:
    """The tables of an ODS and the size of its content, read in one pass by expat (which
    checks that it is well-formed XML without a DTD) and the ``OdsScanner``; None if it is
    not well-formed.

    calamine's ODS reader loops for ever on some malformed content (a damaged closing tag
    of a table), so the content is checked first; expat does it at C speed.
    """
    parser = xml.parsers.expat.ParserCreate()
    scanner = OdsScanner()
    size = 0

    def refuse_doctype(*_: object) -> None:
        raise ValueError("DTD in a spreadsheet part")

    parser.StartDoctypeDeclHandler = refuse_doctype
    try:
        with archive.open("content.xml") as stream:
            while chunk := stream.read(MEBIBYTE):
                parser.Parse(chunk, False)
                scanner.feed(chunk)
                size += len(chunk)
            parser.Parse(b"", True)
    except (xml.parsers.expat.ExpatError, LookupError):  # LookupError: unknown encoding
        return None
    return scanner.close(), size


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
    count, would make it ask for hundreds of gigabytes and abort the whole process. The
    extent a sheet declares is checked against the limits (calamine reserves it), then the
    grid its values reach (``extents``) against the limits and the sheet's size.

    Sheets are found where the workbook's relationships point (calamine reads a sheet
    wherever they say, not only under ``xl/worksheets/``).
    """
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml"):
            with archive.open(member) as stream:
                declared = _UNIQUE_COUNT.search(stream.read(4096))
            if declared and int(declared.group(1)) > member.file_size // 8 + 16:
                raise CorruptFileError.for_file(file_name)
    for member in _sheet_parts(archive, members):

        def open_part(member: zipfile.ZipInfo = member) -> IO[bytes]:
            return archive.open(member)

        extent = xlsx_sheet_extent(open_part)
        limits.check_extent(extent.rows, extent.columns, file_name=file_name)
        size = member.file_size
        if not limits.grid_fits(extent.rows, extent.columns, content_bytes=size):
            extent = xlsx_parsed_extent(open_part)  # the values may reach less far
            limits.check_grid(extent.rows, extent.columns, content_bytes=size, file_name=file_name)


def _sheet_parts(
    archive: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo]
) -> list[zipfile.ZipInfo]:
    """The parts calamine may read as sheets: those under ``xl/worksheets/`` and the targets
    of the relationships the workbook's sheets name (``r:id``), as paths from the root or
    from ``xl/``; all parts when the workbook or its relationships cannot be read."""
    workbook = _small_part(archive, members, WORKBOOK)
    relationships = _small_part(archive, members, WORKBOOK_RELATIONSHIPS)
    if workbook is None or relationships is None:
        return list(members)
    ids = {
        found.group(1)
        for sheet in _SHEET_ELEMENT.findall(workbook)
        for found in _ID_ATTRIBUTE.finditer(sheet)
    }
    wanted = set()
    for element in _RELATIONSHIP_ELEMENT.findall(relationships):
        target, identifier = _TARGET.search(element), _ID_ATTRIBUTE.search(element)
        if target and (identifier is None or identifier.group(1) in ids):
            path = target.group(1).decode("utf-8", "replace").replace("\\", "/").lower()
            wanted.add(posixpath.normpath(path.lstrip("/")))
            wanted.add(posixpath.normpath("xl/" + path))
    return [
        member
        for member in members
        if member.filename.lower().startswith("xl/worksheets/")
        or posixpath.normpath(member.filename.lower().lstrip("/")) in wanted
    ]


def _small_part(
    archive: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo], name: str
) -> bytes | None:
    """The content of the part ``name`` (any case), if there is one and it is not large."""
    found = [member for member in members if member.filename.lower() == name]
    if len(found) != 1 or found[0].file_size > MEBIBYTE:
        return None
    with archive.open(found[0]) as stream:
        return stream.read()

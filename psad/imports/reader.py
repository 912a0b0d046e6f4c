"""Read one table of rows out of an uploaded list: xlsx, xlsm, xls, ods or csv.

The format is recognised from the file's content, never from its name. Every file that
cannot be read ends in one ``UnreadableFileError`` whose French message names the file
and says what to do. Values are returned as read; turning them into dates, phone numbers
or identifiers is the job of the import services.

calamine does the reading (fast), but it trusts sizes written in the file: a false count
or a stray far cell makes it allocate hundreds of gigabytes, which aborts the process, and
a damaged ODS table makes it loop for ever. Those sizes are checked here first (declared
zip sizes, sheet extents, shared-string counts, xls DIMENSIONS records, ODS well-formed).
"""

from __future__ import annotations

import csv
import gc
import io
import math
import re
import struct
import warnings
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, TypeAlias, TypeVar

import python_calamine

from psad.errors import DomainError

CellValue: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
Row: TypeAlias = tuple[int, list[CellValue]]
RowT = TypeVar("RowT")

MEBIBYTE = 1024 * 1024
# Members smaller than this are not checked for their compression ratio: tiny XML parts
# compress very well and are harmless.
RATIO_CHECK_FROM_BYTES = MEBIBYTE
WHAT_TO_CHOOSE = "choisissez un fichier .xlsx, .xls, .ods ou .csv"
RESAVE = "ouvrez-le dans votre tableur, enregistrez-le de nouveau au format .xlsx puis réessayez"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
CSV_DELIMITERS = (";", "\t", ",")
CSV_SAMPLE_CHARS = 64 * 1024
CSV_SAMPLE_ROWS = 50
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_ROW_NUMBER = re.compile(rb'<row [^>]*?\br="(\d{1,7})"')  # a literal start keeps it fast
_FAR_CELL = re.compile(rb' r="(?:[A-Z]{2,3}\d|[A-Z]\d{7})')
_CELL_REFERENCE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
_UNIQUE_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\buniqueCount="(\d+)"')

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


class UnreadableFileError(DomainError):
    """The uploaded file cannot be read as a list; nothing is stored."""


class NotASpreadsheetError(UnreadableFileError):
    """A PDF, an image, a Word document or anything else that is not a table."""


class CorruptFileError(UnreadableFileError):
    """A spreadsheet that is damaged or was cut short (an interrupted download)."""


class PasswordProtectedError(UnreadableFileError):
    """A workbook encrypted with a password."""


class EmptyFileError(UnreadableFileError):
    """A file of zero bytes, or whose sheets hold no filled row."""


class FileTooLargeError(UnreadableFileError):
    """A file above the configured size limit."""


class ZipBombError(UnreadableFileError):
    """A compressed file that declares far more content than any real list."""


class TooManyRowsError(UnreadableFileError):
    """A sheet with more lines than the configured limit."""


class SheetTooLargeError(UnreadableFileError):
    """A sheet whose cells spread over a far larger grid than any real list."""


class SheetNotFoundError(UnreadableFileError):
    """The sheet asked for by name is not in the workbook."""


@dataclass(frozen=True)
class ReadLimits:
    """What the reader accepts; callers take the values from the settings."""

    max_bytes: int = 20 * MEBIBYTE
    max_uncompressed_bytes: int = 200 * MEBIBYTE
    max_ratio: int = 100
    max_rows: int = 500_000
    max_cells: int = 20_000_000  # lines x columns of a sheet's grid (calamine allocates it)


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class RawTable:
    """The filled rows of one sheet, each with its line number as the spreadsheet shows it."""

    file_name: str
    format: str
    sheet_name: str | None
    rows: list[Row]


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
        raise _empty(file_name)
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"Le fichier « {file_name} » pèse {_megabytes(size, round_up=True)} Mo, au-delà de "
            f"la limite de {_megabytes(limits.max_bytes)} Mo : découpez la liste en plusieurs "
            "fichiers ou retirez les colonnes inutiles, puis réessayez."
        )
    if head.startswith(ZIP_MAGICS):
        return _read_zip_workbook(path, file_name=file_name, limits=limits, sheet_name=sheet_name)
    if head == OLE2_MAGIC:
        return _read_ole_workbook(path, file_name=file_name, limits=limits, sheet_name=sheet_name)
    for magic, kind in OTHER_MAGICS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(file_name, kind)
    return _read_csv(path, file_name=file_name, limits=limits)


# --- zip containers: xlsx, xlsm, ods ---------------------------------------------------


def _read_zip_workbook(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            kind = _zip_kind(archive, names)
            if kind is None:
                raise _not_a_spreadsheet(file_name, _zip_document_kind(names))
            if kind == "xlsb":
                raise NotASpreadsheetError(
                    f"Le fichier « {file_name} » est au format Excel binaire (.xlsb), qui n'est "
                    f"pas accepté : {RESAVE}."
                )
            _check_declared_sizes(members, file_name=file_name, limits=limits)
            if kind == "ods" and _ods_is_encrypted(archive, names):
                raise _password_protected(file_name)
            if kind == "ods" and not _is_well_formed_xml(archive, "content.xml"):
                raise _corrupt(file_name)
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
        raise _corrupt(file_name) from exc
    try:
        return _read_with_calamine(
            path, file_name=file_name, fmt=kind, limits=limits, sheet_name=sheet_name
        )
    except CorruptFileError:
        if kind != "xlsx":
            raise
    # Some generators write sheets that calamine refuses and openpyxl reads.
    return _read_with_openpyxl(path, file_name=file_name, limits=limits, sheet_name=sheet_name)


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
            f"{_megabytes(total)} Mo, bien plus qu'une vraie liste : il est endommagé ou "
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
                raise _corrupt(file_name)
        elif lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            with archive.open(member) as stream:
                head = stream.read(64 * 1024)
                dimension = _DIMENSION.search(head)
                if dimension:
                    rows = int(dimension.group(4) or dimension.group(2))
                    columns = _column_number(dimension.group(3) or dimension.group(1))
                else:
                    rows, columns = _scanned_extent(head, stream)
            _check_extent(rows, columns, file_name=file_name, limits=limits)


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


# --- OLE2 containers: xls, and password-protected xlsx -----------------------------------


def _read_ole_workbook(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        streams = _ole_streams(path.read_bytes(), wanted={"Workbook", "Book"})
    except (struct.error, ValueError, IndexError) as exc:
        raise _corrupt(file_name) from exc
    if {"EncryptedPackage", "EncryptionInfo"} & streams.keys():
        raise _password_protected(file_name)
    workbook = streams.get("Workbook") or streams.get("Book")
    if workbook is None:
        kind = "un document Word" if "WordDocument" in streams else None
        raise _not_a_spreadsheet(file_name, kind)
    _check_xls_dimensions(workbook, file_name=file_name, limits=limits)
    return _read_with_calamine(
        path, file_name=file_name, fmt="xls", limits=limits, sheet_name=sheet_name
    )


def _ole_streams(data: bytes, *, wanted: set[str]) -> dict[str, bytes]:
    """The directory of an OLE2 compound file: every name, with the content of ``wanted``.

    Raises ValueError (or struct.error) when the structure is damaged.
    """
    (sector_shift, mini_shift, _, _, _, fat_count, first_dir, _, cutoff, first_minifat, _,
     first_difat, difat_count) = struct.unpack_from("<HHHIIIIIIIIII", data, 30)  # fmt: skip
    if not 7 <= sector_shift <= 16 or not 2 <= mini_shift < sector_shift:
        raise ValueError("bad sector sizes")
    size = 1 << sector_shift
    count = len(data) // size - 1
    per_sector = size // 4

    def sector(number: int) -> bytes:
        if not 0 <= number < count:
            raise ValueError("sector outside the file")
        return data[(number + 1) * size : (number + 2) * size]

    def chain(start: int, table: list[int]) -> list[int]:
        numbers: list[int] = []
        while start < 0xFFFFFFFA:  # the end-of-chain and free markers are above
            if start >= len(table) or len(numbers) >= len(table):  # outside, or a loop
                raise ValueError("broken chain")
            numbers.append(start)
            start = table[start]
        return numbers

    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    for _ in range(min(difat_count, count)):
        difat = struct.unpack(f"<{per_sector}I", sector(first_difat))
        fat_sectors.extend(difat[:-1])
        first_difat = difat[-1]
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat.extend(struct.unpack(f"<{per_sector}I", sector(number)))

    directory = b"".join(sector(number) for number in chain(first_dir, fat))
    entries: list[tuple[str, int, int]] = []
    for offset in range(0, len(directory) - 127, 128):
        (name_length,) = struct.unpack_from("<H", directory, offset + 64)
        start, length = struct.unpack_from("<IQ", directory, offset + 116)
        if 2 <= name_length <= 64:
            name = directory[offset : offset + name_length - 2].decode("utf-16-le", "replace")
            entries.append((name, start, length & 0xFFFFFFFF if size == 512 else length))
    streams = {name: b"" for name, _, _ in entries}
    if not entries or not wanted & streams.keys():
        return streams
    mini_stream = b""
    minifat: list[int] = []
    for name, start, length in entries:
        if name not in wanted:
            continue
        if length >= cutoff:
            content = b"".join(sector(number) for number in chain(start, fat))
        else:
            if not mini_stream:
                _, root_start, _ = entries[0]
                mini_stream = b"".join(sector(number) for number in chain(root_start, fat))
                for number in chain(first_minifat, fat):
                    minifat.extend(struct.unpack(f"<{per_sector}I", sector(number)))
            mini = 1 << mini_shift
            content = b"".join(
                mini_stream[number * mini : (number + 1) * mini] for number in chain(start, minifat)
            )
        if len(content) < length:
            raise ValueError("stream shorter than declared")
        streams[name] = content[:length]
    return streams


def _check_xls_dimensions(workbook: bytes, *, file_name: str, limits: ReadLimits) -> None:
    """Check each sheet's DIMENSIONS record, by which calamine sizes its memory."""
    position = 0
    while position + 4 <= len(workbook):
        kind, length = struct.unpack_from("<HH", workbook, position)
        body = position + 4
        if kind == 0x0200 and length >= 8:
            # First line, line after the last, first column, column after the last; lines
            # are on 32 bits from BIFF8 (14 bytes) on, on 16 bits before.
            layout = "<IIHH" if length >= 14 else "<HHHH"
            first_row, end_row, first_column, end_column = struct.unpack_from(
                layout, workbook, body
            )
            if first_row > end_row or first_column > end_column:
                raise _corrupt(file_name)
            _check_extent(end_row, end_column, file_name=file_name, limits=limits)
        position = body + length


# --- spreadsheets through calamine, xlsx through openpyxl as a fallback -----------------


def _read_with_calamine(
    path: Path, *, file_name: str, fmt: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        with workbook:
            visible = python_calamine.SheetVisibleEnum.Visible
            worksheet = python_calamine.SheetTypeEnum.WorkSheet
            order = [
                (index, meta.name)
                for index, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == worksheet
            ]
            hidden = {meta.name for meta in workbook.sheets_metadata if meta.visible != visible}
            order.sort(key=lambda entry: entry[1] in hidden)
            if sheet_name is not None:
                order = _only_sheet(order, sheet_name, file_name=file_name)
            for index, name in order:
                sheet = workbook.get_sheet_by_index(index)
                end = sheet.end
                if end is None:
                    continue
                _check_row_count(end[0] + 1, file_name=file_name, limits=limits)
                with _collector_paused():
                    cells = sheet.to_python(skip_empty_area=False)
                    del sheet  # frees calamine's copy of the sheet before ours is built
                    rows = _filled_rows(_consumed(cells))
                if rows:
                    return RawTable(file_name=file_name, format=fmt, sheet_name=name, rows=rows)
    except UnreadableFileError:
        raise
    except python_calamine.PasswordError as exc:
        raise _password_protected(file_name) from exc
    except BaseException as exc:
        # A damaged file can make calamine's Rust code panic, which surfaces as a
        # BaseException subclass; anything else that is not an Exception is re-raised.
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise
        raise _corrupt(file_name) from exc
    raise _empty(file_name)


def _read_with_openpyxl(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    import openpyxl  # imported here: only needed for the rare files calamine cannot read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                order = [(index, ws.title) for index, ws in enumerate(workbook.worksheets)]
                order.sort(key=lambda entry: workbook.worksheets[entry[0]].sheet_state != "visible")
                if sheet_name is not None:
                    order = _only_sheet(order, sheet_name, file_name=file_name)
                for index, name in order:
                    sheet = workbook.worksheets[index]
                    sheet.reset_dimensions()  # the declared dimension may be wrong: ignore it
                    values = _limited(
                        sheet.iter_rows(values_only=True),
                        file_name=file_name,
                        limits=limits,
                    )
                    with _collector_paused():
                        rows = _filled_rows(values)
                    if rows:
                        return RawTable(
                            file_name=file_name, format="xlsx", sheet_name=name, rows=rows
                        )
            finally:
                workbook.close()
    except UnreadableFileError:
        raise
    except Exception as exc:
        raise _corrupt(file_name) from exc
    raise _empty(file_name)


def _only_sheet(
    order: list[tuple[int, str]], sheet_name: str, *, file_name: str
) -> list[tuple[int, str]]:
    chosen = [entry for entry in order if entry[1] == sheet_name]
    if not chosen:
        present = ", ".join(f"« {name} »" for _, name in order) or "aucune"
        raise SheetNotFoundError(
            f"La feuille « {sheet_name} » n'existe pas dans « {file_name} » "
            f"(feuilles présentes : {present}) : choisissez l'une d'elles."
        )
    return chosen


# --- csv ---------------------------------------------------------------------------------


def _read_csv(path: Path, *, file_name: str, limits: ReadLimits) -> RawTable:
    text = _decode_text(path.read_bytes(), file_name=file_name)
    start = text[:4096].lstrip().lower()
    if start.startswith("<") and ("<html" in start or "<table" in start):
        raise NotASpreadsheetError(
            f"Le fichier « {file_name} » est une page web (HTML) et non un vrai classeur : "
            f"{RESAVE}."
        )
    if start.startswith("<?xml"):
        raise NotASpreadsheetError(
            f"Le fichier « {file_name} » est un fichier XML et non un classeur lisible : {RESAVE}."
        )
    delimiter, text = _delimiter(text)
    try:
        records = _limited(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
            file_name=file_name,
            limits=limits,
        )
        with _collector_paused():
            rows = _filled_rows(_unwrap_excel_text(record) for record in records)
    except csv.Error as exc:
        raise _corrupt(file_name) from exc
    if not rows:
        raise _empty(file_name)
    return RawTable(file_name=file_name, format="csv", sheet_name=None, rows=rows)


def _decode_text(data: bytes, *, file_name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_a_spreadsheet(file_name, None) from exc
    if b"\x00" in data[:8192]:
        raise _not_a_spreadsheet(file_name, None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    controls = sum(1 for char in sample if char < " " and char not in "\t\r\n\f")
    if controls * 100 > len(sample):
        raise _not_a_spreadsheet(file_name, None)
    return text


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter among ; tab , that splits the first lines most consistently.

    An Excel ``sep=;`` first line is honoured and removed (Excel does not show it).
    """
    first_line, _, rest = text.partition("\n")
    hint = first_line.strip()
    if hint.lower().startswith("sep=") and len(hint) == 5 and hint[4] in CSV_DELIMITERS:
        return hint[4], rest
    sample = text[:CSV_SAMPLE_CHARS]
    if len(text) > CSV_SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = CSV_DELIMITERS[0], (0, 0)
    for delimiter in CSV_DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        counts: dict[int, int] = {}
        try:
            for number, record in enumerate(reader):
                if number >= CSV_SAMPLE_ROWS:
                    break
                if any(cell.strip() for cell in record):
                    counts[len(record)] = counts.get(len(record), 0) + 1
        except csv.Error:
            continue
        # Score: how many lines share the most frequent width above one column.
        wide = [(rows, width) for width, rows in counts.items() if width > 1]
        score = max(wide, default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best, text


def _unwrap_excel_text(record: list[str]) -> list[str]:
    """Undo the ``="0750655E"`` trick some exports use to keep leading zeros."""
    return [
        cell[2:-1] if cell.startswith('="') and cell.endswith('"') and len(cell) > 2 else cell
        for cell in record
    ]


# --- shared ------------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of cells are built.

    The cells hold no reference cycles, yet each generation-2 pass walks them all again:
    without this, a 100,000-row sheet takes about twice as long to turn into rows.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _consumed(rows: list[Any]) -> Iterator[Sequence[Any]]:
    """Yield the rows of ``rows`` and forget each one, so that only one copy is in memory."""
    for index, row in enumerate(rows):
        rows[index] = None
        yield row


def _filled_rows(rows: Iterable[Sequence[Any]]) -> list[Row]:
    """Number rows from 1, drop empty ones, turn empty cells into None, trim the tail."""
    filled: list[Row] = []
    append = filled.append
    for line, row in enumerate(rows, 1):
        cells: list[CellValue] = [None if value == "" else value for value in row]
        while cells and cells[-1] is None:
            cells.pop()
        if cells and not all(
            cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells
        ):
            append((line, cells))
    return filled


def _limited(rows: Iterable[RowT], *, file_name: str, limits: ReadLimits) -> Iterator[RowT]:
    for count, row in enumerate(rows, 1):
        _check_row_count(count, file_name=file_name, limits=limits)
        yield row


def _check_extent(rows: int, columns: int, *, file_name: str, limits: ReadLimits) -> None:
    """Refuse a sheet that spreads over more lines, or more cells, than the limits allow."""
    _check_row_count(rows, file_name=file_name, limits=limits)
    if rows * columns > limits.max_cells:
        raise SheetTooLargeError(
            f"Une feuille de « {file_name} » s'étend sur {_thousands(rows)} lignes et "
            f"{_thousands(columns)} colonnes, bien au-delà d'une vraie liste (une valeur "
            "oubliée loin du tableau ?) : supprimez les lignes et colonnes inutilisées ou "
            "copiez le tableau seul dans un nouveau classeur, puis réessayez."
        )


def _check_row_count(count: int, *, file_name: str, limits: ReadLimits) -> None:
    if count > limits.max_rows:
        raise TooManyRowsError(
            f"Le fichier « {file_name} » compte plus de {_thousands(limits.max_rows)} lignes, "
            "la limite acceptée : découpez la liste en plusieurs fichiers puis réessayez."
        )


def _megabytes(size: int, *, round_up: bool = False) -> str:
    """Size in Mo with one decimal; round up to show that a file just past a limit is."""
    tenths = math.ceil(size * 10 / MEBIBYTE) if round_up else round(size * 10 / MEBIBYTE)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}" if tenth else str(whole)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\N{NO-BREAK SPACE}")


def _not_a_spreadsheet(file_name: str, kind: str | None) -> NotASpreadsheetError:
    what = f" (c'est {kind})" if kind else ""
    return NotASpreadsheetError(
        f"Le fichier « {file_name} » n'est pas un tableur lisible{what} : {WHAT_TO_CHOOSE}."
    )


def _corrupt(file_name: str) -> CorruptFileError:
    return CorruptFileError(
        f"Le fichier « {file_name} » est endommagé ou incomplet (téléchargement interrompu ?) : "
        "téléchargez-le ou exportez-le de nouveau, vérifiez qu'il s'ouvre dans votre tableur, "
        "puis réessayez."
    )


def _password_protected(file_name: str) -> PasswordProtectedError:
    return PasswordProtectedError(
        f"Le fichier « {file_name} » est protégé par un mot de passe : enregistrez-le sans "
        "mot de passe puis réessayez."
    )


def _empty(file_name: str) -> EmptyFileError:
    return EmptyFileError(
        f"Le fichier « {file_name} » ne contient aucune ligne remplie : vérifiez que vous "
        "avez choisi le bon fichier."
    )

"""OLE2 containers: xls, and password-protected xlsx.

The compound file's directory is read here to tell an encrypted workbook from an xls, and
each sheet's DIMENSIONS record is checked before calamine reads the file.
"""

from __future__ import annotations

import struct
from pathlib import Path

from psad.imports.reader.errors import (
    CorruptFileError,
    NotASpreadsheetError,
    PasswordProtectedError,
)
from psad.imports.reader.limits import ReadLimits
from psad.imports.reader.sheets import read_with_calamine
from psad.imports.reader.table import RawTable

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_ole_workbook(
    path: Path, *, file_name: str, limits: ReadLimits, sheet_name: str | None
) -> RawTable:
    try:
        streams = _ole_streams(path.read_bytes(), wanted={"Workbook", "Book"})
    except (struct.error, ValueError, IndexError) as exc:
        raise CorruptFileError.for_file(file_name) from exc
    if {"EncryptedPackage", "EncryptionInfo"} & streams.keys():
        raise PasswordProtectedError.for_file(file_name)
    workbook = streams.get("Workbook") or streams.get("Book")
    if workbook is None:
        kind = "un document Word" if "WordDocument" in streams else None
        raise NotASpreadsheetError.for_file(file_name, kind)
    _check_xls_dimensions(workbook, file_name=file_name, limits=limits)
    return read_with_calamine(
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
    sectors = _Sectors(data, sector_shift)
    fat = sectors.table(sectors.fat_numbers(first_difat, difat_count)[:fat_count])
    entries = _directory(sectors.read(first_dir, fat), sector_size=sectors.size)
    streams = {name: b"" for name, _, _ in entries}
    if not entries or not wanted & streams.keys():
        return streams
    mini_stream = b""
    minifat: list[int] = []
    for name, start, length in entries:
        if name not in wanted:
            continue
        if length >= cutoff:
            content = sectors.read(start, fat)
        else:
            if not mini_stream:
                _, root_start, _ = entries[0]
                mini_stream = sectors.read(root_start, fat)
                minifat.extend(sectors.table(_chain(first_minifat, fat)))
            size = 1 << mini_shift
            content = b"".join(
                mini_stream[number * size : (number + 1) * size]
                for number in _chain(start, minifat)
            )
        if len(content) < length:
            raise ValueError("stream shorter than declared")
        streams[name] = content[:length]
    return streams


class _Sectors:
    """The sectors of a compound file, and the tables and streams made of them."""

    def __init__(self, data: bytes, sector_shift: int) -> None:
        self.data = data
        self.size = 1 << sector_shift
        self.count = len(data) // self.size - 1
        self.per_sector = self.size // 4

    def sector(self, number: int) -> bytes:
        if not 0 <= number < self.count:
            raise ValueError("sector outside the file")
        return self.data[(number + 1) * self.size : (number + 2) * self.size]

    def read(self, start: int, table: list[int]) -> bytes:
        """The content of the chain of sectors from ``start`` through ``table``."""
        return b"".join(self.sector(number) for number in _chain(start, table))

    def table(self, numbers: list[int]) -> list[int]:
        """The sector numbers held by the sectors ``numbers`` (the FAT, the mini FAT)."""
        entries: list[int] = []
        for number in numbers:
            entries.extend(struct.unpack(f"<{self.per_sector}I", self.sector(number)))
        return entries

    def fat_numbers(self, first_difat: int, difat_count: int) -> list[int]:
        """The sectors of the FAT: 109 in the header, the others in the DIFAT chain."""
        numbers = list(struct.unpack_from("<109I", self.data, 76))
        for _ in range(min(difat_count, self.count)):
            difat = struct.unpack(f"<{self.per_sector}I", self.sector(first_difat))
            numbers.extend(difat[:-1])
            first_difat = difat[-1]
        return numbers


def _chain(start: int, table: list[int]) -> list[int]:
    numbers: list[int] = []
    while start < 0xFFFFFFFA:  # the end-of-chain and free markers are above
        if start >= len(table) or len(numbers) >= len(table):  # outside, or a loop
            raise ValueError("broken chain")
        numbers.append(start)
        start = table[start]
    return numbers


def _directory(directory: bytes, *, sector_size: int) -> list[tuple[str, int, int]]:
    """Each entry of the directory: its name, first sector and length."""
    entries: list[tuple[str, int, int]] = []
    for offset in range(0, len(directory) - 127, 128):
        (name_length,) = struct.unpack_from("<H", directory, offset + 64)
        start, length = struct.unpack_from("<IQ", directory, offset + 116)
        if 2 <= name_length <= 64:
            name = directory[offset : offset + name_length - 2].decode("utf-16-le", "replace")
            entries.append((name, start, length & 0xFFFFFFFF if sector_size == 512 else length))
    return entries


# BIFF records placing a value at (line, column), both in the first four bytes: FORMULA,
# LABELSST, RSTRING, NUMBER, LABEL, BOOLERR, RK, and their BIFF2-4 forms. MULRK holds several
# values, from its first column to the column in its last two bytes. Blank cells (BLANK,
# MULBLANK) hold no value and calamine leaves them out.
_VALUE_RECORDS = frozenset(
    (0x0006, 0x00FD, 0x00D6, 0x0203, 0x0204, 0x0205, 0x027E, 0x0406, 0x0002, 0x0003, 0x0004)
)
_MULRK = 0x00BD
_DIMENSIONS = 0x0200
_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
_EOF = 0x000A
_FILEPASS = 0x002F  # what follows is encrypted


def _check_xls_dimensions(workbook: bytes, *, file_name: str, limits: ReadLimits) -> None:
    """Check each sheet's DIMENSIONS record, by which calamine sizes its memory, and the
    grid its values reach (calamine builds it whole, from A1 to the last value) against the
    limits and the size of the sheet's records."""
    position = start = 0
    rows = columns = 0
    while position + 4 <= len(workbook):
        kind, length = struct.unpack_from("<HH", workbook, position)
        body = position + 4
        if body + length > len(workbook):  # cut short: calamine reports it
            break
        if kind in _VALUE_RECORDS and length >= 4:
            row, column = struct.unpack_from("<HH", workbook, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == _MULRK and length >= 6:
            (row,) = struct.unpack_from("<H", workbook, body)
            (last,) = struct.unpack_from("<H", workbook, body + length - 2)
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == _DIMENSIONS and length >= 8:
            # First line, line after the last, first column, column after the last; lines
            # are on 32 bits from BIFF8 (14 bytes) on, on 16 bits before.
            layout = "<IIHH" if length >= 14 else "<HHHH"
            first_row, end_row, first_column, end_column = struct.unpack_from(
                layout, workbook, body
            )
            if first_row > end_row or first_column > end_column:
                raise CorruptFileError.for_file(file_name)
            limits.check_extent(end_row, end_column, file_name=file_name)
        elif kind == _FILEPASS:
            raise PasswordProtectedError.for_file(file_name)
        elif kind in _BOF or kind == _EOF:
            _check_grid(rows, columns, position - start, file_name=file_name, limits=limits)
            start, rows, columns = position, 0, 0
        position = body + length
    _check_grid(rows, columns, position - start, file_name=file_name, limits=limits)


def _check_grid(rows: int, columns: int, size: int, *, file_name: str, limits: ReadLimits) -> None:
    if rows and columns:
        limits.check_grid(rows, columns, content_bytes=size, file_name=file_name)

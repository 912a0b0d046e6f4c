"""OLE2 containers: xls, and password-protected xlsx.

The compound file's directory is read here to tell an encrypted workbook from an xls, and
each sheet's DIMENSIONS record is checked before calamine reads the file.
"""

from __future__ import annotations

import struct
from pathlib import Path

from psad.imports.reader.errors import _corrupt, _not_a_spreadsheet, _password_protected
from psad.imports.reader.limits import ReadLimits, _check_extent
from psad.imports.reader.sheets import _read_with_calamine
from psad.imports.reader.table import RawTable

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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

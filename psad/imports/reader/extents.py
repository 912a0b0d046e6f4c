"""How far a sheet's values reach, read from its XML before calamine builds the sheet.

calamine builds a sheet as one grid from A1 to its last value (python-calamine fills in the
empty area), and allocates it whole: one value far away, or a repeat count of a million,
makes it ask for gigabytes (and abort the process when the system refuses), or take minutes.
So the grid a sheet will need is measured from its XML first, as calamine places cells:

- xlsx: from each cell's reference (``<c r="AB12">``), or its position when it has none (the
  cell after the previous one, the row after the previous one). Where the sheet declares its
  extent (``<dimension ref="A1:Y100003">``, as Excel, LibreOffice and openpyxl write it) one
  regular-expression pass looks for any cell or row outside it, so that a usual sheet costs
  little more than its decompression; the sheet is parsed element by element only when one
  is found, when it declares nothing, or when it is written in an unusual way.
- ods: from its rows and cells, their repeat counts applied, trailing empty cells and rows
  left out (calamine leaves them out too: LibreOffice repeats an empty cell to the 1,024th
  column and an empty row to the 1,048,576th).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO

from psad.imports.reader.limits import MEBIBYTE

HEAD_BYTES = 64 * 1024

_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_ROW_NUMBER = re.compile(rb'<row [^>]*?\br="(\d{1,7})"')  # a literal start keeps it fast
_FAR_COLUMN = re.compile(rb'<c r="[A-Z]{2}')
_CELL_REFERENCE = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_PREFIX_END = re.compile(rb":(?:c|row)[\s/>]")  # a cheap search: ":" is rare in a sheet
_PREFIXED = re.compile(rb"<\w+:(?:c|row)[\s/>]")
_ELEMENT = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
_REFERENCE = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d*)["\']')


@dataclass(frozen=True)
class Extent:
    """A grid: its last line and last column, counted from 1."""

    rows: int
    columns: int


# --- xlsx --------------------------------------------------------------------------------


def xlsx_declared_extent(head: bytes) -> Extent | None:
    """The extent a sheet declares in its ``<dimension>``, if it does."""
    found = _DIMENSION.search(head)
    if found is None:
        return None
    rows = int(found.group(4) or found.group(2))
    return Extent(rows, column_number(found.group(3) or found.group(1)))


def xlsx_sheet_extent(open_part: Callable[[], IO[bytes]]) -> Extent:
    """The grid the values of one xlsx sheet can reach (``open_part`` opens its XML)."""
    with open_part() as stream:
        head = stream.read(HEAD_BYTES)
        declared = xlsx_declared_extent(head)
        if b"<sheetData" not in head and b"</worksheet>" not in head:
            return xlsx_parsed_extent(open_part)  # a prefixed namespace, or a long preamble
        rows, columns = (declared.rows, declared.columns) if declared else (0, 0)
        for data in _chunks(head, stream):
            if declared is None:
                # Rows from their numbers; columns past Z only where such a reference is.
                rows = max(rows, max(map(int, _ROW_NUMBER.findall(data)), default=0))
                if _FAR_COLUMN.search(data):
                    letters = (letters for letters, _ in _CELL_REFERENCE.findall(data))
                    columns = max(columns, max(map(column_number, letters), default=0))
                elif b"<c" in data:
                    columns = max(columns, 26)  # no reference past column Z in this chunk
            if _outside(rows, columns).search(data) or _is_prefixed(data):
                return xlsx_parsed_extent(open_part)
    return Extent(rows, columns)


def xlsx_parsed_extent(open_part: Callable[[], IO[bytes]]) -> Extent:
    """The grid reached by the cells holding something, parsed one element at a time: a
    cell's reference places it, a cell or a row without one follows the previous one."""
    rows = columns = row = column = 0
    with open_part() as stream:
        for data in _chunks(stream.read(HEAD_BYTES), stream):
            for element in _ELEMENT.finditer(data):
                name, attributes = element.groups()
                reference = _REFERENCE.search(attributes)
                letters, digits = reference.groups() if reference else (b"", b"")
                if name == b"row":
                    row, column = int(digits) if digits else row + 1, 0
                    continue
                column = column_number(letters.upper()) if letters else column + 1
                line = int(digits) if digits else row
                if not attributes.endswith(b"/"):  # an empty cell holds no value
                    rows, columns = max(rows, line), max(columns, column)
    return Extent(rows, columns)


def _is_prefixed(data: bytes) -> bool:
    """Whether a cell or a row is written with a namespace prefix (``<x:c``), which calamine
    reads as well; the cheap search first, the exact one only where it finds something."""
    return bool(_PREFIX_END.search(data)) and bool(_PREFIXED.search(data))


@lru_cache(maxsize=64)
def _outside(rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell or a row whose reference is outside ``rows`` x ``columns``, or written in any
    other way than ``<c r="B2"`` and ``<row r="2"`` (no reference, another attribute first,
    other spaces or quotes): any of them sends the sheet to ``xlsx_parsed_extent``, and so
    does a prefixed element (``_is_prefixed``)."""
    line = _at_most(rows, "0123456789", first="123456789")
    letters = _at_most(columns, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", first="ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return re.compile(
        rb'<(?:c(?! r="(?:' + letters + rb")(?:" + line + rb')")'
        rb'|row(?! r="(?:' + line + rb')"))[\s/>]'
    )


def _at_most(number: int, digits: str, *, first: str) -> bytes:
    """A pattern matching the numerals of 1 to ``number`` in the given digits (``first``:
    the digits a numeral may start with), or nothing at all for 0."""
    if number <= 0:
        return rb"(?!)"
    # Letters are bijective numerals: A = 1, Z = 26, AA = 27.
    numeral = str(number) if digits.startswith("0") else column_letters(number)
    base = f"[{digits[0]}-{digits[-1]}]"
    options = []
    if len(numeral) > 1:
        options.append(f"[{first[0]}-{first[-1]}]{base}{{0,{len(numeral) - 2}}}")
    for index, digit in enumerate(numeral):
        allowed = (first if index == 0 else digits).split(digit)[0]
        if allowed:
            rest = len(numeral) - index - 1
            tail = f"{base}{{{rest}}}" if rest else ""
            options.append(f"{numeral[:index]}[{allowed[0]}-{allowed[-1]}]{tail}")
    options.append(numeral)
    return "|".join(options).encode()


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _chunks(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    """``head`` then the rest of ``stream`` by mebibytes, each chunk cut before its last
    ``<`` and the rest carried to the next one, so that no element is ever cut in two."""
    rest, chunk = b"", head
    while chunk:
        data = rest + chunk
        cut = data.rfind(b"<")
        cut = cut if cut > 0 else len(data)
        yield data[:cut]
        rest = data[cut:]
        chunk = stream.read(MEBIBYTE)
    if rest:
        yield rest


# --- ods ---------------------------------------------------------------------------------

_ODS_ROW_OR_TABLE = re.compile(
    rb"<table:table-row\b([^>]*?)(/?)>|</table:table-row>|<table:table[\s>]", re.S
)
_ODS_REPEATED_CELL = re.compile(
    rb'<table:(?:covered-)?table-cell\b([^>]*?)table:number-columns-repeated="(\d+)"([^>]*?)(/?)>'
)
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_CELL_END = b"</table:table-cell>"


@dataclass
class OdsTable:
    """What one table of an ods needs once calamine has built it."""

    rows: int = 0  # last line holding a value
    columns: int = 0  # last column holding a value
    expanded_bytes: int = 0  # the XML of its filled rows once repeats are applied


class OdsScanner:
    """Fed the content of an ods by chunks, measures each of its tables (``tables``)."""

    def __init__(self) -> None:
        self.tables: list[OdsTable] = []
        self._table = OdsTable()
        self._line = 0
        self._row: tuple[int, bytes] | None = None  # repeats, and the row's XML so far
        self._rest = b""

    def feed(self, chunk: bytes) -> None:
        data = self._rest + chunk
        position = 0
        for found in _ODS_ROW_OR_TABLE.finditer(data):
            if self._row is not None:
                repeats, content = self._row
                self._row = repeats, content + data[position : found.start()]
            position = found.end()
            tag = found.group(0)
            if tag.startswith(b"<table:table-row"):
                if self._row is not None:  # rows in a row (a table in a cell): one more row
                    self._end_row(*self._row)
                    self._row = None
                repeats = _repeats(_ODS_ROWS_REPEATED, found.group(1))
                if found.group(2):  # an empty row
                    self._line += repeats
                else:
                    self._row = repeats, b""
            elif tag == b"</table:table-row>":
                if self._row is not None:
                    self._end_row(*self._row)
                    self._row = None
            elif self._row is None:  # a table in a cell counts in the table it is in
                self._start_table()
        # Keep what follows the last tag found, cut before a tag that may be incomplete.
        rest = data[position:]
        cut = rest.rfind(b"<")
        if self._row is not None:
            repeats, content = self._row
            self._row = repeats, content + (rest[:cut] if cut >= 0 else rest)
            self._rest = rest[cut:] if cut >= 0 else b""
        else:
            self._rest = rest[cut:] if cut >= 0 else b""

    def close(self) -> list[OdsTable]:
        self._start_table()
        return self.tables

    def _start_table(self) -> None:
        if self._line or self._table.rows:
            self.tables.append(self._table)
        self._table, self._line = OdsTable(), 0

    def _end_row(self, repeats: int, content: bytes) -> None:
        start = self._line
        self._line += repeats
        filled = _filled_part(content)
        if not filled:
            return
        width = filled.count(b"<table:table-cell") + filled.count(b"<table:covered-table-cell")
        extra_bytes = 0
        repeated = _ODS_REPEATED_CELL.finditer(filled) if b"columns-repeated" in filled else ()
        for cell in repeated:
            count = _repeats_of(cell.group(2))
            width += count - 1
            if not cell.group(4) or b"value-type" in cell.group(1) + cell.group(3):
                end = filled.find(_ODS_CELL_END, cell.end())
                size = (end if end >= 0 else len(filled)) - cell.start()
                extra_bytes += (count - 1) * size
        table = self._table
        table.rows = start + repeats
        table.columns = max(table.columns, width)
        table.expanded_bytes += (len(filled) + extra_bytes) * repeats


def _filled_part(row: bytes) -> bytes:
    """A row's XML up to its last cell holding something (a cell with content, or a value
    in its attributes); empty if none does."""
    end = row.rfind(_ODS_CELL_END)
    end = end + len(_ODS_CELL_END) if end >= 0 else 0
    valued = row.rfind(b"value-type")
    if valued >= end:
        close = row.find(b">", valued)
        end = close + 1 if close >= 0 else len(row)
    return row[:end]


def _repeats(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return _repeats_of(found.group(1)) if found else 1


def _repeats_of(digits: bytes) -> int:
    return max(1, int(digits[:12]))

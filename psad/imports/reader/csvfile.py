"""CSV files: encoding, delimiter and Excel's leading-zero trick recognised from the text."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

from psad.imports.collector import collector_paused
from psad.imports.reader.errors import (
    RESAVE,
    CellTooLongError,
    CorruptFileError,
    EmptyFileError,
    NotASpreadsheetError,
)
from psad.imports.reader.limits import ReadLimits, thousands
from psad.imports.reader.table import RawTable, filled_rows

CSV_DELIMITERS = (";", "\t", ",")
CSV_SAMPLE_CHARS = 64 * 1024
CSV_SAMPLE_ROWS = 50


def read_csv(path: Path, *, file_name: str, limits: ReadLimits) -> RawTable:
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
        records = limits.counted(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), file_name=file_name
        )
        with collector_paused():
            rows = filled_rows(_unwrap_excel_text(record) for record in records)
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):
            raise _cell_too_long(text, delimiter, file_name=file_name) from exc
        raise CorruptFileError.for_file(file_name) from exc
    limits.check_width(rows, file_name=file_name)
    if not rows:
        raise EmptyFileError.for_file(file_name)
    return RawTable(file_name=file_name, format="csv", sheet_name=None, rows=rows)


def _decode_text(data: bytes, *, file_name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise NotASpreadsheetError.for_file(file_name, None) from exc
    if b"\x00" in data[:8192]:
        raise NotASpreadsheetError.for_file(file_name, None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    controls = sum(1 for char in sample if char < " " and char not in "\t\r\n\f")
    if controls * 100 > len(sample):
        raise NotASpreadsheetError.for_file(file_name, None)
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


def _cell_too_long(text: str, delimiter: str, *, file_name: str) -> CellTooLongError:
    """Name the cell the csv module refused as too long: its line as the spreadsheet counts
    (records, whatever line breaks their cells hold) and its column.

    Only on this error path is the text read again, to find where that record starts.
    """
    limit = csv.field_size_limit()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = text_lines = 0
    try:
        for _ in reader:
            records, text_lines = records + 1, reader.line_num
    except csv.Error:
        pass
    lines = itertools.islice(io.StringIO(text, newline=""), text_lines)
    start = sum(len(line) for line in lines)
    column = _long_field_column(text, start, delimiter=delimiter, limit=limit)
    where = f"ligne {records + 1}" + (f", colonne {_column_letter(column)}" if column else "")
    return CellTooLongError(
        f"Le fichier « {file_name} » contient une cellule trop longue, {where} : plus de "
        f'{thousands(limit)} caractères (un guillemet " resté ouvert y fait entrer toute la '
        "suite du fichier). Corrigez cette cellule puis réessayez."
    )


def _long_field_column(text: str, start: int, *, delimiter: str, limit: int) -> int | None:
    """The column (from 1) of the first cell longer than ``limit`` in the record beginning at
    ``start``, split as the csv module splits it: a cell opening with a quote runs to the
    closing quote (a doubled quote is one character). None if the record has no such cell.
    """
    field_end = re.compile(f"[{re.escape(delimiter)}\r\n]")
    column, position, end = 1, start, len(text)
    while True:
        length = 0
        if text.startswith('"', position):
            position += 1
            while True:
                close = text.find('"', position)
                if close == -1:  # never closed: the cell runs to the end of the file
                    length, position = length + end - position, end
                    break
                length += close - position
                if not text.startswith('"', close + 1):
                    position = close + 1
                    break
                length, position = length + 1, close + 2  # a doubled quote
        stop = field_end.search(text, position)
        after = stop.start() if stop else end
        length, position = length + after - position, after
        if length > limit:
            return column
        if position >= end or text[position] != delimiter:
            return None
        column, position = column + 1, position + 1


def _column_letter(number: int) -> str:
    """A column as the spreadsheet names it: 1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

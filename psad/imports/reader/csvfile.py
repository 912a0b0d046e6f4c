"""CSV files: encoding, delimiter and Excel's leading-zero trick recognised from the text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from psad.imports.reader.errors import (
    RESAVE,
    NotASpreadsheetError,
    _corrupt,
    _empty,
    _not_a_spreadsheet,
)
from psad.imports.reader.limits import ReadLimits, _limited
from psad.imports.reader.table import RawTable, _collector_paused, _filled_rows

CSV_DELIMITERS = (";", "\t", ",")
CSV_SAMPLE_CHARS = 64 * 1024
CSV_SAMPLE_ROWS = 50


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

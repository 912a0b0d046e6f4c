"""Spreadsheets whose header names each column: the vacant places' files and the communes'.

The lists' reader (``psad.imports.reader``: xlsx, xls, ods or csv) gives the rows; the header
is found among the first lines by folded synonyms (« Nb. de places », « nombre de places »),
so that a file keeps the words its author chose. ``SheetError`` lists every wrong cell, in
French, with its file, line and column (``HeadedTable.where``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from psad.errors import DomainError
from psad.imports.reader import CellValue, ReadLimits, Row, read_table
from psad.imports.reader.limits import DEFAULT_LIMITS
from psad.youth.identifiers import clean_text, fold

HEADER_SEARCH_LINES = 20  # the header is looked for among the first filled lines
ERRORS_IN_MESSAGE = 5


def header_key(text: object) -> str:
    """A header as synonyms compare it: « Nb. de places » → « nbdeplaces »."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


class SheetError(DomainError):
    """A file whose header or cells are wrong; ``problems`` lists each one, in French."""

    status_code = 422

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(self.problems[:ERRORS_IN_MESSAGE])
        more = len(self.problems) - ERRORS_IN_MESSAGE
        suffix = f"\n… et {more} autre(s) erreur(s)." if more > 0 else ""
        super().__init__(f"{shown}{suffix}")


@dataclass(frozen=True)
class HeadedTable:
    """The rows under a header, and where each field's column is."""

    file_name: str
    columns: dict[str, tuple[int, str]]  # field → (index, header as the file writes it)
    rows: list[Row]

    def cell(self, cells: Sequence[CellValue], field: str) -> CellValue:
        index = self.columns.get(field, (-1, ""))[0]
        return cells[index] if 0 <= index < len(cells) else None

    def where(self, line: int, field: str) -> str:
        """« places-vacantes.xlsx, ligne 4, colonne « Nombre de places » »."""
        return f"{self.file_name}, ligne {line}, colonne « {self.columns[field][1]} »"


def read_headed(
    path: Path,
    *,
    file_name: str,
    synonyms: Mapping[str, Sequence[str]],
    required: Mapping[str, str],
    limits: ReadLimits = DEFAULT_LIMITS,
) -> HeadedTable:
    """Read a spreadsheet whose header names each field by one of its ``synonyms``.

    ``required`` gives the fields the header must have, with the label that names them in
    the message when it lacks one. Raises ``UnreadableFileError`` or ``SheetError``."""
    table = read_table(path, file_name=file_name, limits=limits)
    keys = {header_key(name): field for field, names in synonyms.items() for name in names}
    for position, (_line, cells) in enumerate(table.rows[:HEADER_SEARCH_LINES]):
        columns: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(cells):
            field = keys.get(header_key(cell))
            if field is not None and field not in columns:
                columns[field] = (index, clean_text(cell) or "")
        if all(field in columns for field in required):
            return HeadedTable(file_name, columns, table.rows[position + 1 :])
    expected = ", ".join(f"« {label} »" for label in required.values())
    raise SheetError(
        [
            f"{file_name} : ligne d'en-tête introuvable parmi les {HEADER_SEARCH_LINES} "
            f"premières lignes ; les colonnes {expected} sont attendues."
        ]
    )

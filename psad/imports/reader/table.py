"""The rows of one sheet: cell values, numbered filled rows, and the table they make."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeAlias

CellValue: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
Row: TypeAlias = tuple[int, list[CellValue]]


@dataclass(frozen=True)
class RawTable:
    """The filled rows of one sheet, each with its line number as the spreadsheet shows it."""

    file_name: str
    format: str
    sheet_name: str | None
    rows: list[Row]


def consumed(rows: list[Any]) -> Iterator[Sequence[Any]]:
    """Yield the rows of ``rows`` and forget each one, so that only one copy is in memory."""
    for index, row in enumerate(rows):
        rows[index] = None
        yield row


def filled_rows(rows: Iterable[Sequence[Any]]) -> list[Row]:
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

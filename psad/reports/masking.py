"""Small counts hidden from readers outside the PSAD, so that no youth can be singled out.

The regional view sets the PSADs side by side (one column each, then the total) for every
indicator; a breakdown adds one line per category. Every count under ``THRESHOLD`` is shown
« < 5 » (0 included). A masked cell must not be found back by subtraction: in a line or a
column of counts holding exactly one masked cell, the smallest cell still shown is masked too
(complementary suppression), until no line or column has a single masked cell. The total
counts a youth followed by two PSADs once: when it differs from the sum of the PSADs by less
than ``THRESHOLD`` (a youth or two moved between them), the difference would single them
out, and the total is masked (then a PSAD's cell beside it). A median or a share is not
added up: it is masked when the number of youth it is computed on is under ``THRESHOLD``; a
share also when the youth on either side of it number under ``THRESHOLD`` (80 % of 5
interviews on time names the one late).

Pure functions on ``Value`` and ``Row``: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from psad.reports.figures import Computed, Row, Unit, Value

THRESHOLD = 5
MASKED = f"< {THRESHOLD}"
ADDITIVE = (Unit.YOUTH, Unit.COUNT)


@dataclass(frozen=True)
class Cell:
    """A value as a reader may see it: ``masked`` cells show ``MASKED``, never the number."""

    value: Value
    masked: bool

    @property
    def number(self) -> int | float | None:
        return None if self.masked else self.value.number


@dataclass(frozen=True)
class Line:
    """One line of the regional table: an indicator (``key`` None) or one category of a
    breakdown, with one cell per PSAD and the total last."""

    key: str | None
    label: str
    cells: list[Cell]


def too_small(value: Value, unit: Unit) -> bool:
    """A count under the threshold (0 and an unknown count included); a median or a share
    computed on fewer youth than the threshold (or on an unknown number of them); a share
    whose youth counted, or not counted, are fewer than the threshold."""
    if unit in ADDITIVE:
        return value.number is None or value.number < THRESHOLD
    if value.base is None or value.base < THRESHOLD:
        return True
    if unit is Unit.PERCENT:
        if value.number is None:
            return True
        inside = round(value.number * value.base / 100)
        return min(inside, value.base - inside) < THRESHOLD
    return False


def mask_table(
    table: Sequence[Sequence[Value]], unit: Unit, *, total_last: bool = False
) -> list[list[Cell]]:
    """Mask a table of values (lines × columns, every line as long): small values, then, for
    counts, the totals (``total_last``: each line's last cell) that differ from the sum of
    the line by a small count, then the complementary cells, line by line and column by
    column until it holds."""
    masked = [[too_small(value, unit) for value in line] for line in table]
    if unit in ADDITIVE:
        numbers = [[value.number or 0 for value in line] for line in table]
        if total_last:
            _mask_revealing_totals(numbers, masked)
        _suppress(numbers, masked)
    return [
        [Cell(value, hidden) for value, hidden in zip(line, hidden_line, strict=True)]
        for line, hidden_line in zip(table, masked, strict=True)
    ]


def mask_line(values: Sequence[Value], unit: Unit, *, total_last: bool = False) -> list[Cell]:
    """One line of values (the PSADs, then, ``total_last``, their total)."""
    return mask_table([values], unit, total_last=total_last)[0]


def _mask_revealing_totals(numbers: list[list[int | float]], masked: list[list[bool]]) -> None:
    """In place: a line shown whole whose total is not the sum of the other cells, by less
    than the threshold, has its total masked (the difference counts youth too)."""
    for line, hidden in zip(numbers, masked, strict=True):
        if len(line) < 2 or any(hidden):
            continue
        gap = sum(line[:-1]) - line[-1]
        if gap and abs(gap) < THRESHOLD:
            hidden[-1] = True


def _suppress(numbers: list[list[int | float]], masked: list[list[bool]]) -> None:
    """Complementary suppression, in place: while a line or a column has exactly one masked
    cell and another one shown, mask the smallest shown (the first of equals)."""
    width = len(numbers[0]) if numbers else 0
    lines = [[(i, j) for j in range(width)] for i in range(len(numbers))]
    columns = [[(i, j) for i in range(len(numbers))] for j in range(width)]
    changed = True
    while changed:
        changed = False
        for places in [*lines, *columns]:
            hidden = [place for place in places if masked[place[0]][place[1]]]
            shown = [place for place in places if not masked[place[0]][place[1]]]
            if len(hidden) == 1 and shown:
                i, j = min(shown, key=lambda place: numbers[place[0]][place[1]])
                masked[i][j] = True
                changed = True


def regional_lines(unit: Unit, columns: Sequence[Computed], *, label: str) -> list[Line]:
    """The lines of one indicator across ``columns`` (each PSAD's value, then the total's):
    one line for a single figure (``label``), one per category for a breakdown, in the
    order of the first column that has each category; a category a PSAD lacks counts 0."""
    if not any(isinstance(column, list) for column in columns):
        values = [column if isinstance(column, Value) else Value(None) for column in columns]
        return [Line(None, label, mask_line(values, unit, total_last=True))]
    rows = [column if isinstance(column, list) else [] for column in columns]
    labels: dict[str, str] = {}
    for column in rows:
        for row in column:
            labels.setdefault(row.key, row.label)
    table = [[_value_of(column, key, unit) for column in rows] for key in labels]
    masked = mask_table(table, unit, total_last=True) if table else []
    return [Line(key, labels[key], cells) for key, cells in zip(labels, masked, strict=True)]


def _value_of(rows: list[Row], key: str, unit: Unit) -> Value:
    for row in rows:
        if row.key == key:
            return row.value
    return Value(0, 0) if unit in ADDITIVE else Value(None, 0)

"""From one spreadsheet row to the values of a youth, with the row's errors and warnings.

Only the identity columns can reject a row (no last name, no first name, neither an INE
nor a valid birth date, younger than the minimum age). Any other value that cannot be read
is a warning (``cells``), and that cell is left empty.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from psad.imports.checking.cells import CellCheck, check_for
from psad.imports.checking.problems import Problem, ProblemLevel
from psad.imports.fields import FIELDS, GUARDIAN_FIELDS, IDENTITY_FIELDS
from psad.youth import identifiers as ids

SEEN_VALUES = 4096


class _Column(NamedTuple):
    """How one mapped column is read: its position among the mapped values, the field it
    fills (the guardian's when ``guardian`` is true), the check of its cells, its label in
    messages, and the results for the values already met in it. A tuple, unpacked in the
    loop over 2.5 million cells."""

    position: int
    field: str
    guardian: bool
    check: CellCheck
    label: str
    seen: dict[object, tuple[Any, str | None]]


@dataclass(slots=True)
class ParsedRow:
    line: int
    cells: list[Any]
    row_hash: str
    youth: dict[str, Any] = field(default_factory=dict)
    guardian: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    merged_lines: list[int] = field(default_factory=list)
    identity_key: str | None = None
    # The youth an identical row was listed for by an earlier import of this PSAD: such a row
    # is not checked again (see ``RowParser.parse``), and its listing keeps no JSON (that
    # youth's earlier listing with the same fingerprint has it).
    known_youth_id: int | None = None
    row_json: str = ""
    # True once an error is found: the row will not be imported.
    rejected: bool = False
    # While the row is read in two steps (``RowParser.begin`` then ``finish``): the warnings
    # on cells, with their column's position, put back in column order at the end.
    cell_problems: list[tuple[int, Problem]] = field(default_factory=list)

    def refresh_identity(self) -> None:
        youth = self.youth
        self.identity_key = ids.identity_key(
            youth.get("last_name"), youth.get("first_name"), youth.get("birth_date")
        )

    def keep_as_read(self) -> None:
        """Keep the row as read in JSON (a listing stores it); drop the cells."""
        if not self.row_json and self.known_youth_id is None:
            self.row_json = _ROW_JSON.encode(self.cells)
        if not self.rejected:
            self.cells = []

    def forget_values(self) -> None:
        """Drop the values once written: a large list would otherwise hold them all until
        the end, and the report needs only the problems."""
        self.youth = {}
        self.guardian = {}

    @property
    def ine(self) -> str | None:
        value: str | None = self.youth.get("ine")
        return value

    def reason(self) -> str:
        return " ; ".join(p.message for p in self.problems if p.level is ProblemLevel.ERROR)


# One encoder for every row (``json.dumps`` with options builds one at each call). ASCII with
# \u escapes: an accent would otherwise make Python hold the whole string at 2 bytes a
# character, and a list keeps 100,000 of them until it is written.
_ROW_JSON = json.JSONEncoder(default=str)


class RowParser:
    """Parses the rows of one list with one column mapping."""

    def __init__(
        self,
        mapping: dict[str, int],
        headers: Sequence[str],
        *,
        today: date,
        min_age: int,
        max_age: int,
    ) -> None:
        self.mapping = dict(sorted(mapping.items(), key=lambda item: item[1]))
        self.today = today
        self.min_age = min_age
        self.max_age = max_age
        self.columns = {
            name: f"{get_column_letter(index + 1)} « {headers[index] if index < len(headers) else FIELDS.get(name, name)} »"  # noqa: E501
            for name, index in self.mapping.items()
        }

        self.indexes = list(self.mapping.values())
        self._width = max(self.indexes, default=-1) + 1
        self._pick = operator.itemgetter(*self.indexes) if len(self.indexes) > 1 else None
        self._mapping_key = repr(list(self.mapping.items()))
        # Per column, the result for each value already met: communes, schools, formations
        # and dates repeat from row to row (at most SEEN_VALUES kept per column).
        self.seen: list[dict[object, tuple[Any, str | None]]] = [{} for _ in self.mapping]
        plan = [
            _Column(
                position,
                GUARDIAN_FIELDS.get(name, name),
                name in GUARDIAN_FIELDS,
                check_for(name),
                self.column(name),
                self.seen[position],
            )
            for position, name in enumerate(self.mapping)
        ]
        identity = [not c.guardian and c.field in IDENTITY_FIELDS for c in plan]
        self.identity_plan = [c for c, chosen in zip(plan, identity, strict=True) if chosen]
        self.other_plan = [c for c, chosen in zip(plan, identity, strict=True) if not chosen]

    def column(self, name: str) -> str:
        return self.columns.get(name) or FIELDS.get(name, name)

    def as_read(self, cells: list[Any]) -> tuple[str, str]:
        """The row as read, in JSON (what its listing keeps), and its fingerprint.

        The fingerprint is that of the JSON with the column mapping: a re-imported row is
        recognised when every cell is the same and read into the same fields. Only the
        fingerprint is kept while a list is analysed: the JSON of a row to check is made
        again once it is checked, and a row listed identically before needs none.
        """
        if cells and cells[-1] is None:  # as the reader gives them: no empty cell at the end
            cells = cells[:]
            while cells and cells[-1] is None:
                cells.pop()
        text = _ROW_JSON.encode(cells)
        digest = hashlib.sha1((self._mapping_key + text).encode(), usedforsecurity=False)
        return text, digest.hexdigest()

    def fingerprint(self, cells: list[Any]) -> str:
        return self.as_read(cells)[1]

    def _values(self, cells: list[Any]) -> tuple[Any, ...]:
        """The mapped cells, in the order of ``self.indexes`` (None past the row's end)."""
        if len(cells) < self._width:
            cells = [*cells, *([None] * (self._width - len(cells)))]
        if self._pick is None:
            return tuple(cells[index] for index in self.indexes)
        values: tuple[Any, ...] = self._pick(cells)
        return values

    def parse(
        self,
        line: int,
        cells: list[Any],
        known_youth_id: int | None = None,
        fingerprint: str | None = None,
    ) -> ParsedRow:
        """Check one row; a row listed identically before is taken as is, for its youth."""
        row = self.begin(line, cells, known_youth_id, fingerprint)
        self.finish(row)
        return row

    def begin(
        self,
        line: int,
        cells: list[Any],
        known_youth_id: int | None = None,
        fingerprint: str | None = None,
    ) -> ParsedRow:
        """First step: the identity columns, enough to tell whether the row is rejected and
        which other rows are the same youth. ``finish`` reads the rest."""
        row = ParsedRow(line=line, cells=cells, row_hash=fingerprint or self.fingerprint(cells))
        if known_youth_id is not None:
            row.known_youth_id = known_youth_id
            row.cells = []  # its fingerprint is all it needs
            return row
        self._read(row, self.identity_plan)
        self._check_identity(row)
        row.refresh_identity()
        return row

    def finish(self, row: ParsedRow) -> None:
        """Second step: the other columns and the dates; the row's problems in column order,
        then those of its identity and dates; the cells are kept as JSON."""
        if row.known_youth_id is None:
            identity_problems = row.problems
            row.problems = []
            self._read(row, self.other_plan)
            row.cell_problems.sort(key=lambda entry: entry[0])
            row.problems = [problem for _, problem in row.cell_problems]
            row.problems.extend(identity_problems)
            row.cell_problems = []
            self._check_dates(row)
        row.keep_as_read()

    def _read(self, row: ParsedRow, plan: list[_Column]) -> None:
        raw = self._values(row.cells)
        line = row.line
        problems = row.cell_problems
        youth = row.youth
        guardian = row.guardian
        for position, name, for_guardian, check, label, seen in plan:
            value = raw[position]
            if value is None or value == "":
                continue
            # 1, 1.0 and True are equal keys: only texts are their own key
            key = value if type(value) is str else (type(value), value)
            result = seen.get(key)
            if result is None:
                result = check(value)
                if len(seen) < SEEN_VALUES:
                    seen[key] = result
            checked, message = result
            if message:
                problems.append((position, Problem(line, ProblemLevel.WARNING, message, label)))
            if checked is not None:
                (guardian if for_guardian else youth)[name] = checked

    def _check_identity(self, row: ParsedRow) -> None:
        youth = row.youth

        def error(name: str, message: str) -> None:
            row.problems.append(Problem(row.line, ProblemLevel.ERROR, message, self.column(name)))
            row.rejected = True

        if not youth.get("last_name"):
            error("last_name", "Nom manquant")
        if not youth.get("first_name"):
            error("first_name", "Prénom manquant")
        birth = youth.get("birth_date")
        if not youth.get("ine") and birth is None:
            error(
                "birth_date",
                "Ni INE ni date de naissance valide : impossible d'identifier le jeune",
            )
        if birth is None:
            return
        age = ids.age_on(birth, self.today)
        if age < 0 or birth > self.today:
            error("birth_date", f"Date de naissance {birth:%d/%m/%Y} dans le futur")
        elif age < self.min_age:
            error(
                "birth_date",
                f"Jeune de moins de {self.min_age} ans ({age} ans) : hors du champ des listes",
            )
        elif age > self.max_age:
            row.problems.append(
                Problem(
                    row.line,
                    ProblemLevel.WARNING,
                    f"Jeune de plus de {self.max_age} ans ({age} ans)",
                    self.column("birth_date"),
                )
            )

    def _check_dates(self, row: ParsedRow) -> None:
        youth = row.youth
        birth = youth.get("birth_date")
        for name in ("school_entry_date", "school_exit_date"):
            value = youth.get(name)
            if value is None:
                continue
            if value > self.today or (birth is not None and value <= birth):
                row.problems.append(
                    Problem(
                        row.line,
                        ProblemLevel.WARNING,
                        f"Date {value:%d/%m/%Y} impossible : cellule ignorée",
                        self.column(name),
                    )
                )
                del youth[name]

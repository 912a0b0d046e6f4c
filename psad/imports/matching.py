"""Step 4 of an import: which known youth each checked row is.

A row is matched to the youth an identical row was listed for before (``known_youth_id``),
else by INE, else by identity key (folded names and birth date) when the INEs do not
contradict; this PSAD's youth first. Only ids and keys are read here: the writer reads the
full records of the youth whose values it compares, and reports a youth of another PSAD as
a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, NamedTuple

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from psad.imports.checking import ParsedRow
from psad.youth.models import Case, CaseStatus, Youth


class Match(NamedTuple):
    id: int
    psad_id: int
    ine: str | None
    identity_key: str | None
    row_hash: str | None  # of the youth's latest listing
    has_open_case: bool


class YouthMatcher:
    """Finds the known youth of the rows of one list, chunk by chunk."""

    def __init__(self, session: Session, psad_id: int, known_ids: set[int]) -> None:
        self.session = session
        self.psad_id = psad_id
        # The youth rows listed identically before were listed for, looked up once for the
        # whole list: a re-import would otherwise join the open cases again for every chunk.
        self._known_ids = known_ids
        self._known: dict[int, Match] | None = None

    def match(self, rows: list[ParsedRow]) -> dict[int, Match]:
        """Each row's known youth, by line: listed identical before, else INE, else identity."""
        listed = {row.known_youth_id for row in rows if row.known_youth_id is not None}
        ines = {row.ine for row in rows if row.ine and row.known_youth_id is None}
        keys = {row.identity_key for row in rows if row.identity_key and row.known_youth_id is None}
        by_id = self._known_youth(listed)
        by_ine: dict[str, Match] = {}
        by_key: dict[str, Match] = {}
        for found in self._find("youths.ine", ines):
            by_ine.setdefault(found.ine or "", found)
        for found in self._find("youths.identity_key", keys):
            by_key.setdefault(found.identity_key or "", found)
        matches: dict[int, Match] = {}
        for row in rows:
            match: Match | None = None
            if row.known_youth_id is not None:
                match = by_id.get(row.known_youth_id)
            elif row.ine and row.ine in by_ine:
                match = by_ine[row.ine]
            elif row.identity_key and row.identity_key in by_key:
                candidate = by_key[row.identity_key]
                if not (row.ine and candidate.ine and candidate.ine != row.ine):
                    match = candidate
            if match is not None:
                matches[row.line] = match
        return matches

    def _known_youth(self, ids: set[int]) -> dict[int, Match]:
        """The youth of ``ids``, read with those of every known row on the first call."""
        if self._known is None:
            found = self._find("youths.id", self._known_ids, by_id=True)
            self._known = {match.id: match for match in found}
        missing = ids - self._known.keys() - self._known_ids  # only if not announced
        if missing:
            found = self._find("youths.id", missing, by_id=True)
            self._known.update((match.id, match) for match in found)
        return self._known

    def _find(self, column: str, values: set[Any], *, by_id: bool = False) -> list[Match]:
        """Youth whose ``column`` is one of ``values``, this PSAD's first, then by id (ids
        are unique: no order then).

        The open case is probed youth by youth (one index entry each): a join would hash
        every open case of the installation for each chunk's handful of new INEs.
        """
        if not values:
            return []
        youths, cases = Youth.__table__.c, Case.__table__.c
        open_case = (
            select(cases.id)
            .where(cases.youth_id == youths.id, cases.status == CaseStatus.OPEN)
            .exists()
        )
        query = select(
            youths.id,
            youths.psad_id,
            youths.ine,
            youths.identity_key,
            youths.last_row_hash,
            open_case,
        ).where(among(self.session, column, values))
        if not by_id:
            query = query.order_by(youths.psad_id != self.psad_id, youths.id)
        return [Match(*record) for record in self.session.execute(query).all()]


def among(
    session: Session, column: str, values: Collection[Any], name: str = "values"
) -> TextClause:
    """``column IN values`` with one bound parameter, however many the values.

    A JSON array read by ``json_each`` on SQLite, an array literal on PostgreSQL: both use
    the column's index, and neither compiles one placeholder per value (with 100,000 values,
    SQLAlchemy spends seconds naming placeholders). The values are all integers or all text.
    """
    if session.get_bind().dialect.name == "postgresql":
        # a semi-join on the unnested array: a plan that psycopg has prepared (from the fifth
        # run on) still looks the values up through the index, where ``= ANY(...)`` fell
        # back to scanning the table against the whole array, row after row
        literal, kind = _pg_array(values)
        return text(f"{column} IN (SELECT unnest(CAST(:{name} AS {kind}[])))").bindparams(
            **{name: literal}
        )
    # the column is the code's own; the values are bound
    return text(f"{column} IN (SELECT value FROM json_each(:{name}))").bindparams(  # nosec B608
        **{name: json.dumps(list(values))}
    )


def _pg_array(values: Collection[Any]) -> tuple[str, str]:
    """PostgreSQL's text form of an array of ``values``, and its element type.

    Written here in one pass: psycopg adapts a Python list element by element, which costs
    more than the query on a large list.
    """
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}", "bigint"
    quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
    return "{" + ",".join(quoted) + "}", "text"

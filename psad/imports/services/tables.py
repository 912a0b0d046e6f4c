"""The tables an import fills in bulk, their columns, and the ids of their new rows."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any, cast

from sqlalchemy import Table, TextClause, func, select, text
from sqlalchemy.orm import Session

from psad.imports.models import Listing
from psad.imports.profiles import FIELDS
from psad.youth.models import Case, Guardian, Youth

YOUTHS = cast(Table, Youth.__table__)
CASES = cast(Table, Case.__table__)
LISTINGS = cast(Table, Listing.__table__)
GUARDIANS = cast(Table, Guardian.__table__)
COMPARED = [name for name in FIELDS if not name.startswith("guardian_")]


GUARDIAN_COLUMNS = ("youth_id", "last_name", "first_name", "phone", "email", "address")
LISTING_COLUMNS = ("batch_id", "youth_id", "line", "outcome", "row_hash", "row_json")
CASE_COLUMNS = (
    "youth_id",
    "psad_id",
    "status",
    "source",
    "source_detail",
    "source_batch_id",
    "opened_on",
    "opened_by_id",
    "created_at",
)
YOUTH_EXTRA_COLUMNS = (
    "id",
    "psad_id",
    "search_key",
    "identity_key",
    "last_row_hash",
    "created_at",
    "updated_at",
)


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
    return text(f"{column} IN (SELECT value FROM json_each(:{name}))").bindparams(
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


def _slices(values: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, so that they are inserted in one executemany.

    PostgreSQL hands them out from the table's sequence. On SQLite the import holds the
    write lock (``lock_psad_imports``), so nobody else inserts meanwhile: the next ids are
    those after the largest one.
    """
    if session.get_bind().dialect.name == "postgresql":
        # one text value rather than ``count`` rows: much cheaper to fetch
        ids = session.scalar(
            text(
                "SELECT string_agg(nextval(pg_get_serial_sequence(:table, 'id'))::text, ',') "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": count},
        )
        return [int(value) for value in ids.split(",")] if count else []
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))

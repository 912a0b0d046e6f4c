"""The tables an import fills in bulk, their columns, and the ids of their new rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import Table, func, select, text
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
YOUTH_EXTRA_COLUMNS = ("id", "psad_id", "search_key", "identity_key", "created_at", "updated_at")


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
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": count},
            )
        )
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))

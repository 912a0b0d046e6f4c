"""Inserting many rows at once, below the ORM: COPY on PostgreSQL, executemany on SQLite.

A list of 100,000 youth means about 400,000 new rows (youth, cases, listings, guardians).
SQLAlchemy's executemany spends most of its time building parameters row by row; here each
value goes through the column type's own bind processor (so dates, instants and enums are
stored exactly as the ORM stores them), then straight to the driver.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session
from sqlalchemy.sql import sqltypes


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, in this transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        _copy(connection, table, columns, rows)
        return
    by_column = [list(values) for values in zip(*rows, strict=True)]
    for position, name in enumerate(columns):
        process = _processor(table, name, dialect)
        if process is None:
            continue
        values = by_column[position]
        if values.count(values[0]) == len(values):  # one value for all rows (batch id, now...)
            by_column[position] = [process(values[0])] * len(values)
        else:
            by_column[position] = [process(value) for value in values]
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(zip(*by_column, strict=True))
    )


def _processor(table: Table, name: str, dialect: Any) -> Callable[[Any], Any] | None:
    """What turns a Python value into what the driver stores, or None when nothing does."""
    column_type = table.c[name].type
    bind = column_type._cached_bind_processor(dialect)
    if bind is not None:
        return lambda value: None if value is None else bind(value)
    if isinstance(column_type, sqltypes.Enum):
        return _enum_value
    return None


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _copy(
    connection: Any, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """COPY FROM STDIN through psycopg 3, which adapts dates, instants and text itself."""
    raw = connection.connection.driver_connection
    names = ", ".join(columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_enum_value(value) for value in row])

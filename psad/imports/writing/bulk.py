"""Inserting many rows at once, below the ORM: COPY on PostgreSQL, executemany on SQLite;
and the ids of those rows, allocated beforehand.

A list of 100,000 youth means about 400,000 new rows (youth, cases, listings, guardians).
SQLAlchemy's executemany spends most of its time building parameters row by row; here each
value goes through the column type's own bind processor (so dates, instants and enums are
stored exactly as the ORM stores them), then straight to the driver.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import sqltypes

Processor = Callable[[Any], Any]


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, in this transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    postgresql = dialect.name == "postgresql"
    first = rows[0]
    processors = [
        (position, process)
        for position, name in enumerate(columns)
        if (process := _processor(table, name, dialect, first[position], postgresql=postgresql))
        is not None
    ]
    if processors:
        by_column: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for position, process in processors:
            by_column[position] = _processed(by_column[position], process)
        rows = list(zip(*by_column, strict=True))
    names = ", ".join(columns)
    if postgresql:
        raw = connection.connection.driver_connection
        statement = f"COPY {table.name} ({names}) FROM STDIN"
        types = [_pg_type(table.c[name].type) for name in columns]
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                if None not in types:
                    copy.set_types(types)  # one adapter per column, not one look-up per value
                for row in rows:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it for a statement
            raise DBAPIError.instance(
                statement, None, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        return
    marks = ", ".join("?" for _ in columns)
    # table and column names come from the ORM's metadata; the values are bound
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)  # nosec B608


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


def _processed(values: Iterable[Any], process: Processor) -> list[Any]:
    """``process`` applied to each value, once per distinct value (dates and enums repeat)."""
    done: dict[Any, Any] = {None: None}
    result: list[Any] = []
    append = result.append
    for value in values:
        try:
            append(done[value])
        except KeyError:
            done[value] = stored = process(value)
            append(stored)
    return result


def _processor(
    table: Table, name: str, dialect: Any, sample: Any, *, postgresql: bool
) -> Processor | None:
    """What turns a Python value into what the driver stores, or None when nothing needs to.

    psycopg adapts dates and instants itself in a COPY; only enums (stored by value) and the
    application's own column types need converting there. Text needs no converting, and a
    ``StrEnum`` member is text (its value): psycopg writes it as such at C speed, but sqlite3
    binds a ``str`` subclass value by value, slower than converting each distinct member
    once. ``sample``, the column's first value, tells which the rows hold (the writer passes
    plain values where it can).
    """
    column_type = table.c[name].type
    if isinstance(column_type, sqltypes.Enum):
        as_is = isinstance(sample, str) and (postgresql or type(sample) is str)
        return None if as_is else _enum_value
    if postgresql and isinstance(column_type, (sqltypes.Date, sqltypes.String)):
        return None
    bind = column_type._cached_bind_processor(dialect)
    return bind


def _pg_type(column_type: Any) -> str | None:
    """The PostgreSQL type psycopg should write a column's values as, when it is plain."""
    if isinstance(column_type, sqltypes.TypeDecorator):
        column_type = column_type.impl_instance
    for kind, name in _PG_TYPES:
        if isinstance(column_type, kind):
            return name
    return None


_PG_TYPES: tuple[tuple[type, str], ...] = (
    (sqltypes.Boolean, "bool"),
    (sqltypes.BigInteger, "int8"),
    (sqltypes.Integer, "int4"),
    (sqltypes.DateTime, "timestamptz"),
    (sqltypes.Date, "date"),
    (sqltypes.String, "text"),  # also Text and Enum (stored by value, as text)
)


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value

"""Database foundation: declarative base, naming convention, column types, SQLite pragmas.

Free of Flask: models, services and queries import it; the Flask-SQLAlchemy object that binds
it to the app lives in ``psad.extensions``.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Connection, DateTime, Engine, Enum, MetaData, String, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants, stored in UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use psad.clock.now()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


MAX_RECORD_ID = 2_147_483_647  # INTEGER primary keys (32 bits on PostgreSQL)


def key_string(length: int) -> TypeEngine[str]:
    """Text of an ASCII key (INE, folded names): compared byte by byte on PostgreSQL.

    Collation "C" fills indexes much faster (an import adds 100,000 keys at a time) and
    orders folded names by their characters, spaces included ("martin lea" before "martinez
    hugo"), as SQLite does; a French glibc collation would ignore the spaces.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its English value, as plain text (no native enum type)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


class contains_text(FunctionElement[bool]):
    """``text`` holds ``part`` (plain characters, no pattern): ``instr`` on SQLite, twice as
    fast there as ``LIKE '%...%'``, ``strpos`` on PostgreSQL."""

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(contains_text)
def _contains_text_default(element: contains_text, compiler: Any, **kw: Any) -> str:
    text, part = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(strpos({text}, {part}) > 0)"


@compiles(contains_text, "sqlite")
def _contains_text_sqlite(element: contains_text, compiler: Any, **kw: Any) -> str:
    text, part = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(instr({text}, {part}) > 0)"


def max_length(attribute: Any) -> int:
    """The length of a text column (``max_length(Youth.last_name)``): forms and row rules
    read it from the model instead of repeating the number."""
    length = attribute.property.columns[0].type.length
    if length is None:
        raise TypeError(f"{attribute} has no length")
    return int(length)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    registry = registry(type_annotation_map={datetime: UTCDateTime(), str: String()})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL for concurrent readers, enforced foreign keys, and patience when the file is busy."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's own lower() folds ASCII only (« Évry » stays « Évry »): Python's, as
    # PostgreSQL's, folds every letter.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_in_a_transaction(connection: Connection, name: str | None) -> None:
    """Open SQLite's transaction before a savepoint that would be its first statement.

    The sqlite3 module begins a transaction only before a write, never before ``SAVEPOINT``;
    a savepoint outside a transaction starts one that its ``RELEASE`` commits. A
    ``begin_nested()`` that was a transaction's first write was thus committed on release,
    whatever the outer transaction did next.
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value

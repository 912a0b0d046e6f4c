"""A savepoint on SQLite belongs to its transaction: rolling the transaction back undoes
what the savepoint kept, as on PostgreSQL, even when the savepoint held the first write."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, func, insert, select
from sqlalchemy.orm import Session

import psad.db  # noqa: F401  (the engine events under test)

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True))


@pytest.fixture
def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'savepoints.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def count(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(rows)) or 0)


def test_a_released_savepoint_holding_the_first_write_is_undone_by_the_rollback(engine):
    with Session(engine) as session:
        with session.begin_nested():
            session.execute(insert(rows).values(id=1))
        session.execute(insert(rows).values(id=2))
        session.rollback()

    assert count(engine) == 0


def test_a_read_before_the_savepoint_changes_nothing(engine):
    with Session(engine) as session:
        session.scalar(select(func.count()).select_from(rows))
        with session.begin_nested():
            session.execute(insert(rows).values(id=1))
        session.rollback()

    assert count(engine) == 0


def test_a_savepoint_rolled_back_keeps_the_rest_of_the_transaction(engine):
    with Session(engine) as session:
        session.execute(insert(rows).values(id=1))
        with pytest.raises(RuntimeError), session.begin_nested():
            session.execute(insert(rows).values(id=2))
            raise RuntimeError("refused")
        session.commit()

    with engine.connect() as connection:
        assert list(connection.scalars(select(rows.c.id))) == [1]


def test_a_transaction_opened_by_a_savepoint_commits_with_the_session(engine):
    with Session(engine) as session:
        with session.begin_nested():
            session.execute(insert(rows).values(id=1))
        session.commit()

    assert count(engine) == 1

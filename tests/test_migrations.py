"""Alembic migrations (through Flask-Migrate): they build the models' schema and undo it.

Each test migrates a database of its own, never the suite's: a fresh SQLite file, or on
PostgreSQL a throw-away database ``psad_migr_<random>`` created and dropped around the test
(the suite's database holds the tables that ``pg_engine`` created with ``create_all``).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, make_url, text

import psad.models  # noqa: F401  (every table in the metadata)
from psad import create_app
from psad.config import DatabaseSettings
from psad.db import Base
from psad.extensions import db
from tests.conftest import PG_URL

pytestmark = pytest.mark.committed

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """Undo the ``fileConfig`` of migrations/env.py, which disables every existing logger."""
    manager = logging.Logger.manager
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.disabled, logger.level, list(logger.handlers), logger.propagate)
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, logger in manager.loggerDict.items():
        if not isinstance(logger, logging.Logger):
            continue
        if name in saved:
            logger.disabled, level, handlers, logger.propagate = saved[name]
            logger.setLevel(level)
            logger.handlers[:] = handlers
        else:
            logger.disabled = False


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database for this test alone."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"psad_migr_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migration_app(make_settings, database_url: str, keep_logging: None) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(make_settings(), database=DatabaseSettings(url=database_url))
    app = create_app(settings)
    with app.app_context():
        try:
            yield app
        finally:
            db.engine.dispose()


def migrate(command: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Run a Flask-Migrate command; it logs an error and exits on failure: turn that into a
    test failure (the log, in the captured stderr, gives the reason)."""
    try:
        command(*args, **kwargs)
    except SystemExit as exit:
        pytest.fail(f"flask_migrate.{command.__name__} failed (exit {exit.code}): see stderr")


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences() -> list[Any]:
    """What autogenerate would add to a new migration (the same comparison as ``db check``)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_to_head_creates_every_table_of_the_models(migration_app: Flask) -> None:
    migrate(flask_migrate.upgrade, revision="head")

    assert tables() == MODEL_TABLES
    assert revision() is not None


def test_models_and_migrations_agree(migration_app: Flask) -> None:
    migrate(flask_migrate.upgrade, revision="head")

    try:
        flask_migrate.check()
    except SystemExit:
        differences = "\n".join(f"  {difference}" for difference in schema_differences())
        pytest.fail(
            "`flask db check`: models and migrations differ; generate a migration "
            f"(`flask db migrate`) for:\n{differences}"
        )


def test_downgrade_to_base_removes_every_table_and_upgrade_runs_again(
    migration_app: Flask,
) -> None:
    migrate(flask_migrate.upgrade, revision="head")

    migrate(flask_migrate.downgrade, revision="base")
    assert tables() == set()
    assert revision() is None

    migrate(flask_migrate.upgrade, revision="head")
    assert tables() == MODEL_TABLES


def _insert(table_name: str, **values: Any) -> int:
    """A row with ``values`` and a plain value in every other required column."""
    table = Table(table_name, MetaData(), autoload_with=db.engine)
    filler: dict[type, Any] = {
        str: "x",
        int: 1,
        bool: True,
        datetime: datetime(2026, 3, 1, tzinfo=UTC),
        date: date(2026, 3, 1),
    }
    row = {
        column.name: filler[column.type.python_type]
        for column in table.columns
        if not column.nullable and not column.primary_key and column.name not in values
    }
    with db.engine.begin() as connection:
        inserted = connection.execute(insert(table).values(**row, **values).returning(table.c.id))
        return int(inserted.scalar_one())


def test_each_youth_keeps_the_fingerprint_of_its_latest_listing(migration_app: Flask) -> None:
    migrate(flask_migrate.upgrade, revision="0f4200ac0813")
    psad = _insert("psads", code="LILLE")
    listed_twice = _insert("youths", psad_id=psad)
    listed_once = _insert("youths", psad_id=psad)
    never_listed = _insert("youths", psad_id=psad)
    march = _insert("import_batches", psad_id=psad, file_hash="a" * 64)
    june = _insert("import_batches", psad_id=psad, file_hash="b" * 64)
    _insert("listings", batch_id=march, youth_id=listed_twice, row_hash="old", line=4)
    _insert("listings", batch_id=june, youth_id=listed_twice, row_hash="new", line=4)
    _insert("listings", batch_id=march, youth_id=listed_once, row_hash="only", line=5)

    migrate(flask_migrate.upgrade, revision="head")

    with db.engine.connect() as connection:
        hashes = dict(connection.execute(text("SELECT id, last_row_hash FROM youths")).all())
    assert hashes == {listed_twice: "new", listed_once: "only", never_listed: None}


def test_youth_sharing_an_ine_stop_the_upgrade_and_stay_as_they_were(
    migration_app: Flask, capfd: pytest.CaptureFixture[str]
) -> None:
    migrate(flask_migrate.upgrade, revision="62bf366597b8")
    psad = _insert("psads", code="LILLE")
    twins = {_insert("youths", psad_id=psad, ine="0494004062M") for _ in range(2)}

    with pytest.raises(SystemExit):
        flask_migrate.upgrade(revision="head")

    assert "1 INE sont portés par plusieurs jeunes" in capfd.readouterr().err
    assert revision() == "62bf366597b8"
    with db.engine.connect() as connection:
        kept = set(connection.execute(text("SELECT id FROM youths")).scalars())
    assert kept == twins


def test_going_back_copies_each_row_left_out_from_the_youth_s_earlier_listing(
    migration_app: Flask,
) -> None:
    migrate(flask_migrate.upgrade, revision="head")
    psad = _insert("psads", code="LILLE")
    youth = _insert("youths", psad_id=psad)
    march = _insert("import_batches", psad_id=psad, file_hash="a" * 64)
    june = _insert("import_batches", psad_id=psad, file_hash="b" * 64)
    _insert("listings", batch_id=march, youth_id=youth, row_hash="same", row_json='["Lea"]')
    again = _insert("listings", batch_id=june, youth_id=youth, row_hash="same", row_json=None)

    migrate(flask_migrate.downgrade, revision="712c6a9f4acf")

    with db.engine.connect() as connection:
        copied = connection.execute(
            text("SELECT row_json FROM listings WHERE id = :id"), {"id": again}
        ).scalar_one()
    assert copied == '["Lea"]'


def test_case_names_change_and_their_values_stay(migration_app: Flask) -> None:
    migrate(flask_migrate.upgrade, revision="179d087cc4b9")
    psad = _insert("psads", code="LILLE")
    youth = _insert("youths", psad_id=psad)
    referred = _insert(
        "cases", psad_id=psad, youth_id=youth, source="signalement", of_convened_on=date(2026, 4, 2)
    )
    listed = _insert("cases", psad_id=psad, youth_id=youth, source="listing", status="closed")

    migrate(flask_migrate.upgrade, revision="3b1f0c2d9e7a")

    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, source, training_obligation_convened_on FROM cases ORDER BY id")
        ).all()
    # SQLite hands a date back as text without the model's types
    assert [(row[0], row[1], str(row[2]) if row[2] else None) for row in rows] == [
        (referred, "referral", "2026-04-02"),
        (listed, "listing", None),
    ]
    migrate(flask_migrate.downgrade, revision="179d087cc4b9")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT source FROM cases ORDER BY id")).scalars().all() == [
            "signalement",
            "listing",
        ]


def test_case_milestones_become_facts_and_come_back(migration_app: Flask) -> None:
    migrate(flask_migrate.upgrade, revision="3b1f0c2d9e7a")
    psad = _insert("psads", code="LILLE")
    youth = _insert("youths", psad_id=psad)
    case = _insert(
        "cases",
        psad_id=psad,
        youth_id=youth,
        opened_on=date(2026, 3, 1),
        darfi_requested_on=date(2026, 3, 2),
        darfi_interview_on=date(2026, 3, 10),
        training_obligation_convened_on=date(2026, 4, 2),
        next_step="Appeler le lycée",
    )

    migrate(flask_migrate.upgrade, revision="head")

    with db.engine.connect() as connection:
        darfi = connection.execute(
            text("SELECT case_id, requested_on, interview_on FROM darfi_requests")
        ).all()
        steps = connection.execute(
            text("SELECT case_id, step, done_on FROM obligation_steps")
        ).all()
        tasks = connection.execute(text("SELECT case_id, title, due_on FROM tasks")).all()
    as_text = lambda rows: [tuple(str(v) for v in row) for row in rows]  # noqa: E731
    assert as_text(darfi) == [(str(case), "2026-03-02", "2026-03-10")]
    assert as_text(steps) == [(str(case), "convocation", "2026-04-02")]
    assert as_text(tasks) == [(str(case), "Appeler le lycée", "2026-03-01")]

    migrate(flask_migrate.downgrade, revision="3b1f0c2d9e7a")
    with db.engine.connect() as connection:
        back = connection.execute(
            text(
                "SELECT darfi_requested_on, darfi_interview_on, training_obligation_convened_on, "
                "next_step FROM cases"
            )
        ).all()
    assert as_text(back) == [("2026-03-02", "2026-03-10", "2026-04-02", "Appeler le lycée")]

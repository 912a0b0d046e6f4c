"""What both halves of ``write_floor.py`` share: the list, its tables, the migrated schema.

The SQLite half (``floor_sqlite.py``) and the PostgreSQL half (``floor_postgresql.py``) import
the same list, take out the rows of the same tables and store them again in a database brought
to the application's schema by its Alembic migrations; their scratch files go under bench/out.
"""

from __future__ import annotations

import secrets

import flask_migrate
from import_bench import OUT_DIR

from psad import create_app
from psad.config import DatabaseSettings, Settings, WebSettings
from psad.db import Base
from psad.extensions import db

ROWS = 100_000
SEED = 2026  # import_bench's default, so that an existing list is the same file
LIST_PATH = OUT_DIR / f"siei-{ROWS}.xlsx"
BULK_TABLES = ("youths", "guardians", "cases", "listings")  # the order the import writes them
# What the bulk rows point to; every other reference an import writes (users...) is null.
REFERENCED_TABLES = ("psads", "import_batches")
COLUMNS = {
    table: [column.name for column in Base.metadata.tables[table].columns]
    for table in (*REFERENCED_TABLES, *BULK_TABLES)
}

# Every file this run writes under bench/out starts with this name (databases: psad_floor_…).
SCRATCH = "write_floor"
INSTANCE_DIR = OUT_DIR / f"{SCRATCH}-instance"  # create_app wants one, for the migrations

# Seconds per table, "commit", "total", and "cpu" when it could be measured.
Timings = dict[str, float]


def migrate(url: str) -> None:
    """Bring an empty database to the application's schema with its Alembic migrations."""
    settings = Settings(
        web=WebSettings(secret_key=secrets.token_hex(32)),
        database=DatabaseSettings(url=url),
        instance_path=INSTANCE_DIR,
    )
    app = create_app(settings)
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        db.engine.dispose()


def tries(runs: int) -> str:
    return f"{runs} essai" + ("s" if runs > 1 else "")

"""The SQLite half of ``write_floor.py``: the rows stored again through ``executemany``.

Variants, each run in a fresh copy of the template: (a) as migrated, (d) without the secondary
(non-unique) indexes of the four tables.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from floor_setup import (
    BULK_TABLES,
    COLUMNS,
    LIST_PATH,
    REFERENCED_TABLES,
    SCRATCH,
    Timings,
    migrate,
    tries,
)
from import_bench import OUT_DIR, in_fresh_process, measure_import, prepare_database, say

from psad.imports.services import SQLITE_IMPORT_CACHE_KIB

# The databases this run writes under bench/out; write_floor.py removes them at the end.
SQLITE_SOURCE = OUT_DIR / f"{SCRATCH}-source.sqlite"
SQLITE_TEMPLATE = OUT_DIR / f"{SCRATCH}-template.sqlite"
SQLITE_RUN = OUT_DIR / f"{SCRATCH}-run.sqlite"

SQLITE_VARIANTS = {"a": "schéma migré", "d": "sans index secondaires (non uniques)"}


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def sqlite_dropped(variant: str, connection: sqlite3.Connection) -> list[str]:
    """The secondary indexes of the bulk tables: neither the primary key nor unique."""
    if variant != "d":
        return []
    return [
        name
        for table in BULK_TABLES
        for _, name, unique, *_ in connection.execute(f"PRAGMA index_list({table})")
        if not unique
    ]


def insert_all(connection: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    names, marks = ", ".join(COLUMNS[table]), ", ".join("?" for _ in COLUMNS[table])
    connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def sqlite_rows(path: Path, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of ``tables`` exactly as stored (instants as SQLAlchemy wrote them)."""
    with sqlite3.connect(path) as source:
        return {
            table: source.execute(
                f"SELECT {', '.join(COLUMNS[table])} FROM {table} ORDER BY rowid"
            ).fetchall()
            for table in tables
        }


def sqlite_template() -> None:
    """The migrated schema with the PSAD and the list that the import's rows point to."""
    remove_sqlite(SQLITE_TEMPLATE)
    in_fresh_process(migrate, f"sqlite:///{SQLITE_TEMPLATE}")
    connection = sqlite3.connect(SQLITE_TEMPLATE, isolation_level=None)
    connection.execute("BEGIN")
    for table, rows in sqlite_rows(SQLITE_SOURCE, REFERENCED_TABLES).items():
        insert_all(connection, table, rows)
    connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def sqlite_write(rows: dict[str, list[tuple[Any, ...]]], variant: str) -> dict[str, Any]:
    """Store the rows in a copy of the template, in one transaction, with the app's pragmas."""
    remove_sqlite(SQLITE_RUN)
    shutil.copyfile(SQLITE_TEMPLATE, SQLITE_RUN)
    connection = sqlite3.connect(SQLITE_RUN, isolation_level=None)
    for pragma in (  # psad/db.py on every connection, then the import's larger page cache
        "journal_mode=WAL",
        "foreign_keys=ON",
        "busy_timeout=10000",
        f"cache_size=-{SQLITE_IMPORT_CACHE_KIB}",
    ):
        connection.execute(f"PRAGMA {pragma}")
    dropped = sqlite_dropped(variant, connection)
    for index in dropped:
        connection.execute(f"DROP INDEX {index}")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    gc.collect()
    timings: Timings = {}
    started, started_cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN")
    for table in BULK_TABLES:
        since = time.perf_counter()
        insert_all(connection, table, rows[table])
        timings[table] = time.perf_counter() - since
    since = time.perf_counter()
    connection.execute("COMMIT")
    timings["commit"] = time.perf_counter() - since
    timings["total"] = time.perf_counter() - started
    timings["cpu"] = time.process_time() - started_cpu  # SQLite works in this process
    for table in BULK_TABLES:
        stored = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert stored == len(rows[table]), f"{table}: {stored} lignes au lieu de {len(rows[table])}"
    connection.close()
    return {"timings": timings, "dropped": dropped}


def time_sqlite(runs: int) -> dict[str, Any]:
    """Every variant ``runs`` times, interleaved so that the machine's noise spreads evenly."""
    rows = sqlite_rows(SQLITE_SOURCE, BULK_TABLES)
    measured: dict[str, Any] = {
        key: {"label": label, "runs": []} for key, label in SQLITE_VARIANTS.items()
    }
    for run in range(1, runs + 1):
        for key, variant in measured.items():
            result = sqlite_write(rows, key)
            variant["runs"].append(result["timings"])
            variant["dropped"] = result["dropped"]
            say(f"  ({key}) essai {run} : {result['timings']['total']:.2f} s")
    return {"rows": {table: len(rows[table]) for table in BULK_TABLES}, "variants": measured}


def bench_sqlite(runs: int) -> dict[str, Any]:
    say("[SQLite] import complet dans une base de travail, pour en tirer les lignes…")
    remove_sqlite(SQLITE_SOURCE)
    source_url = f"sqlite:///{SQLITE_SOURCE}"
    in_fresh_process(prepare_database, source_url)
    in_fresh_process(measure_import, str(LIST_PATH), source_url, again=False)
    say("[SQLite] schéma migré (Alembic)…")
    sqlite_template()
    say(f"[SQLite] écriture seule, {tries(runs)} par variante…")
    return in_fresh_process(time_sqlite, runs)

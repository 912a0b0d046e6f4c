"""The PostgreSQL half of ``write_floor.py``: the rows stored again by ``COPY ... FROM STDIN``.

Variants, each run in a fresh copy of its own template: (a) as migrated, (b) without the foreign
keys from youths, cases and listings to psads and import_batches, (c) without any foreign key on
the four tables. The run creates its databases « psad_floor_… » on the server and drops them.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
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
from sqlalchemy.engine import URL

# The databases this run creates on the server, and drops at the end (drop_all).
PG_SOURCE, PG_TEMPLATE, PG_RUN = "psad_floor_source", "psad_floor_template", "psad_floor_run"
PG_VARIANT_PREFIX = "psad_floor_"  # + the variant's key: the template of each variant

PG_VARIANTS = {
    "a": "schéma migré",
    "b": "sans clés étrangères de youths, cases, listings vers psads et import_batches",
    "c": "sans aucune clé étrangère sur les 4 tables",
}


class ForeignKey(NamedTuple):
    table: str
    name: str
    referred: str


def pg_dropped(variant: str, foreign_keys: list[ForeignKey]) -> list[ForeignKey]:
    if variant == "b":
        return [
            key
            for key in foreign_keys
            if key.table in ("youths", "cases", "listings") and key.referred in REFERENCED_TABLES
        ]
    return foreign_keys if variant == "c" else []


def conninfo(admin: URL, database: str) -> str:
    return admin.set(drivername="postgresql", database=database).render_as_string(
        hide_password=False
    )


def recreate(admin: URL, database: str, *, template: str | None = None) -> None:
    """Drop one of this run's databases and create it again (empty, or from ``template``)."""
    with psycopg.connect(conninfo(admin, admin.database or "postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{database}"' + (f' TEMPLATE "{template}"' if template else ""))


def drop_all(admin: URL) -> None:
    names = [PG_SOURCE, PG_TEMPLATE, PG_RUN, *(PG_VARIANT_PREFIX + key for key in PG_VARIANTS)]
    with psycopg.connect(conninfo(admin, admin.database or "postgres"), autocommit=True) as c:
        for name in names:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def export(admin: URL) -> dict[str, Path]:
    """COPY the imported rows out, in text format, to files under bench/out."""
    copies = {}
    with psycopg.connect(conninfo(admin, PG_SOURCE)) as connection:
        for table in (*REFERENCED_TABLES, *BULK_TABLES):
            copies[table] = OUT_DIR / f"{SCRATCH}-{table}.copy"
            statement = f"COPY {table} ({', '.join(COLUMNS[table])}) TO STDOUT"
            with copies[table].open("wb") as out, connection.cursor().copy(statement) as copy:
                for chunk in copy:
                    out.write(chunk)
    return copies


def copy_in(connection: psycopg.Connection[Any], table: str, data: bytes) -> None:
    statement = f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN"
    with connection.cursor().copy(statement) as copy:
        copy.write(data)


def pg_templates(admin: URL, copies: dict[str, Path]) -> dict[str, list[ForeignKey]]:
    """The migrated schema with the PSAD and the list, then one template per variant."""
    recreate(admin, PG_TEMPLATE)
    in_fresh_process(migrate, admin.set(database=PG_TEMPLATE).render_as_string(hide_password=False))
    with psycopg.connect(conninfo(admin, PG_TEMPLATE)) as connection:
        for table in REFERENCED_TABLES:
            copy_in(connection, table, copies[table].read_bytes())
        foreign_keys = [
            ForeignKey(*row)
            for row in connection.execute(
                "SELECT conrelid::regclass::text, conname, confrelid::regclass::text"
                " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)"
                " ORDER BY 1, 2",
                (list(BULK_TABLES),),
            )
        ]
    dropped = {}
    for key in PG_VARIANTS:
        recreate(admin, PG_VARIANT_PREFIX + key, template=PG_TEMPLATE)
        dropped[key] = pg_dropped(key, foreign_keys)
        with psycopg.connect(conninfo(admin, PG_VARIANT_PREFIX + key)) as connection:
            for constraint in dropped[key]:
                connection.execute(
                    f"ALTER TABLE {constraint.table} DROP CONSTRAINT {constraint.name}"
                )
    return dropped


def backend_cpu(admin: URL) -> Callable[[int], float | None]:
    """CPU seconds of a server process read from /proc, when the server runs on this machine."""
    local = admin.host in (None, "", "localhost", "127.0.0.1", "::1") or admin.host.startswith("/")
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu(pid: int) -> float | None:
        try:
            if not local or Path(f"/proc/{pid}/comm").read_text().strip() != "postgres":
                return None
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime and stime, in clock ticks

    return cpu


def pg_write(admin: URL, variant: str, data: dict[str, bytes]) -> Timings:
    """Store the rows in a fresh copy of the variant's template, in one transaction."""
    recreate(admin, PG_RUN, template=PG_VARIANT_PREFIX + variant)
    cpu_of = backend_cpu(admin)
    timings: Timings = {}
    with psycopg.connect(conninfo(admin, PG_RUN), autocommit=True) as connection:
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            connection.execute("CHECKPOINT")  # the new database's pages on disk beforehand
        pid = connection.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        started, started_cpu = time.perf_counter(), cpu_of(pid)
        connection.execute("BEGIN")
        for table in BULK_TABLES:
            since = time.perf_counter()
            copy_in(connection, table, data[table])
            timings[table] = time.perf_counter() - since
        since = time.perf_counter()
        connection.execute("COMMIT")
        timings["commit"] = time.perf_counter() - since
        timings["total"] = time.perf_counter() - started
        ended_cpu = cpu_of(pid)
        if started_cpu is not None and ended_cpu is not None:
            timings["cpu"] = ended_cpu - started_cpu  # the backend's, not the whole server's
    return timings


def bench_postgresql(admin: URL, runs: int) -> dict[str, Any]:
    say("[PostgreSQL] import complet dans une base de travail, pour en tirer les lignes…")
    recreate(admin, PG_SOURCE)
    source_url = admin.set(database=PG_SOURCE).render_as_string(hide_password=False)
    in_fresh_process(prepare_database, source_url)
    in_fresh_process(measure_import, str(LIST_PATH), source_url, again=False)
    copies = export(admin)
    try:
        say("[PostgreSQL] schéma migré (Alembic) et variantes…")
        dropped = pg_templates(admin, copies)
        data = {table: copies[table].read_bytes() for table in BULK_TABLES}
        rows = {table: data[table].count(b"\n") for table in BULK_TABLES}
    finally:
        for path in copies.values():
            path.unlink(missing_ok=True)
    say(f"[PostgreSQL] écriture seule, {tries(runs)} par variante…")
    measured: dict[str, Any] = {
        key: {"label": label, "runs": [], "dropped": [fk.name for fk in dropped[key]]}
        for key, label in PG_VARIANTS.items()
    }
    for run in range(1, runs + 1):
        for key, variant in measured.items():
            variant["runs"].append(pg_write(admin, key, data))
            say(f"  ({key}) essai {run} : {variant['runs'][-1]['total']:.2f} s")
    return {"rows": rows, "variants": measured}

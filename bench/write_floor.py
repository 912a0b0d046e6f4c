"""The floor of a list import: what the database alone spends storing the rows it writes.

Not a test, never run by pytest. A full import of the 100,000-row list of ``import_bench.py``
writes about 400,000 rows into four tables: youths, guardians, cases and listings. This run
imports the list once into a scratch database of its own and takes those rows out, then times
how long the database takes to store them again, all four tables in one transaction, in a
fresh database migrated to the application's schema (Alembic) that already holds the PSAD and
the list the rows point to: PostgreSQL through ``COPY ... FROM STDIN``, SQLite through
``executemany``, the statements the import itself uses (``psad/imports/writing/bulk.py``), with the
same pragmas. None of the import's Python work (reading, checking, building the rows) is in
these figures: the raw read plus this "write alone" is a time no import of the list can beat.
The raw read is measured in the same run, so that ratios can be quoted.

Schema variants, each run in a fresh database: (a) as migrated; on PostgreSQL (b) without the
foreign keys from youths, cases and listings to psads and import_batches, (c) without any
foreign key on the four tables; on SQLite (d) without their secondary (non-unique) indexes.

    .venv/bin/python bench/write_floor.py [--db sqlite|postgresql|both] [--pg-url URL]
                                          [--runs N] [--json]

The SQLite half is in ``floor_sqlite.py``, the PostgreSQL half in ``floor_postgresql.py``, what
they share in ``floor_setup.py``; this script runs them and prints the report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
from importlib import metadata
from typing import Any

import psycopg
import sqlalchemy
from floor_postgresql import bench_postgresql, drop_all
from floor_setup import BULK_TABLES, INSTANCE_DIR, LIST_PATH, ROWS, SEED, Timings, tries
from floor_sqlite import SQLITE_RUN, SQLITE_SOURCE, SQLITE_TEMPLATE, bench_sqlite, remove_sqlite
from import_bench import (
    BENCH_DIR,
    DEFAULT_PG_URL,
    OUT_DIR,
    RAW_READ_REPEATS,
    code_fingerprint,
    in_fresh_process,
    measure_raw_read,
    postgres_server,
    say,
)
from siei_list import generate_list

# --- report -------------------------------------------------------------------------------


def best_and_median(runs: list[Timings], key: str) -> str:
    """``best / median`` of one column, 14 characters wide; a dash when it was not measured."""
    values = [run[key] for run in runs if key in run]
    if len(values) < len(runs):
        return f"{'-':>14}"
    return f"{min(values):7.2f} /{statistics.median(values):5.2f}"


def report(figures: dict[str, Any]) -> str:
    machine, raw = figures["machine"], figures["raw_read"]["seconds"]
    lines = [
        f"Machine : {machine['cpus']} CPU, Python {machine['python']}, {machine['platform']}, "
        f"SQLite {machine['sqlite']}, PostgreSQL {machine.get('postgresql') or '-'}, "
        f"python-calamine {machine['calamine']}, SQLAlchemy {machine['sqlalchemy']}, "
        f"psycopg {machine['psycopg']} ; code psad {machine['code']} ; "
        f"charge {machine['load_before']:.1f} avant, {machine['load_after']:.1f} après",
        f"Lecture brute python-calamine de {figures['file']} (meilleur de {RAW_READ_REPEATS}) : "
        f"{raw:.2f} s (essais {', '.join(f'{s:.2f}' for s in figures['raw_read']['runs'])})",
        f"Écriture seule des lignes d'un import complet, une transaction, base neuve à chaque "
        f"essai ; meilleur / médiane de {tries(figures['runs'])}, en secondes",
    ]
    if machine["code_after"] != machine["code"]:
        lines.append("ATTENTION : le code de psad/ a changé pendant la mesure : relancez.")
    if max(machine["load_before"], machine["load_after"]) > machine["cpus"]:
        lines.append("ATTENTION : machine chargée par d'autres processus, durées bruitées.")
    columns = (*BULK_TABLES, "commit", "total")
    removed = {"SQLite": "index supprimés", "PostgreSQL": "clés étrangères supprimées"}
    for kind, result in figures["databases"].items():
        cpu_name = "CPU serveur" if kind == "PostgreSQL" else "CPU"
        written = ", ".join(f"{table} {rows}" for table, rows in result["rows"].items())
        header = "".join(f"{name:>14}" for name in columns)
        header += "".join(f"{name:>17}" for name in ("× lecture brute", cpu_name))
        lines += ["", f"== {kind} : lignes écrites {written} ==", f"{'':4}{header}"]
        for key, variant in result["variants"].items():
            count = len(variant["dropped"])
            dropped = f" : {count} {removed[kind]}" if count else ""
            runs = variant["runs"]
            ratios = [{"ratio": run["total"] / raw} for run in runs]
            cells = [best_and_median(runs, name) for name in columns]
            cells += [
                f"{best_and_median(ratios, 'ratio'):>17}",
                f"{best_and_median(runs, 'cpu'):>17}",
            ]
            lines += [f"({key}) {variant['label']}{dropped}", f"{'':4}{''.join(cells)}"]
    lines.append("")
    for kind, result in figures["databases"].items():
        write = min(run["total"] for run in result["variants"]["a"]["runs"])
        lines.append(
            f"{kind} : plancher de l'import complet ≈ lecture brute + écriture seule = "
            f"{raw + write:.2f} s = {(raw + write) / raw:.2f} × lecture brute"
        )
    return "\n".join(lines)


# --- the run ------------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PSAD_BENCH_PG_URL") or DEFAULT_PG_URL,
        help="serveur PostgreSQL ; la mesure crée et supprime ses bases « psad_floor_… »",
    )
    parser.add_argument("--runs", type=int, default=3, help="essais par variante")
    parser.add_argument(
        "--json", action="store_true", help="chiffres en JSON sur la sortie standard"
    )
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    if arguments.runs < 1:
        raise SystemExit("--runs : au moins 1 essai")
    OUT_DIR.mkdir(exist_ok=True)
    if not LIST_PATH.exists():
        say(f"Génération de {LIST_PATH.relative_to(BENCH_DIR.parent)}…")
        in_fresh_process(generate_list, LIST_PATH, rows=ROWS, seed=SEED, dimension=True)
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "sqlite": sqlite3.sqlite_version,
            "calamine": metadata.version("python-calamine"),
            "sqlalchemy": sqlalchemy.__version__,
            "psycopg": psycopg.__version__,
            "code": code_fingerprint(),
            "load_before": os.getloadavg()[0],
        },
        "file": str(LIST_PATH.relative_to(BENCH_DIR.parent)),
        "runs": arguments.runs,
        "databases": {},
    }
    say("Lecture brute (python-calamine)…")
    figures["raw_read"] = in_fresh_process(measure_raw_read, str(LIST_PATH))
    try:
        if arguments.db in ("sqlite", "both"):
            figures["databases"]["SQLite"] = bench_sqlite(arguments.runs)
        if arguments.db in ("postgresql", "both"):
            server = postgres_server(arguments.pg_url)
            if server is not None:
                admin, figures["machine"]["postgresql"] = server
                try:
                    figures["databases"]["PostgreSQL"] = bench_postgresql(admin, arguments.runs)
                finally:
                    drop_all(admin)
    finally:
        for path in (SQLITE_SOURCE, SQLITE_TEMPLATE, SQLITE_RUN):
            remove_sqlite(path)
        shutil.rmtree(INSTANCE_DIR, ignore_errors=True)
    figures["machine"]["load_after"] = os.getloadavg()[0]
    figures["machine"]["code_after"] = code_fingerprint()
    text_report = report(figures)
    if arguments.json:
        print(text_report, file=sys.stderr)
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(text_report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the spreadsheet import (issue 3, "Speed"): not a test, never run by pytest.

One run generates a seeded SIEI-like list (accents, mixed date and phone formats, duplicates,
bad rows) in ``bench/out/``, then measures, each phase in a fresh process so that the peak
resident memory is that of the phase alone:

1. the raw read of the file with python-calamine alone (best of 3);
2. the full import into an empty database: analyse + apply + commit;
3. the re-import of the same file (every row unchanged): analyse + apply with
   ``allow_same_file=True`` + commit, as ``psad import --force`` reads a file again;

on SQLite (a file in ``bench/out``, WAL) and on PostgreSQL (a database of its own, created
and dropped by the run). Targets: full import <= 3 x raw read, re-import <= 2 x raw read,
peak memory < 500 MB.

    .venv/bin/python bench/import_bench.py [--rows N] [--db sqlite|postgresql|both]
                                           [--pg-url URL] [--json] [--profile] [--no-dimension]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import multiprocessing
import os
import platform
import pstats
import resource
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import python_calamine
import sqlalchemy
from siei_list import HEADERS, TODAY, generate_list
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

import psad.models  # noqa: F401  (every table, for create_all)
from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.db import Base
from psad.imports import queries, services
from psad.imports.checking import analyse_file
from psad.imports.fields import FIELDS
from psad.imports.models import ImportOrigin, ListSource
from psad.imports.profiles import default_profiles_dir, load_profiles
from psad.imports.reader import MEBIBYTE, ReadLimits
from psad.imports.results import ImportRequest

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
SQLITE_PATH = OUT_DIR / "bench.sqlite"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:55433/postgres"
PG_DATABASE = "psad_bench"  # created and dropped by the run; never the tests' database

MIN_AGE, MAX_AGE = 16, 25
# The Settings defaults (imports.max_file_mb, imports.max_rows), without reading Settings.
LIMITS = ReadLimits(max_bytes=20 * MEBIBYTE, max_rows=300_000)
PSAD_CODE = "BENCH"
RAW_READ_REPEATS = 3

TARGET_FULL_RATIO = 3.0
TARGET_REIMPORT_RATIO = 2.0
TARGET_PEAK_MB = 500.0

# --- measuring, each phase in a fresh process --------------------------------------------


def peak_rss_mb() -> float:
    """The process's peak resident set size so far (ru_maxrss is in KiB on Linux).

    Linux carries ru_maxrss over an exec: a spawned child starts from its parent's resident
    size, which is why the parent stays small (the list is generated in a child too).
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process: less sensitive than wall time to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    """The current resident set size (Linux), else the peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / MEBIBYTE


def measure_raw_read(path: str) -> dict[str, Any]:
    """python-calamine alone: open the workbook and turn its first sheet into Python rows."""
    start_mb = rss_mb()
    times: list[tuple[float, float]] = []
    rows = 0
    for _ in range(RAW_READ_REPEATS):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        cells = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
        times.append((time.perf_counter() - start, cpu_seconds() - start_cpu))
        rows = len(cells)
        del cells
    best, best_cpu = min(times)
    return {
        "seconds": best,
        "cpu_seconds": best_cpu,
        "runs": [wall for wall, _ in times],
        "rows": rows,
        "start_mb": start_mb,
        "peak_mb": peak_rss_mb(),
    }


def prepare_database(url: str) -> None:
    """A fresh schema and one PSAD, as an empty production database would have."""
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(Psad(code=PSAD_CODE, name="PSAD de mesure", territory="Banc d'essai"))
        session.commit()
    engine.dispose()


def measure_import(path: str, url: str, *, again: bool, profile_to: str | None = None) -> Any:
    """Analyse, apply and commit the list; ``again``: the file was already imported."""
    profiles = load_profiles(default_profiles_dir())
    engine = create_engine(url)
    marks: list[tuple[str, int, float]] = []

    def progress(phase: str, done: int, total: int) -> None:
        marks.append((phase, done, time.perf_counter()))

    profiler = cProfile.Profile() if profile_to else None
    start_mb = rss_mb()
    with Session(engine) as session:
        psad = session.scalars(select(Psad).where(Psad.code == PSAD_CODE)).one()
        request = ImportRequest(
            psad=psad,
            label="SIEI novembre 2026 (mesure)",
            source=ListSource.SIEI,
            origin=ImportOrigin.CLI,
            actor=Actor(user_id=None, psad_id=psad.id),
            today=TODAY,
            now=datetime.now(UTC),
        )
        if profiler:
            profiler.enable()
        started, started_cpu = time.perf_counter(), cpu_seconds()
        analysis = analyse_file(
            Path(path),
            file_name=Path(path).name,
            profiles=profiles,
            limits=LIMITS,
            today=TODAY,
            min_age=MIN_AGE,
            max_age=MAX_AGE,
            progress=progress,
            # as psad import does: rows this PSAD listed identically before are not re-checked
            listed=lambda: queries.listed_rows(session, psad.id),
        )
        analysed = time.perf_counter()
        result = services.apply_import(session, analysis, request, progress, allow_same_file=again)
        applied = time.perf_counter()
        session.commit()
        committed, committed_cpu = time.perf_counter(), cpu_seconds()
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_to)
        counts = result.as_dict()
    engine.dispose()
    checks = [at for phase, _, at in marks if phase == "Vérification des lignes"]
    writes = [at for phase, _, at in marks if phase == "Enregistrement des jeunes"]
    return {
        "seconds": committed - started,
        "cpu_seconds": committed_cpu - started_cpu,  # this process only, not the database server
        "phases": {
            # hash, read_table, find_header, fingerprints, rows listed identically before
            "read": checks[0] - started,
            "identity": checks[-1] - checks[0],  # RowParser.begin: identity columns of each row
            "merge": analysed - checks[-1],  # which rows are the same youth (merge_plan)
            "prepare": writes[0] - analysed,  # lock, previous batch, new batch
            # RowParser.finish on each row, then the bulk statements, chunk by chunk
            "write": writes[-1] - writes[0],
            "report": applied - writes[-1],  # report_json, audit, final flush
            "commit": committed - applied,
        },
        "counts": {**counts, "merged": analysis.merged, "accepted": len(analysis.accepted)},
        "peak_mb": peak_rss_mb(),
        "start_mb": start_mb,
    }


def in_fresh_process(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``function`` in a new spawned interpreter, so that its peak RSS is its own."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args, **kwargs).result()


# --- databases ---------------------------------------------------------------------------


def sqlite_url() -> str:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{SQLITE_PATH}"


def postgres_server(url: str) -> tuple[URL, str] | None:
    """The server's admin URL and version, or None (with a message) when it cannot be reached."""
    admin = make_url(url)
    if admin.database == PG_DATABASE:
        admin = admin.set(database="postgres")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as connection:
            version = connection.scalar(text("SHOW server_version"))
    except sqlalchemy.exc.OperationalError as error:
        shown = admin.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        say(f"PostgreSQL injoignable ({shown} : {reason}) : mesures PostgreSQL ignorées.")
        return None
    finally:
        engine.dispose()
    return admin, str(version)


def recreate_database(admin: URL, *, drop_only: bool = False) -> str:
    """Drop the benchmark's own database and (unless ``drop_only``) create it empty."""
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        if not drop_only:
            connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    engine.dispose()
    return admin.set(database=PG_DATABASE).render_as_string(hide_password=False)


# --- the run -------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_headers() -> None:
    """Every header of the generated list must be one the SIEI profile recognises."""
    siei = next(p for p in load_profiles(default_profiles_dir()) if p.name == "siei")
    for name, header in HEADERS.items():
        if siei.field_for(header) != name:
            raise SystemExit(f"« {header} » n'est pas un en-tête SIEI de « {FIELDS[name]} »")


def bench_database(kind: str, url: str, path: Path, raw: float) -> dict[str, Any]:
    say(f"[{kind}] import complet dans une base vide…")
    in_fresh_process(prepare_database, url)
    full = in_fresh_process(measure_import, str(path), url, again=False)
    say(f"[{kind}] ré-import du même fichier…")
    again = in_fresh_process(measure_import, str(path), url, again=True)
    counts = again["counts"]
    all_unchanged = (
        counts["created"] == counts["updated"] == counts["opened"] == counts["reopened"] == 0
        and counts["unchanged"] == full["counts"]["created"]
    )
    return {
        "full_import": full,
        "reimport": again,
        "reimport_all_unchanged": all_unchanged,
        "full_ratio": full["seconds"] / raw,
        "reimport_ratio": again["seconds"] / raw,
        "peak_mb": max(full["peak_mb"], again["peak_mb"]),
    }


def profile_import(kind: str, url: str, path: Path) -> Path:
    """One more full import under cProfile; prints the top of the profile."""
    target = OUT_DIR / f"import-{kind}.prof"
    say(f"[{kind}] import complet sous cProfile…")
    in_fresh_process(prepare_database, url)
    in_fresh_process(measure_import, str(path), url, again=False, profile_to=str(target))
    stats = pstats.Stats(str(target), stream=sys.stderr)
    stats.strip_dirs().sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return target


def code_fingerprint() -> str:
    """A short digest of the application's sources, to tell which code the figures are of."""
    digest = hashlib.sha256()
    for source in sorted((BENCH_DIR.parent / "psad").rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def verdict(ok: bool) -> str:
    return "OK" if ok else "HORS CIBLE"


def report(figures: dict[str, Any]) -> str:
    machine, listing, raw = figures["machine"], figures["file"], figures["raw_read"]
    lines = [
        f"Machine : {machine['cpus']} CPU, Python {machine['python']}, {machine['platform']}, "
        f"SQLite {machine['sqlite']}, PostgreSQL {machine.get('postgresql') or '-'}, "
        f"python-calamine {machine['calamine']}, SQLAlchemy {machine['sqlalchemy']} ; "
        f"code psad {machine['code']} ; charge {machine['load_before']:.1f} avant, "
        f"{machine['load_after']:.1f} après",
        f"Fichier : {listing['path']} — {listing['rows']} lignes, {listing['columns']} colonnes, "
        f"{listing['mb']:.1f} Mo ; {listing['duplicates']} doublons, "
        f"{listing['missing_name']} sans nom ou prénom (générée en {listing['seconds']:.0f} s)",
        f"Lecture brute python-calamine (meilleur de {RAW_READ_REPEATS}) : "
        f"{raw['seconds']:.2f} s, CPU {raw['cpu_seconds']:.2f} s "
        f"(essais {', '.join(f'{s:.2f}' for s in raw['runs'])}), pic {raw['peak_mb']:.0f} Mo",
    ]
    if machine["code_after"] != machine["code"]:
        lines.append(
            f"ATTENTION : le code de psad/ a changé pendant la mesure ({machine['code']} → "
            f"{machine['code_after']}) : relancez."
        )
    if max(machine["load_before"], machine["load_after"]) > machine["cpus"]:
        lines.append(
            "ATTENTION : machine chargée par d'autres processus, durées bruitées ; "
            "comparer aussi les temps CPU."
        )
    for kind, result in figures["databases"].items():
        full, again = result["full_import"], result["reimport"]
        lines += [
            "",
            f"== {kind} ==",
            f"Import complet : {full['seconds']:.2f} s (CPU {full['cpu_seconds']:.2f} s) = "
            f"{result['full_ratio']:.2f} × lecture "
            f"brute (cible ≤ {TARGET_FULL_RATIO:g}) "
            f"{verdict(result['full_ratio'] <= TARGET_FULL_RATIO)}",
            f"  {phases(full['phases'])}",
            f"  {counts_line(full['counts'])}",
            f"Ré-import : {again['seconds']:.2f} s (CPU {again['cpu_seconds']:.2f} s) = "
            f"{result['reimport_ratio']:.2f} × lecture "
            f"brute (cible ≤ {TARGET_REIMPORT_RATIO:g}) "
            f"{verdict(result['reimport_ratio'] <= TARGET_REIMPORT_RATIO)}",
            f"  {phases(again['phases'])}",
            f"  {counts_line(again['counts'])}",
            "  tout inchangé : " + ("oui" if result["reimport_all_unchanged"] else "NON"),
            f"Pic mémoire : import {full['peak_mb']:.0f} Mo, ré-import {again['peak_mb']:.0f} Mo "
            f"(processus au départ : {full['start_mb']:.0f} Mo) ; cible < {TARGET_PEAK_MB:g} Mo "
            f"{verdict(result['peak_mb'] < TARGET_PEAK_MB)}",
        ]
    return "\n".join(lines)


def phases(values: dict[str, float]) -> str:
    names = {
        "read": "lecture",
        "identity": "identités",
        "merge": "doublons",
        "prepare": "lot",
        "write": "contrôle du reste et écriture",
        "report": "rapport",
        "commit": "commit",
    }
    return ", ".join(f"{names[key]} {seconds:.2f}" for key, seconds in values.items())


def counts_line(counts: dict[str, Any]) -> str:
    keys = ("rows_read", "accepted", "merged", "created", "updated", "unchanged", "opened")
    more = ("reopened", "rejected", "conflicts", "warnings")
    return ", ".join(f"{key} {counts[key]}" for key in (*keys, *more))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="lignes de la liste générée")
    parser.add_argument("--seed", type=int, default=2026, help="graine du générateur")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PSAD_BENCH_PG_URL") or DEFAULT_PG_URL,
        help=f"serveur PostgreSQL ; la mesure crée et supprime sa base « {PG_DATABASE} »",
    )
    parser.add_argument(
        "--json", action="store_true", help="chiffres en JSON sur la sortie standard"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile aussi un import complet (cProfile)"
    )
    parser.add_argument(
        "--no-dimension",
        action="store_true",
        help="laisse la feuille sans <dimension>, comme l'écrit openpyxl (lecture par openpyxl)",
    )
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    check_headers()
    OUT_DIR.mkdir(exist_ok=True)
    path = OUT_DIR / f"siei-{arguments.rows}.xlsx"
    say(f"Génération de {path.relative_to(BENCH_DIR.parent)}…")
    started = time.perf_counter()
    generated = in_fresh_process(
        generate_list,
        path,
        rows=arguments.rows,
        seed=arguments.seed,
        dimension=not arguments.no_dimension,
    )
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "sqlite": sqlite3.sqlite_version,
            "calamine": metadata.version("python-calamine"),
            "sqlalchemy": sqlalchemy.__version__,
            "code": code_fingerprint(),
            "load_before": os.getloadavg()[0],
        },
        "file": {
            "path": str(path.relative_to(BENCH_DIR.parent)),
            "mb": path.stat().st_size / MEBIBYTE,
            "columns": len(HEADERS),
            "seconds": time.perf_counter() - started,
            **generated,
        },
        "targets": {
            "full_ratio": TARGET_FULL_RATIO,
            "reimport_ratio": TARGET_REIMPORT_RATIO,
            "peak_mb": TARGET_PEAK_MB,
        },
        "databases": {},
    }
    say("Lecture brute (python-calamine)…")
    raw = in_fresh_process(measure_raw_read, str(path))
    figures["raw_read"] = raw

    targets: list[tuple[str, str]] = []
    if arguments.db in ("sqlite", "both"):
        targets.append(("SQLite", sqlite_url()))
    server = None
    if arguments.db in ("postgresql", "both"):
        server = postgres_server(arguments.pg_url)
        if server is not None:
            figures["machine"]["postgresql"] = server[1]
            targets.append(("PostgreSQL", recreate_database(server[0])))
    try:
        for kind, url in targets:
            figures["databases"][kind] = bench_database(kind, url, path, raw["seconds"])
        if arguments.profile and targets:
            for kind, url in targets:
                figures.setdefault("profiles", {})[kind] = str(
                    profile_import(kind.lower(), url, path)
                )
    finally:
        if server is not None:
            recreate_database(server[0], drop_only=True)
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

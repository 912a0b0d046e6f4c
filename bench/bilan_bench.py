"""Benchmark of the bilan (issue 15, "Correctness and speed"): not a test, never run by pytest.

It fills a database (``bilan_data.py``: 100,000 youth in the measured PSAD over two school
years, with about 300,000 contacts, 50,000 orientations, 24 comités, lists, DARFI requests,
obligation steps and transfers; seeded, bulk statements), then times, through the real
application (``create_app`` on that database, its SQLite pragmas, the clock fixed on
``bilan_data.TODAY``):

- the whole bilan of the PSAD for the school year 2025-2026 (and 2024-2025 beside it):
  ``compute_bilan`` then the workbook (``psad.reports.workbook``) written to a file;
- each indicator's compute alone (current and previous period), the slowest first;
- the dashboard page ``/bilan`` (default period: the school year of « today »), signed in as
  the pilote through the log-in form;
- and, as the machine's baseline in the same run: a fixed CPU loop, and the raw
  ``SELECT count(*) FROM contacts`` (best of 3).

SQLite (a file in ``bench/out``) and PostgreSQL (a database of its own on the server of
``--pg-url``; without it, a throw-away server started with ``scripts/pg_local.sh`` and
stopped at the end). Targets: workbook (bilan + file) under 10 s, dashboard under 1 s, on
each database.

    .venv/bin/python bench/bilan_bench.py [--youth N] [--db sqlite|postgresql|both]
        [--pg-url URL] [--runs N] [--requests N] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import flask_migrate
import sqlalchemy
from bilan_data import NOW, PILOT_EMAIL, PILOT_PASSWORD, TODAY, fill
from flask import Flask
from import_bench import (
    BENCH_DIR,
    OUT_DIR,
    code_fingerprint,
    cpu_seconds,
    in_fresh_process,
    postgres_server,
    say,
    verdict,
)
from pages_bench import Statements, head_revision, percentile, thousands
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from psad import clock, create_app
from psad.auth.passwords import hash_password
from psad.config import DatabaseSettings, Settings, WebSettings
from psad.extensions import db

SQLITE_PATH = OUT_DIR / "bilan.sqlite"
PG_DATABASE = "psad_bilan_bench"  # created by the run, dropped at the end unless --keep
INSTANCE_DIR = OUT_DIR / "bilan-instance"
TARGET_WORKBOOK_S = 10.0
TARGET_DASHBOARD_S = 1.0
CPU_LOOP = 5_000_000  # iterations of the baseline's fixed CPU loop
SLOWEST_SHOWN = 12  # indicators in the report


# --- filling, in a fresh process ----------------------------------------------------------


def bench_app(url: str) -> Flask:
    settings = Settings(
        web=WebSettings(secret_key=secrets.token_hex(32), secure_cookies=False),
        database=DatabaseSettings(url=url),
        instance_path=INSTANCE_DIR,
    )
    return create_app(settings)


def meta_path(kind: str) -> Path:
    return OUT_DIR / f"bilan-{kind.lower()}.json"


def reusable(kind: str, url: str, *, youth: int, seed: int) -> dict[str, Any] | None:
    """The description of an already-filled database holding this run's data at the code's
    latest migration; else None."""
    path = meta_path(kind)
    if not path.exists():
        return None
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if (meta["youth"], meta["seed"], meta.get("url")) != (youth, seed, url):
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            contacts = connection.scalar(text("SELECT count(*) FROM contacts"))
        if revision != head_revision() or contacts != meta["counts"]["contacts"]:
            return None
    except sqlalchemy.exc.DBAPIError:
        return None
    finally:
        engine.dispose()
    return meta


def recreate_database(admin: URL, *, drop_only: bool) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        if not drop_only:
            connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    engine.dispose()


def prepare(kind: str, url: str, *, youth: int, seed: int, keep: bool) -> dict[str, Any]:
    """A filled database: the one kept from an earlier run (``--keep``), else a new one."""
    if keep:
        meta = reusable(kind, url, youth=youth, seed=seed)
        if meta is not None:
            return {**meta, "reused": True}
    if kind == "SQLite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        recreate_database(sqlalchemy.make_url(url).set(database="postgres"), drop_only=False)
    app = bench_app(url)
    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        migrated = time.perf_counter()
        filled = fill(
            db.engine, youth=youth, seed=seed, password_hash=hash_password(PILOT_PASSWORD)
        )
        analysed = time.perf_counter()
        if db.engine.dialect.name == "postgresql":  # what autovacuum does within a minute
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:  # SQLite: no ANALYZE, as the application runs none
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        done = time.perf_counter()
        db.engine.dispose()
    timing = {
        "migrate": migrated - started,
        **filled.timing,
        "analyze": done - analysed,
        "total": done - started,
    }
    meta = {**asdict(filled), "seed": seed, "url": url, "timing": timing}
    meta_path(kind).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return {**meta, "reused": False}


# --- measuring, in a fresh process --------------------------------------------------------


def freeze_clock() -> None:
    clock.today = lambda: TODAY
    clock.now = lambda: NOW


def cpu_loop() -> float:
    """The machine's baseline: a fixed pure-Python loop (best of 3)."""
    tries = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(CPU_LOOP):
            total += number * number
        tries.append(time.perf_counter() - started)
    return min(tries)


def measure(url: str, meta: dict[str, Any], *, runs: int, requests: int) -> dict[str, Any]:
    from sqlalchemy.orm import Session

    from psad.reports.bilan import compute_bilan
    from psad.reports.figures import Period, Scope
    from psad.reports.indicators import REGISTRY
    from psad.reports.workbook import write_workbook

    freeze_clock()
    app = bench_app(url)
    result: dict[str, Any] = {"baseline": {"cpu_loop": cpu_loop()}}
    period = Period.school_year_of(TODAY)
    psad_id = meta["psad_id"]
    with app.app_context():
        engine = db.engine
        statements = Statements(engine)
        with engine.connect() as connection:
            tries = []
            for _ in range(3):
                started = time.perf_counter()
                connection.execute(text("SELECT count(*) FROM contacts")).scalar()
                tries.append(time.perf_counter() - started)
        result["baseline"]["count_contacts"] = min(tries)
        # The whole bilan: compute, then the workbook written to a file
        bilan_runs = []
        figures: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as folder:
            for number in range(runs):
                session = Session(engine)
                statements.count = 0
                started, started_cpu = time.perf_counter(), cpu_seconds()
                bilan = compute_bilan(session, [psad_id], period, produced_at=NOW)
                computed = time.perf_counter()
                target = Path(folder) / f"bilan-{number}.xlsx"
                write_workbook(bilan, target)
                written = time.perf_counter()
                bilan_runs.append(
                    {
                        "compute": computed - started,
                        "workbook": written - computed,
                        "total": written - started,
                        "cpu": cpu_seconds() - started_cpu,
                        "statements": statements.count,
                        "bytes": target.stat().st_size,
                    }
                )
                session.close()
                figures = {
                    code: [figure(r.current), figure(r.previous)]
                    for code, r in bilan.results.items()
                }
        result["bilan"] = bilan_runs
        result["figures"] = figures
        # Each indicator alone, current then previous period
        scopes = (Scope((psad_id,), period), Scope((psad_id,), period.previous()))
        timed = []
        with Session(engine) as session:
            for code, indicator in REGISTRY.items():
                seconds = []
                for scope in scopes:
                    started = time.perf_counter()
                    indicator.compute(session, scope)
                    seconds.append(time.perf_counter() - started)
                timed.append({"code": code, "current": seconds[0], "previous": seconds[1]})
        timed.sort(key=lambda row: -(row["current"] + row["previous"]))
        result["indicators"] = timed
        # The dashboard page
        client = app.test_client()
        sign_in_as_pilot(client)
        statements.count = 0
        first = client.get("/bilan")
        page = {
            "status": first.status_code,
            "bytes": len(first.data),
            "statements": statements.count,
        }
        wall, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), cpu_seconds()
            client.get("/bilan")
            wall.append(time.perf_counter() - started)
            cpu.append(cpu_seconds() - started_cpu)
        page.update(
            requests=len(wall),
            p50=percentile(wall, 0.5),
            max=max(wall),
            cpu_p50=percentile(cpu, 0.5),
        )
        result["dashboard"] = page
        engine.dispose()
    return result


def sign_in_as_pilot(client: Any) -> None:
    """Through the log-in form, as the pilote would."""
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    form = {"csrf_token": token.group(1), "email": PILOT_EMAIL, "password": PILOT_PASSWORD}
    response = client.post("/connexion", data=form)
    assert response.status_code == 302, f"log-in refused ({response.status_code})"


def figure(value: Any) -> Any:
    if isinstance(value, list):
        return sum(int(row.value.number or 0) for row in value)
    return value.number


# --- a throw-away PostgreSQL --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server() -> tuple[str, str]:
    """A PostgreSQL server of its own (``scripts/pg_local.sh``): its URL and folder."""
    folder = tempfile.mkdtemp(prefix="psad-bilan-pg.")
    script = str(BENCH_DIR.parent / "scripts" / "pg_local.sh")
    subprocess.run(
        ["bash", str(BENCH_DIR.parent / "scripts" / "ensure_system.sh"), "postgresql"], check=True
    )
    url = subprocess.run(
        ["bash", script, "start", folder, str(free_port())],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return url, folder


def stop_server(folder: str) -> None:
    script = str(BENCH_DIR.parent / "scripts" / "pg_local.sh")
    subprocess.run(["bash", script, "stop", folder], check=False)


# --- the run ------------------------------------------------------------------------------


def report(figures: dict[str, Any]) -> str:
    machine = figures["machine"]
    lines = [
        f"Machine : {machine['cpus']} CPU, Python {machine['python']}, {machine['platform']}, "
        f"SQLite {machine['sqlite']}, PostgreSQL {machine.get('postgresql') or '-'}, "
        f"SQLAlchemy {machine['sqlalchemy']} ; code psad {machine['code']} ; "
        f"charge {machine['load_before']:.1f} avant, {machine['load_after']:.1f} après",
        f"Données : {thousands(figures['youth'])} jeunes dans la PSAD mesurée, graine "
        f"{figures['seed']}, jour {TODAY:%d/%m/%Y} ; bilan de l'année scolaire 2025-2026 "
        f"(et 2024-2025) ; {figures['runs']} bilans, {figures['requests']} affichages du "
        f"tableau de bord après 1 d'échauffement ; cibles : classeur < {TARGET_WORKBOOK_S:g} s, "
        f"tableau de bord < {TARGET_DASHBOARD_S:g} s",
    ]
    if machine["code_after"] != machine["code"]:
        lines.append("ATTENTION : le code de psad/ a changé pendant la mesure : relancez.")
    if max(machine["load_before"], machine["load_after"]) > machine["cpus"]:
        lines.append("ATTENTION : machine chargée par d'autres processus, durées bruitées.")
    for kind, result in figures["databases"].items():
        fill_meta, measured = result["fill"], result["measure"]
        timing = fill_meta["timing"]
        counts = ", ".join(f"{name} {thousands(n)}" for name, n in fill_meta["counts"].items())
        when = "réutilisée (--keep), remplie" if fill_meta["reused"] else "remplie"
        base = measured["baseline"]
        runs = measured["bilan"]
        best = min(runs, key=lambda run: run["total"])
        median = statistics.median(run["total"] for run in runs)
        page = measured["dashboard"]
        lines += [
            "",
            f"== {kind} ==",
            f"Base {when} en {timing['total']:.0f} s (migrations {timing['migrate']:.1f}, "
            f"génération {timing['generate']:.1f}, écriture {timing['write']:.1f}, "
            f"analyse {timing['analyze']:.1f}) : {counts}",
            f"Référence : boucle CPU fixe {base['cpu_loop']:.3f} s ; "
            f"SELECT count(*) FROM contacts {base['count_contacts'] * 1000:.1f} ms",
            f"Bilan complet (calcul + classeur écrit) : meilleur {best['total']:.2f} s "
            f"(calcul {best['compute']:.2f} + classeur {best['workbook']:.2f}, CPU "
            f"{best['cpu']:.2f}), médiane {median:.2f} s ; {best['statements']} requêtes SQL, "
            f"{best['bytes'] // 1024} Ko ; = {best['total'] / base['cpu_loop']:.1f} × la boucle "
            f"CPU ; cible < {TARGET_WORKBOOK_S:g} s {verdict(best['total'] < TARGET_WORKBOOK_S)}",
            f"Tableau de bord /bilan : statut {page['status']}, {page['bytes'] // 1024} Ko, "
            f"{page['statements']} requêtes SQL ; p50 {page['p50']:.2f} s, max {page['max']:.2f} s "
            f"(CPU p50 {page['cpu_p50']:.2f}) ; = {page['p50'] / base['cpu_loop']:.1f} × la "
            f"boucle CPU ; cible < {TARGET_DASHBOARD_S:g} s "
            f"{verdict(page['max'] < TARGET_DASHBOARD_S and page['status'] == 200)}",
            "Indicateurs les plus lents, calculés seuls (période, période précédente), ms :",
        ]
        for row in measured["indicators"][:SLOWEST_SHOWN]:
            lines.append(
                f"  {row['code']:<32}{row['current'] * 1000:>9.1f}{row['previous'] * 1000:>9.1f}"
            )
        rest = measured["indicators"][SLOWEST_SHOWN:]
        if rest:
            lines.append(
                f"  les {len(rest)} autres : "
                f"{sum(r['current'] + r['previous'] for r in rest) * 1000:.0f} ms en tout"
            )
        shown = ("listed", "contacted", "reached", "solution_started", "youth_reviewed")
        lines.append(
            "Quelques chiffres (période / précédente) : "
            + ", ".join(
                f"{code} {measured['figures'][code][0]} / {measured['figures'][code][1]}"
                for code in shown
                if code in measured["figures"]
            )
        )
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=100_000, help="jeunes de la PSAD mesurée")
    parser.add_argument("--seed", type=int, default=2026, help="graine du générateur")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PSAD_BENCH_PG_URL"),
        help=f"serveur PostgreSQL, la mesure y crée sa base « {PG_DATABASE} » ; sans : un "
        "serveur jetable (scripts/pg_local.sh)",
    )
    parser.add_argument("--runs", type=int, default=3, help="bilans complets mesurés")
    parser.add_argument("--requests", type=int, default=5, help="affichages du tableau de bord")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="réutilise la base déjà remplie (mêmes --youth, --seed et serveur) et la garde",
    )
    parser.add_argument("--json", action="store_true", help="chiffres en JSON sur la sortie")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    OUT_DIR.mkdir(exist_ok=True)
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.machine()}",
            "sqlite": sqlite3.sqlite_version,
            "sqlalchemy": sqlalchemy.__version__,
            "code": code_fingerprint(),
            "load_before": os.getloadavg()[0],
        },
        "youth": arguments.youth,
        "seed": arguments.seed,
        "runs": arguments.runs,
        "requests": arguments.requests,
        "targets": {"workbook_s": TARGET_WORKBOOK_S, "dashboard_s": TARGET_DASHBOARD_S},
        "databases": {},
    }
    targets: list[tuple[str, str]] = []
    if arguments.db in ("sqlite", "both"):
        targets.append(("SQLite", f"sqlite:///{SQLITE_PATH}"))
    server, folder = None, None
    if arguments.db in ("postgresql", "both"):
        pg_url = arguments.pg_url
        if not pg_url:
            say("Démarrage d'un serveur PostgreSQL jetable…")
            pg_url, folder = start_server()
        server = postgres_server(pg_url)
        if server is not None:
            figures["machine"]["postgresql"] = server[1]
            url = server[0].set(database=PG_DATABASE).render_as_string(hide_password=False)
            targets.append(("PostgreSQL", url))
    try:
        for kind, url in targets:
            say(f"[{kind}] base de mesure ({arguments.youth} jeunes)…")
            filled = in_fresh_process(
                prepare, kind, url, youth=arguments.youth, seed=arguments.seed, keep=arguments.keep
            )
            say(f"[{kind}] remplie en {filled['timing']['total']:.0f} s ; mesure…")
            measured = in_fresh_process(
                measure, url, filled, runs=arguments.runs, requests=arguments.requests
            )
            figures["databases"][kind] = {"fill": filled, "measure": measured}
    finally:
        if server is not None and not (arguments.keep and folder is None):
            recreate_database(server[0], drop_only=True)
        if folder is not None:
            stop_server(folder)
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

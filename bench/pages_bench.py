"""Benchmark of the pages at 200,000 youth (issue 11, "Speed"): not a test, never run by pytest.

It fills a database (``pages_data.py``: 200,000 youth in the measured PSAD, 20,000 in each of
four others, with their cases, listings, contacts and tasks; seeded, bulk statements), then
measures the server time (wall and CPU) of the pages through the real application signed in
as the PSAD's pilote through the log-in form: the list's default tab, the list filtered by
three criteria, a name search (accent-free spelling of a common surname), the last page of
the default tab, a youth's file with 50 timeline entries, « Mes tâches », and as the
baseline a bare route registered by the benchmark that renders a template of the list page's
size without any query. SQLite (a file in ``bench/out``, the app's pragmas) and PostgreSQL (a
database of its own on the server, dropped at the end unless ``--keep``). Targets: p95 under
100 ms for each page, and within 3 x the bare route's p95.

    .venv/bin/python bench/pages_bench.py [--youth N] [--db sqlite|postgresql|both]
        [--pg-url URL] [--requests N] [--keep] [--json]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import math
import os
import platform
import pstats
import re
import secrets
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import flask_migrate
import sqlalchemy
from alembic.script import ScriptDirectory
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from import_bench import (
    OUT_DIR,
    code_fingerprint,
    cpu_seconds,
    in_fresh_process,
    postgres_server,
    say,
    verdict,
)
from pages_data import (
    NOW,
    PILOT_EMAIL,
    PILOT_PASSWORD,
    SEARCH,
    TIMELINE_CONTACTS,
    TODAY,
    Filled,
    fill,
    youth_count,
)
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from psad import clock, create_app
from psad.auth.passwords import hash_password
from psad.config import DatabaseSettings, Settings, WebSettings, shipped
from psad.extensions import db
from psad.youth.models import Youth

SQLITE_PATH = OUT_DIR / "pages.sqlite"
PG_DATABASE = "psad_pages_bench"  # created by the run, dropped at the end unless --keep
INSTANCE_DIR = OUT_DIR / "pages-instance"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:55433/postgres"

TARGET_P95_MS = 100.0
TARGET_BARE_RATIO = 3.0
MIN_REQUESTS = 5  # a page slower than its time budget still gets these
LIST_REFRESH_CHUNK = 5_000
SLOWEST_SHOWN = 3  # statements per page in the report
PROFILE_LINES = 25

PAGE_LABELS = {
    "default": "liste, onglet par défaut",
    "filtered": "liste filtrée (3 critères)",
    "search": f"recherche « {SEARCH} »",
    "last_page": "dernière page de l'onglet",
    "file": "dossier (50 entrées)",
    "tasks": "Mes tâches",
    "bare": "route nue (même taille)",
}


# --- filling, in a fresh process ----------------------------------------------------------


def bench_app(url: str) -> Flask:
    settings = Settings(
        web=WebSettings(secret_key=secrets.token_hex(32), secure_cookies=False),
        database=DatabaseSettings(url=url),
        instance_path=INSTANCE_DIR,
    )
    return create_app(settings)


def head_revision() -> str | None:
    return ScriptDirectory(str(shipped("migrations"))).get_current_head()


def meta_path(kind: str) -> Path:
    return OUT_DIR / f"pages-{kind.lower()}.json"


def reusable(kind: str, url: str, *, youth: int, seed: int) -> dict[str, Any] | None:
    """The description of an already-filled database, when it holds this run's data and is
    at the code's latest migration; else None."""
    path = meta_path(kind)
    if not path.exists():
        return None
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if (meta["youth"], meta["seed"]) != (youth, seed):
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
        if revision != head_revision() or youth_count(engine) != meta["total_youth"]:
            return None
    except sqlalchemy.exc.DBAPIError:
        return None
    finally:
        engine.dispose()
    return meta


def empty_database(kind: str, url: str) -> None:
    if kind == "SQLite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    recreate_database(make_admin(url), drop_only=False)


def make_admin(url: str) -> URL:
    return sqlalchemy.make_url(url).set(database="postgres")


def recreate_database(admin: URL, *, drop_only: bool) -> None:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        if not drop_only:
            connection.execute(text(f'CREATE DATABASE "{PG_DATABASE}"'))
    engine.dispose()


def prepare(
    kind: str, url: str, *, youth: int, seed: int, keep: bool, refresh: bool, stats: bool
) -> dict[str, Any]:
    """A filled database: the one kept from an earlier run (``--keep``; its list columns
    computed again with ``--refresh``), else a new one."""
    if keep:
        meta = reusable(kind, url, youth=youth, seed=seed)
        if meta is not None:
            if refresh:
                engine = create_engine(url)
                meta["timing"]["list_columns"] = refresh_list_columns(engine, stats=stats)
                engine.dispose()
                meta["code"] = code_fingerprint()
                meta_path(kind).write_text(json.dumps(meta, indent=2), encoding="utf-8")
            return {**meta, "reused": True}
    empty_database(kind, url)
    app = bench_app(url)
    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade(revision="head")
        engine = db.engine
        migrated = time.perf_counter()
        filled: Filled = fill(
            engine, youth=youth, seed=seed, password_hash=hash_password(PILOT_PASSWORD)
        )
        timing: dict[str, float | None] = {"migrate": migrated - started, **filled.timing}
        timing["list_columns"] = refresh_list_columns(engine, stats=stats)
        timing["analyze"] = analyze(engine)
        timing["total"] = time.perf_counter() - started
    meta = {
        **asdict(filled),
        "seed": seed,
        "timing": timing,
        "code": code_fingerprint(),
        "sqlite_stats": stats and kind == "SQLite",
    }
    meta_path(kind).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return {**meta, "reused": False}


def refresh_list_columns(engine: Engine, *, stats: bool) -> float | None:
    """Fill the youths' denormalized list columns (``psad.followup.liststate``) after the
    bulk load, which its flush hook does not see; None while that module does not exist.

    ``stats`` (SQLite): ANALYZE first, so that the planner knows the tables' shapes while it
    refreshes, then forget the statistics, so that the pages run as on the application's
    database, which never runs ANALYZE."""
    try:
        liststate: Any = importlib.import_module("psad.followup.liststate")
    except ModuleNotFoundError:
        return None
    started = time.perf_counter()
    sqlite_stats = stats and engine.dialect.name == "sqlite"
    if sqlite_stats:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    with Session(engine) as session:
        if hasattr(liststate, "refresh_all"):
            liststate.refresh_all(session)
        else:
            ids = list(session.scalars(select(Youth.id).order_by(Youth.id)))
            for start in range(0, len(ids), LIST_REFRESH_CHUNK):
                liststate.refresh(session, ids[start : start + LIST_REFRESH_CHUNK])
        session.commit()
    if sqlite_stats:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
            connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat4")
    return time.perf_counter() - started


def analyze(engine: Engine) -> float:
    """PostgreSQL: VACUUM ANALYZE, what autovacuum does within a minute of a large write.
    SQLite: nothing, as the application runs no ANALYZE of its own."""
    started = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


# --- measuring, in a fresh process --------------------------------------------------------


BARE_TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Route nue</title></head><body><main>
<table class="table table-striped align-middle"><thead><tr><th scope="col">Nom</th>
<th scope="col">INE</th><th scope="col">Commune</th><th scope="col">Dossier</th></tr></thead>
<tbody>{% for row in rows %}
<tr><th scope="row"><a href="/jeunes/{{ row.id }}?depuis=onglet%3Da-traiter">{{ row.name }}</a>
</th><td>{{ row.ine }}</td><td>{{ row.commune }}</td>
<td><span class="badge">{{ row.state }}</span></td></tr>
{% endfor %}</tbody></table></main></body></html>"""


class Bare:
    """The baseline route: a template rendered without a query, as large as the list page."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def view(self) -> str:
        return render_template_string(BARE_TEMPLATE, rows=self.rows)

    def size_to(self, client: FlaskClient, size: int) -> None:
        """Add rows until the page weighs ``size`` bytes (to one row's size)."""
        self.rows = [self._row(number) for number in range(100)]
        per_row = (len(client.get("/banc/nu").data) - len(self._empty(client))) / 100
        wanted = max(0, round((size - len(self._empty(client))) / per_row))
        self.rows = [self._row(number) for number in range(wanted)]

    def _empty(self, client: FlaskClient) -> bytes:
        rows, self.rows = self.rows, []
        page = client.get("/banc/nu").data
        self.rows = rows
        return page

    @staticmethod
    def _row(number: int) -> dict[str, object]:
        return {
            "id": 100_000 + number,
            "name": f"LEFÈVRE Éloïse-{number}",
            "ine": f"{number:010d}K",
            "commune": "Villeneuve-d'Ascq",
            "state": "Ouvert",
        }


class Statements:
    """Counts the SQL statements the application sends; keeps them when asked, so that each
    one can be timed again alone (``replay``)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.kept: list[tuple[str, Any]] | None = None
        event.listen(engine, "before_cursor_execute", self._sent)

    def _sent(
        self, connection: Any, cursor: Any, statement: str, parameters: Any, *args: Any
    ) -> None:
        self.count += 1
        if self.kept is not None:
            self.kept.append((statement, parameters))

    @contextmanager
    def keeping(self) -> Iterator[list[tuple[str, Any]]]:
        kept: list[tuple[str, Any]] = []
        self.kept = kept
        try:
            yield kept
        finally:
            self.kept = None


def replay(engine: Engine, sent: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Each SELECT of one page view run again alone, rows fetched, best of 3 (a statement
    timed inside the request would leave out SQLite's work, done while rows are fetched);
    the slowest statements first, each with its calls and their total milliseconds."""
    seconds: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    with engine.connect() as connection:
        for statement, parameters in sent:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            tries = []
            for _ in range(3):
                started = time.perf_counter()
                connection.exec_driver_sql(statement, parameters).fetchall()
                tries.append(time.perf_counter() - started)
            key = " ".join(statement.split())
            seconds[key] += min(tries)
            calls[key] += 1
        connection.rollback()
    slowest = sorted(seconds, key=lambda key: -seconds[key])[:SLOWEST_SHOWN]
    return [{"ms": seconds[key] * 1000, "calls": calls[key], "sql": key} for key in slowest]


def freeze_clock() -> None:
    """The pages see the day the data were drawn for (``pages_data.TODAY``), so that a kept
    database shows the same lists any day (the tests' frozen_clock does the same)."""
    clock.today = lambda: TODAY
    clock.now = lambda: NOW


def sign_in(client: FlaskClient) -> None:
    """Through the log-in form, as the pilote would."""
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the log-in page"
    form = {"csrf_token": token.group(1), "email": PILOT_EMAIL, "password": PILOT_PASSWORD}
    response = client.post("/connexion", data=form)
    assert response.status_code == 302, f"log-in refused ({response.status_code})"


def shown_count(page: str) -> int | None:
    """The list's count (« 1 234 jeunes »), spaces and thin spaces ignored."""
    found = re.search(r'role="status"[^>]*>\s*([\d\s\u00a0\u202f.]+?)\s*jeunes?\b', page)
    return int(re.sub(r"\D", "", found.group(1))) if found else None


def shown_tasks(page: str) -> int | None:
    """The number of open tasks « Mes tâches » shows: the sum of its groups' counts."""
    groups = re.findall(r'<h2 id="groupe-[^"]*"[^>]*>[^<]*\((\d+)\)\s*</h2>', page)
    return sum(int(number) for number in groups) if groups else None


def page_size() -> int:
    try:
        from psad.followup.worklist import PAGE_SIZE
    except ImportError:
        return 25
    return int(PAGE_SIZE)


def urls_of(meta: dict[str, Any], default_count: int) -> dict[str, str]:
    last = max(1, math.ceil(default_count / page_size()))
    return {
        "default": "/jeunes",
        "filtered": f"/jeunes?onglet=en-cours&age=mineur&structure={meta['filter_structure_id']}",
        "search": f"/jeunes?q={SEARCH}",
        "last_page": f"/jeunes?page={last}",
        "file": f"/jeunes/{meta['long_file_id']}",
        "tasks": "/taches",
        "bare": "/banc/nu",
    }


def check(name: str, page: str, expected: dict[str, Any]) -> str | None:
    """What is wrong with a page's content (None when it shows what the data say)."""
    tabs = expected["tabs"]
    wanted: int | None = {
        "default": tabs.get("a-traiter", 0),
        "filtered": expected["filtered"],
        "search": expected["search_in_default_tab"],
        "last_page": tabs.get("a-traiter", 0),
    }.get(name)
    if wanted is not None:
        shown = shown_count(page)
        if shown == wanted:
            return None
        if name == "filtered" and shown == tabs.get("en-cours"):
            return f"filtres âge et structure ignorés (affiche {shown}, attendu {wanted})"
        return f"compte affiché {shown}, attendu {wanted}"
    if name == "tasks":
        shown = shown_tasks(page)
        wanted = expected["pilot_open_tasks"]
        return None if shown == wanted else f"tâches affichées {shown}, attendu {wanted}"
    if name == "file":
        entries = page.count("Prise de contact")
        return None if entries >= TIMELINE_CONTACTS else f"{entries} contacts dans l'historique"
    return None


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(
    url: str,
    meta: dict[str, Any],
    *,
    requests: int,
    warmup: int,
    budget: float,
    profile_to: str | None = None,
) -> Any:
    """Every page ``warmup`` times, then ``requests`` times each, in turns (a page past its
    time budget stops after MIN_REQUESTS); then once more, its statements timed alone; and
    with ``profile_to`` (a file name prefix), once more under cProfile."""
    freeze_clock()
    app = bench_app(url)
    bare = Bare()
    app.add_url_rule("/banc/nu", "bench_bare", bare.view)
    with app.app_context():
        statements = Statements(db.engine)
    client = app.test_client()
    anonymous = app.test_client()  # the bare route: no session, hence no query at all
    sign_in(client)
    first = client.get("/jeunes")
    urls = urls_of(meta, shown_count(first.get_data(as_text=True)) or 0)
    bare.size_to(anonymous, len(first.data))
    clients: dict[str, Callable[[str], Any]] = {
        name: (anonymous if name == "bare" else client).get for name in urls
    }
    pages: dict[str, dict[str, Any]] = {}
    for name, address in urls.items():
        statements.count = 0
        response = clients[name](address)
        body = response.get_data(as_text=True)
        pages[name] = {
            "url": address,
            "status": response.status_code,
            "bytes": len(response.data),
            "statements": statements.count,
            "problem": None if response.status_code == 200 else f"statut {response.status_code}",
            "wall": [],
            "cpu": [],
        }
        pages[name]["problem"] = pages[name]["problem"] or check(name, body, meta["expected"])
    for _ in range(warmup - 1):
        for name, address in urls.items():
            clients[name](address)
    for _ in range(requests):
        for name, address in urls.items():
            page = pages[name]
            if len(page["wall"]) >= MIN_REQUESTS and sum(page["wall"]) > budget:
                continue
            started, started_cpu = time.perf_counter(), cpu_seconds()
            clients[name](address)
            page["wall"].append(time.perf_counter() - started)
            page["cpu"].append(cpu_seconds() - started_cpu)
    with app.app_context():
        for name, address in urls.items():
            with statements.keeping() as sent:
                clients[name](address)
            pages[name]["slowest"] = replay(db.engine, sent)
        db.engine.dispose()
    if profile_to:
        for name, address in urls.items():
            pages[name]["profile"] = profile_page(clients[name], address, f"{profile_to}{name}")
    return summarize(pages)


def profile_page(get: Callable[[str], Any], address: str, prefix: str) -> str:
    """One request under cProfile: the statistics file, and its top on standard error."""
    profiler = cProfile.Profile()
    profiler.enable()
    get(address)
    profiler.disable()
    target = f"{prefix}.prof"
    profiler.dump_stats(target)
    say(f"--- profil de {address} ({target})")
    stats = pstats.Stats(target, stream=sys.stderr).strip_dirs()
    stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
    stats.sort_stats("tottime").print_stats(PROFILE_LINES)
    return target


def summarize(pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    bare_p95 = percentile(pages["bare"]["wall"], 0.95)
    for page in pages.values():
        wall, cpu = page.pop("wall"), page.pop("cpu")
        page.update(
            requests=len(wall),
            p50_ms=percentile(wall, 0.5) * 1000,
            p95_ms=percentile(wall, 0.95) * 1000,
            max_ms=max(wall) * 1000,
            cpu_p50_ms=percentile(cpu, 0.5) * 1000,
            cpu_p95_ms=percentile(cpu, 0.95) * 1000,
            bare_ratio=percentile(wall, 0.95) / bare_p95,
        )
        page["on_target"] = page["p95_ms"] < TARGET_P95_MS and (
            page["bare_ratio"] <= TARGET_BARE_RATIO
        )
    return pages


# --- the run ------------------------------------------------------------------------------


def report(figures: dict[str, Any]) -> str:
    machine = figures["machine"]
    lines = [
        f"Machine : {machine['cpus']} CPU, Python {machine['python']}, {machine['platform']}, "
        f"SQLite {machine['sqlite']}, PostgreSQL {machine.get('postgresql') or '-'}, "
        f"SQLAlchemy {machine['sqlalchemy']} ; code psad {machine['code']} ; "
        f"charge {machine['load_before']:.1f} avant, {machine['load_after']:.1f} après",
        f"Données : {thousands(figures['youth'])} jeunes dans la PSAD mesurée, graine "
        f"{figures['seed']}, jour {TODAY:%d/%m/%Y} ; {figures['requests']} requêtes par page "
        f"(budget {figures['budget']:g} s par page, au moins {MIN_REQUESTS}) après "
        f"{figures['warmup']} d'échauffement ; cibles : p95 < {TARGET_P95_MS:g} ms et "
        f"≤ {TARGET_BARE_RATIO:g} × la route nue",
    ]
    if machine["code_after"] != machine["code"]:
        lines.append("ATTENTION : le code de psad/ a changé pendant la mesure : relancez.")
    if max(machine["load_before"], machine["load_after"]) > machine["cpus"]:
        lines.append("ATTENTION : machine chargée par d'autres processus, durées bruitées.")
    for kind, result in figures["databases"].items():
        lines += ["", f"== {kind} ==", filling_line(result["fill"]), ""]
        lines.append(
            f"{'page':<28}{'SQL':>5}{'octets':>9}{'n':>4}{'p50':>8}{'p95':>8}{'max':>8}"
            f"{'CPU p50':>9}{'× nue':>7}  cible"
        )
        for name, page in result["pages"].items():
            lines.append(
                f"{PAGE_LABELS[name]:<28}{page['statements']:>5}{page['bytes']:>9}"
                f"{page['requests']:>4}{page['p50_ms']:>8.1f}{page['p95_ms']:>8.1f}"
                f"{page['max_ms']:>8.1f}{page['cpu_p50_ms']:>9.1f}{page['bare_ratio']:>7.1f}"
                f"  {verdict(page['on_target'])}"
                + (f"  ATTENTION : {page['problem']}" if page["problem"] else "")
            )
        lines += ["", "Requêtes les plus lentes, rejouées seules (ms par affichage × appels) :"]
        for name, page in result["pages"].items():
            for statement in page["slowest"]:
                if statement["ms"] >= 1:
                    lines.append(
                        f"  {PAGE_LABELS[name]} : {statement['ms']:.1f} ms × "
                        f"{statement['calls']} — {shown_sql(statement['sql'])}"
                    )
    return "\n".join(lines)


def shown_sql(sql: str, width: int = 300) -> str:
    """A statement short enough to read: long select lists become « … »."""

    def shorten(found: re.Match[str]) -> str:
        return found.group(0) if len(found.group(1)) <= 40 else "SELECT … FROM"

    short = re.sub(r"SELECT ((?:(?!SELECT |FROM ).)*?) FROM", shorten, sql)
    placeholder = r"(?:%\(\w+\)s(?:::\w+)?|\?)"
    short = re.sub(rf"\({placeholder}(?:, {placeholder})+\)", "(…)", short)
    return short if len(short) <= width else short[: width - 1] + "…"


def filling_line(fill: dict[str, Any]) -> str:
    timing = fill["timing"]
    refresh = timing.get("list_columns")
    columns = "absent" if refresh is None else f"{refresh:.1f} s"
    if fill.get("sqlite_stats"):
        columns += " (après ANALYZE, statistiques effacées ensuite)"
    when = "base réutilisée (--keep), remplie" if fill["reused"] else "remplie"
    return (
        f"{thousands(fill['total_youth'])} jeunes, {thousands(fill['rows'])} lignes ; {when} en "
        f"{timing['total']:.0f} s : migrations {timing['migrate']:.1f} s, génération "
        f"{timing['generate']:.1f} s, écriture {timing['write']:.1f} s, colonnes de liste "
        f"(psad.followup.liststate) {columns}, analyse {timing['analyze']:.1f} s"
    )


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--youth", type=int, default=200_000, help="jeunes de la PSAD mesurée")
    parser.add_argument("--seed", type=int, default=2026, help="graine du générateur")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PSAD_BENCH_PG_URL") or DEFAULT_PG_URL,
        help=f"serveur PostgreSQL ; la mesure y crée sa base « {PG_DATABASE} »",
    )
    parser.add_argument("--requests", type=int, default=50, help="requêtes mesurées par page")
    parser.add_argument("--warmup", type=int, default=5, help="requêtes d'échauffement par page")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="secondes de mesure au plus par page"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="réutilise la base déjà remplie (mêmes --youth et --seed) et la garde à la fin",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="avec --keep : recalcule les colonnes de liste (psad.followup.liststate)",
    )
    parser.add_argument(
        "--sqlite-stats",
        action="store_true",
        help="SQLite : ANALYZE avant de calculer les colonnes de liste, statistiques "
        "effacées ensuite (les pages sont mesurées sans, comme dans l'application)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile aussi une requête de chaque page (cProfile, fichiers dans bench/out)",
    )
    parser.add_argument(
        "--json", action="store_true", help="chiffres en JSON sur la sortie standard"
    )
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
        "requests": arguments.requests,
        "warmup": arguments.warmup,
        "budget": arguments.budget,
        "targets": {"p95_ms": TARGET_P95_MS, "bare_ratio": TARGET_BARE_RATIO},
        "databases": {},
    }
    targets: list[tuple[str, str]] = []
    if arguments.db in ("sqlite", "both"):
        targets.append(("SQLite", f"sqlite:///{SQLITE_PATH}"))
    server = None
    if arguments.db in ("postgresql", "both"):
        server = postgres_server(arguments.pg_url)
        if server is not None:
            figures["machine"]["postgresql"] = server[1]
            url = server[0].set(database=PG_DATABASE).render_as_string(hide_password=False)
            targets.append(("PostgreSQL", url))
    try:
        for kind, url in targets:
            say(f"[{kind}] base de mesure ({arguments.youth} jeunes)…")
            filled = in_fresh_process(
                prepare,
                kind,
                url,
                youth=arguments.youth,
                seed=arguments.seed,
                keep=arguments.keep,
                refresh=arguments.refresh,
                stats=arguments.sqlite_stats,
            )
            say(f"[{kind}] {filling_line(filled)}")
            say(f"[{kind}] mesure des pages…")
            pages = in_fresh_process(
                measure,
                url,
                filled,
                requests=arguments.requests,
                warmup=arguments.warmup,
                budget=arguments.budget,
                profile_to=str(OUT_DIR / f"pages-{kind.lower()}-") if arguments.profile else None,
            )
            figures["databases"][kind] = {"fill": filled, "pages": pages}
    finally:
        if server is not None and not arguments.keep:
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

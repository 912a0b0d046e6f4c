"""Fixtures shared by the whole suite.

The same tests run on SQLite (a fresh database file per test) and on PostgreSQL
(``PSAD_TEST_DATABASE_URL``: one rolled-back transaction per test; tests marked
``committed`` really commit and the tables are emptied afterwards).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner, Result
from flask import Flask, appcontext_pushed
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, object_session

from psad import cli as cli_module
from psad import clock, create_app
from psad.auth.models import Psad, Role, User
from psad.auth.passwords import use_hasher
from psad.auth.sessions import open_session
from psad.config import DatabaseSettings, Settings, WebSettings
from psad.db import Base
from psad.extensions import db
from psad.followup import liststate
from psad.web.session import TOKEN_KEY
from tests.factories import PASSWORD, make_psad, make_user

PG_URL = os.environ.get("PSAD_TEST_DATABASE_URL") or None
# Argon2 with its production parameters takes about 0.1 s a hash: the suite uses cheap ones
# (tests/auth/test_passwords.py checks the real ones).
use_hasher(PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
SECRET = "test-secret-key-0123456789abcdef"


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL' if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine | None]:
    if not PG_URL:
        yield None
        return
    import psad.models  # noqa: F401

    engine = create_engine(PG_URL)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database with every table, created once and copied for each test."""
    import psad.models  # noqa: F401

    path = tmp_path_factory.mktemp("template") / "psad.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()
    return path


@pytest.fixture
def make_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    def build(**sections: dict[str, object]) -> Settings:
        url = PG_URL or f"sqlite:///{tmp_path / 'psad.sqlite'}"
        web = {"secret_key": SECRET, "secure_cookies": False, **sections.pop("web", {})}
        return Settings(
            web=WebSettings(**web),
            database=DatabaseSettings(url=url),
            instance_path=tmp_path / "instance",
            **_sections(sections),
        )

    return build


def _sections(sections: dict[str, dict[str, object]]) -> dict[str, object]:
    from psad.config import SECTIONS

    return {name: SECTIONS[name](**values) for name, values in sections.items()}


@pytest.fixture
def settings(make_settings, request: pytest.FixtureRequest) -> Settings:  # type: ignore[no-untyped-def]
    """The suite's settings; a test changes some with ``tests.helpers.with_settings``."""
    return make_settings(**getattr(request, "param", {}))


@pytest.fixture
def app(
    settings: Settings,
    pg_engine: Engine | None,
    sqlite_template: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    app = create_app(settings)
    app.config["TESTING"] = True
    committed = request.node.get_closest_marker("committed") is not None
    with app.app_context():
        engine = db.engine
    if pg_engine is None:
        database = Path(engine.url.database or "")
        if not database.exists():
            shutil.copyfile(sqlite_template, database)
        Base.metadata.create_all(engine)  # no-op on the copy; kept for a custom URL
        app.extensions["psad_test_bind"] = engine
        yield app
        engine.dispose()
        return
    if committed:
        app.extensions["psad_test_bind"] = engine
        try:
            yield app
        finally:
            _empty_tables(pg_engine)
            engine.dispose()
        return
    connection = pg_engine.connect()
    outer = connection.begin()
    with app.app_context():
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    app.extensions["psad_test_bind"] = connection
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.session.configure(bind=None, join_transaction_mode="conditional_savepoint")
        outer.rollback()
        connection.close()
        engine.dispose()


def _empty_tables(engine: Engine) -> None:
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of the test's own (arrange and assert); commit to show data to requests."""
    bind = app.extensions["psad_test_bind"]
    session = Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=True)
    yield session
    if session.is_active:  # every write path kept the lists' copy of the facts
        with session.no_autoflush:
            assert liststate.stale(session) == [], "youth whose list columns are stale"
    session.close()


class Client(FlaskClient):
    """The test client, with a log-in and forms that carry their CSRF token."""

    def csrf_token(self) -> str:
        page = self.get("/connexion", follow_redirects=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        form = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=form, **kwargs)

    def sign_in(self, user: User, psad: Psad | None = None) -> None:
        """Open a session for ``user`` without the slow password check (log-in has its tests).

        The session row is committed with whatever the test's session holds, as a request
        could not see the user otherwise. ``psad`` chooses the user's current PSAD.
        """
        owner = object_session(user)
        if owner is None:
            owner = Session(bind=self.application.extensions["psad_test_bind"])
            user = owner.merge(user)
        token = open_session(owner, user=user, now=clock.now())
        owner.commit()
        with self.session_transaction() as cookie:
            cookie["_user_id"] = str(user.id)
            cookie["_fresh"] = True
            cookie[TOKEN_KEY] = token
            if psad is not None:
                cookie["psad_id"] = psad.id

    def login(self, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        response = self.submit("/connexion", {"email": email, "password": password})
        assert response.status_code == 302, response.text
        return response


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


# --- the people most tests need -------------------------------------------------------


@pytest.fixture
def psad(session: Session) -> Psad:
    """The PSAD de Lille (code LILLE), flushed: a test commits it when requests must see it."""
    return make_psad(session, code="LILLE", name="PSAD de Lille")


@pytest.fixture
def committed_psad(session: Session, psad: Psad) -> Psad:
    """The shared PSAD, committed (for commands, threads and other connections)."""
    session.commit()
    return psad


@pytest.fixture
def pilot(session: Session, psad: Psad) -> User:
    """Claire Martin, pilote of ``psad`` (pilote@psad.example, password ``PASSWORD``); committed."""
    user = make_user(
        session, psad=psad, role=Role.PILOT, email="pilote@psad.example", full_name="Claire Martin"
    )
    session.commit()
    return user


@pytest.fixture
def admin(session: Session) -> User:
    """An administrator with no PSAD (admin@psad.example); committed."""
    user = make_user(session, email="admin@psad.example", is_admin=True)
    session.commit()
    return user


# --- the command line -------------------------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A clean PSAD_* environment; the instance folder in tmp; yields the config path to use."""
    for name in list(os.environ):
        if name.startswith("PSAD_") and name != "PSAD_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PSAD_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    config = tmp_path / "cli.toml"
    monkeypatch.setenv("PSAD_CONFIG", str(config))
    yield config


@pytest.fixture
def run(app: Flask, settings: Settings, cli_env: Path) -> Iterator[Run]:
    """Invoke `psad ...` against the test database; engines it opened are closed afterwards."""
    cli_env.write_text(
        f'[web]\nsecret_key = "{SECRET}"\n[database]\nurl = "{settings.database_url}"\n',
        encoding="utf-8",
    )
    opened: list[Flask] = []

    def remember(sender: Flask, **extra: object) -> None:
        if sender is not app:
            opened.append(sender)

    def invoke(*args: str, password: str | None = None, input: str | None = None) -> Result:
        env = {"PSAD_PASSWORD": password} if password else {}
        return CliRunner().invoke(cli_module.cli, list(args), env=env, input=input)

    appcontext_pushed.connect(remember)
    try:
        yield invoke
    finally:
        appcontext_pushed.disconnect(remember)
        for other in opened:
            with other.app_context():
                db.engine.dispose()

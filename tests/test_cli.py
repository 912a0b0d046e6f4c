"""The `psad` command: what it prints, what it stores, how it fails.

Each command builds its own application from the file named by ``PSAD_CONFIG`` and commits
through its own connection, hence ``committed`` (on PostgreSQL the tables are emptied after).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select

from psad import cli as cli_module
from psad.auth.models import Membership, Psad, Role, User
from psad.auth.passwords import verify_password
from psad.demo import DEMO_USERS
from psad.youth.models import Case, Youth
from tests.conftest import SECRET
from tests.factories import make_structure
from tests.helpers import count

pytestmark = pytest.mark.committed

GOOD_PASSWORD = "un mot de passe solide"


# --- help and start-up errors -------------------------------------------------------------


def test_help_lists_the_commands():
    result = CliRunner().invoke(cli_module.cli, ["--help"])

    assert result.exit_code == 0
    for command in ("serve", "demo", "psad", "users", "db", "config"):
        assert f"  {command} " in result.output


def test_help_works_without_any_configuration(cli_env):
    result = CliRunner().invoke(cli_module.cli, ["users", "create", "--help"])

    assert result.exit_code == 0
    assert "PSAD_PASSWORD" in result.output


def test_missing_secret_key_stops_with_one_line_naming_the_key(cli_env, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["psad", "psad", "create", "X", "--name", "X"])

    with pytest.raises(SystemExit) as stopped:
        cli_module.main()

    assert stopped.value.code == 2
    error = capsys.readouterr().err.strip()
    assert "[web] secret_key" in error
    assert len(error.splitlines()) == 1


def test_invalid_setting_stops_with_the_key_named(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("PSAD_SECRET_KEY", SECRET)
    monkeypatch.setenv("PSAD_WEB_PORT", "http")
    monkeypatch.setattr(sys, "argv", ["psad", "serve"])

    with pytest.raises(SystemExit) as stopped:
        cli_module.main()

    assert stopped.value.code == 2
    assert "[web] port" in capsys.readouterr().err


# --- psad psad create ---------------------------------------------------------------------


def test_psad_create_stores_the_psad_and_says_so(run, session):
    result = run("psad", "create", "hainaut", "--name", "PSAD du Hainaut")

    assert result.exit_code == 0, result.output
    assert "PSAD HAINAUT créée : PSAD du Hainaut." in result.output
    psad = session.scalars(select(Psad).where(Psad.code == "HAINAUT")).one()
    assert psad.name == "PSAD du Hainaut"


def test_psad_create_twice_fails_with_french_message(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run("psad", "create", "LILLE", "--name", "Autre nom")

    assert result.exit_code == 1
    assert "Erreur : La PSAD LILLE existe déjà." in result.output
    assert count(session, Psad) == 1
    assert session.scalars(select(Psad.name)).one() == "PSAD de Lille"


def test_psad_create_with_invalid_code_fails(run, session):
    result = run("psad", "create", "PSAD DE LILLE", "--name", "Lille")

    assert result.exit_code == 1
    assert "Code de PSAD" in result.output
    assert "invalide" in result.output
    assert count(session, Psad) == 0


def test_psad_create_without_name_is_a_usage_error(run):
    result = run("psad", "create", "LILLE")

    assert result.exit_code == 2
    assert "--name" in result.output


# --- psad users create --------------------------------------------------------------------


def test_users_create_with_password_from_environment(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run(
        "users", "create", "Pilote@Lille.example", "--role", "pilote", "--psad", "lille",
        password=GOOD_PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Utilisateur pilote@lille.example créé (pilote dans la PSAD LILLE)." in result.output
    user = session.scalars(select(User).where(User.email == "pilote@lille.example")).one()
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    assert [(m.psad.code, m.role) for m in user.memberships] == [("LILLE", Role.PILOT)]


def test_users_create_asks_the_password_when_no_variable(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run(
        "users", "create", "copilote@lille.example", "--role", "co-pilote", "--psad", "LILLE",
        input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "copilote@lille.example")).one()
    assert user.memberships[0].role is Role.COPILOT


def test_users_create_refuses_a_short_password(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run(
        "users", "create", "pilote@lille.example", "--role", "pilote", "--psad", "LILLE",
        password="court",
    )  # fmt: skip

    assert result.exit_code == 1
    assert "Le mot de passe doit compter au moins 12 caractères." in result.output
    assert count(session, User) == 0


def test_users_create_with_unknown_psad_fails(run, session):
    result = run(
        "users", "create", "pilote@lille.example", "--role", "pilote", "--psad", "NOPE",
        password=GOOD_PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 1
    assert "PSAD NOPE inconnue" in result.output
    assert count(session, User) == 0


def test_users_create_without_psad_for_a_pilot_is_a_usage_error(run, session):
    result = run("users", "create", "pilote@lille.example", "--role", "pilote", password="x")

    assert result.exit_code == 2
    assert "--psad est obligatoire" in result.output
    assert count(session, User) == 0


def test_users_create_with_unknown_role_is_a_usage_error(run):
    result = run("users", "create", "x@lille.example", "--role", "chef", "--psad", "LILLE")

    assert result.exit_code == 2
    assert "--role" in result.output


def test_users_create_with_invalid_email_fails(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run(
        "users", "create", "pas-une-adresse", "--role", "pilote", "--psad", "LILLE",
        password=GOOD_PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 1
    assert "Adresse électronique « pas-une-adresse » invalide" in result.output
    assert count(session, User) == 0


def test_users_create_partner_without_structure_fails_and_saves_nothing(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")

    result = run(
        "users", "create", "lycee@lille.example", "--role", "partenaire", "--psad", "LILLE",
        password=GOOD_PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 1
    assert "Un partenaire doit être rattaché à une structure." in result.output
    assert count(session, User) == 0


def test_users_create_partner_of_a_structure(run, session, psad):
    make_structure(session, psad, name="Lycée Baggio")
    session.commit()

    result = run(
        "users", "create", "lycee@lille.example", "--role", "partenaire", "--psad", "LILLE",
        "--structure", "Lycée Baggio", password=GOOD_PASSWORD,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    membership = session.scalars(select(Membership)).one()
    assert membership.role is Role.PARTNER
    assert membership.structure is not None
    assert membership.structure.name == "Lycée Baggio"


def test_users_create_admin_needs_no_psad(run, session):
    result = run("users", "create", "admin@psad.example", "--role", "admin", password=GOOD_PASSWORD)

    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert user.is_admin
    assert user.memberships == []


def test_users_create_duplicate_fails(run, session):
    run("psad", "create", "LILLE", "--name", "PSAD de Lille")
    args = ("users", "create", "pilote@lille.example", "--role", "pilote", "--psad", "LILLE")
    run(*args, password=GOOD_PASSWORD)

    result = run(*args, password=GOOD_PASSWORD)

    assert result.exit_code == 1
    assert "Un utilisateur pilote@lille.example existe déjà." in result.output
    assert count(session, User) == 1


# --- psad demo ----------------------------------------------------------------------------


def test_demo_creates_the_demo_psad_with_one_user_per_role(run, session):
    result = run("demo", "--youth", "20")

    assert result.exit_code == 0, result.output
    assert "PSAD DEMO créée avec des données fictives." in result.output
    assert all(f"{email} " in result.output for email, _, _ in DEMO_USERS)
    psad = session.scalars(select(Psad).where(Psad.code == "DEMO")).one()
    assert count(session, Youth, Youth.psad_id == psad.id) == 20
    assert count(session, Case, Case.psad_id == psad.id) == 20
    roles = set(session.scalars(select(Membership.role).where(Membership.psad_id == psad.id)))
    assert roles == set(Role)
    assert session.scalars(select(User).where(User.is_admin.is_(True))).one().memberships == []


def test_demo_twice_changes_nothing_and_prints_the_login_details_again(run, session):
    run("demo", "--youth", "20")
    before = (count(session, Youth), count(session, User), count(session, Case))

    result = run("demo", "--youth", "20")

    assert result.exit_code == 0, result.output
    assert "PSAD DEMO déjà présente : rien n'a été modifié." in result.output
    assert (count(session, Youth), count(session, User), count(session, Case)) == before
    assert all(email in result.output for email, _, _ in DEMO_USERS)


def test_demo_users_can_log_in_with_the_printed_passwords(run, app, client):
    run("demo", "--youth", "20")

    statuses = []
    for email, password, _label in DEMO_USERS:
        client = app.test_client()
        client.login(email, password)  # type: ignore[attr-defined]
        statuses.append(client.get("/").status_code)

    assert statuses == [200] * len(DEMO_USERS)


# --- psad db upgrade ----------------------------------------------------------------------


@pytest.mark.filterwarnings(
    "ignore:.get_engine. is deprecated:DeprecationWarning"  # migrations/env.py, not ours
)
def test_db_upgrade_creates_the_tables_in_an_empty_database(cli_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    cli_env.write_text(f'[web]\nsecret_key = "{SECRET}"\n[database]\nurl = "{url}"\n')

    result = CliRunner().invoke(cli_module.cli, ["db", "upgrade"])

    assert result.exit_code == 0, result.output
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"psads", "users", "memberships", "youths", "cases", "audit_events"} <= tables


# --- psad serve ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, str, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                return answer.status, answer.headers.get("Server", ""), answer.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_answers_on_the_configured_address(cli_env, tmp_path):
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    cli_env.write_text(
        f'[web]\nsecret_key = "{SECRET}"\nport = {port}\n[database]\nurl = "{url}"\n'
    )
    server = subprocess.Popen(
        [sys.executable, "-c", "from psad.cli import main; main()", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, software, page = _get(f"http://127.0.0.1:{port}/connexion", time.monotonic() + 20)
    finally:
        server.terminate()
        printed, _ = server.communicate(timeout=10)

    assert (status, software) == (200, "psad")  # waitress, announcing itself as « psad »
    assert '<h1 class="h3 mb-3">Connexion</h1>' in page
    assert f"Suivi PSAD sur http://127.0.0.1:{port}/" in printed

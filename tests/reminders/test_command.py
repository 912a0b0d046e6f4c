"""``psad reminders run``: what it prints in French, what it stores and sends, how it fails;
and the warning ``psad serve`` prints, once, at start when e-mail is on without a public
address (``psad.app`` logs it for every entry point).

The command builds its own application from ``PSAD_CONFIG`` and commits through its own
connection, hence ``committed``.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from datetime import date

import pytest

from psad.app import NO_BASE_URL
from psad.audit.actions import AuditAction
from psad.outbox.models import OutboxMessage
from psad.reminders.models import Notification
from tests.conftest import SECRET
from tests.followup.conftest import world
from tests.helpers import count, events
from tests.mailserver import TIMEOUT_SECONDS, LoopbackSmtp, smtp_server
from tests.reminders.test_run import tasks
from tests.test_cli import _free_port

__all__ = ["smtp_server", "tasks", "world"]

pytestmark = pytest.mark.committed

MAIL_OFF = "Envoi de courriels désactivé ([mail] host) : rappels dans l'application seulement."


@pytest.fixture
def mail_on(monkeypatch: pytest.MonkeyPatch, cli_env, smtp_server: LoopbackSmtp) -> LoopbackSmtp:  # type: ignore[no-untyped-def]
    """E-mail to the loopback server and a public address, through the environment."""
    for name, value in {
        "PSAD_MAIL_HOST": smtp_server.host,
        "PSAD_MAIL_PORT": str(smtp_server.port),
        "PSAD_MAIL_SECURITY": "none",
        "PSAD_MAIL_SENDER": "psad@psad.example",
        "PSAD_MAIL_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "PSAD_WEB_BASE_URL": "https://psad.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    return smtp_server


def test_run_prints_the_reminders_of_each_kind_and_the_emails(run, session, tasks, mail_on):
    result = run("reminders", "run", "--today", "2026-12-07")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Rappels du lundi 7 décembre 2026 :",
        "  Tâches en retard : 1 rappel",
        "  Tâches du jour : 1 rappel",
        "  Dossiers ouverts sans contact : 3 rappels",
        "Personnes prévenues : 3",
        "Courriels : 3 mis en file d'attente, 3 envoyés, 0 à réessayer, 0 en échec.",
    ]
    assert len(mail_on.wait_for(3)) == 3
    assert count(session, Notification) == 5
    assert len(events(session, AuditAction.REMINDERS_RUN.value)) == 1


def test_a_second_run_says_there_is_nothing_new(run, session, tasks, mail_on):
    run("reminders", "run", "--today", "2026-12-07")

    result = run("reminders", "run", "--today", "2026-12-07")

    assert result.exit_code == 0, result.output
    assert "  Aucun nouveau rappel." in result.output
    assert (
        "Courriels : 0 mis en file d'attente, 0 envoyé, 0 à réessayer, 0 en échec." in result.output
    )
    assert len(mail_on.messages) == 3


def test_run_with_email_off_says_reminders_stay_in_the_app(run, session, tasks):
    result = run("reminders", "run", "--today", "2026-12-07")

    assert result.exit_code == 0, result.output
    assert MAIL_OFF in result.output
    assert "Courriels :" not in result.output
    assert count(session, Notification) == 5
    assert count(session, OutboxMessage) == 0


def test_a_dry_run_prints_the_counts_and_writes_nothing(run, session, tasks, mail_on):
    result = run("reminders", "run", "--today", "2026-12-07", "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "Simulation (--dry-run) : rien n'est enregistré ni envoyé."
    )
    assert "  Dossiers ouverts sans contact : 3 rappels" in result.output
    assert "Courriels qui seraient envoyés : 3" in result.output
    assert count(session, Notification) == 0
    assert count(session, OutboxMessage) == 0
    assert mail_on.messages == []


def test_today_is_the_day_of_the_reminders(run, session, tasks):
    result = run("reminders", "run", "--today", "2026-12-01")

    assert result.exit_code == 0, result.output
    assert "Rappels du mardi 1er décembre 2026 :" in result.output
    assert "Tâches en retard" not in result.output  # the late task was due on 4 December
    assert count(session, Notification, Notification.day == date(2026, 12, 1)) > 0


@pytest.mark.parametrize("day", ["2026-13-01", "07/12/2026", "demain"])
def test_a_bad_date_stops_with_code_2_and_a_french_message(run, session, day: str):
    result = run("reminders", "run", "--today", day)

    assert result.exit_code == 2
    assert f"Erreur : date « {day} » invalide pour --today : attendu AAAA-MM-JJ" in result.output
    assert count(session, Notification) == 0


def test_without_a_public_address_the_emails_give_paths(run, session, tasks, mail_on,
                                                       monkeypatch):  # fmt: skip
    monkeypatch.delenv("PSAD_WEB_BASE_URL")

    result = run("reminders", "run", "--today", "2026-12-07")

    assert result.exit_code == 0, result.output
    assert "Les liens vers l'application ne sont pas disponibles" in mail_on.wait_for(3)[0].text


def test_serve_warns_at_start_when_email_is_on_without_a_public_address(cli_env, tmp_path,
                                                                        monkeypatch):  # fmt: skip
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    cli_env.write_text(
        f'[web]\nsecret_key = "{SECRET}"\nport = {port}\n[database]\nurl = "{url}"\n'
        '[mail]\nhost = "127.0.0.1"\n'
    )
    server = subprocess.Popen(
        [sys.executable, "-c", "from psad.cli import main; main()", "serve", "--no-scheduler"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
    finally:
        server.terminate()
        printed, _ = server.communicate(timeout=10)

    assert printed.count(NO_BASE_URL) == 1

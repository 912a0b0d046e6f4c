"""What the « mot de passe oublié » tests share: e-mail to a real loopback SMTP server, a
public address, a clock the tests move, and the steps a person takes.

``settings``: ``[mail]`` reaching ``smtp_server``, ``[web] base_url`` BASE_URL; a test
changes a section with ``tests.helpers.with_settings`` (``mail={}``: e-mail off).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from psad import clock
from psad.config import Settings
from psad.outbox.jobs import deliver_outbox
from tests.mailserver import LoopbackSmtp, ReceivedMail, mail_section, smtp_server

__all__ = ["smtp_server"]

BASE_URL = "https://psad.example.org"
NOW = datetime(2026, 12, 7, 13, 30, tzinfo=UTC)  # 14:30 in Paris
NEW_PASSWORD = "un tout nouveau mot de passe"
SENT = (
    "Si un compte correspond à cette adresse, un courriel vient de lui être envoyé avec un "
    "lien valable 1 heure."
)
LINK_GONE = "Ce lien n'est plus valable : demandez-en un nouveau."
LINK = re.compile(re.escape(BASE_URL) + r"(/connexion/nouveau/[A-Za-z0-9_-]+)")

Clock = Callable[[timedelta], None]


@pytest.fixture
def settings(make_settings, smtp_server: LoopbackSmtp, request: pytest.FixtureRequest) -> Settings:  # type: ignore[no-untyped-def]
    sections: dict[str, dict[str, object]] = {
        "mail": mail_section(smtp_server),
        "web": {"base_url": BASE_URL},
        **getattr(request, "param", {}),
    }
    return make_settings(**sections)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The pages' clock, at NOW; ``at(timedelta(minutes=61))`` moves it to NOW + 61 minutes."""

    def move(offset: timedelta) -> None:
        monkeypatch.setattr(clock, "now", lambda: NOW + offset)

    move(timedelta())
    return move


def ask_for_link(client: Any, email: str, ip: str = "192.0.2.10") -> Any:
    """« Mot de passe oublié ? »: the address typed and sent, from the client address ``ip``."""
    return client.submit("/connexion/oubli", {"email": email}, environ_base={"REMOTE_ADDR": ip})


def deliver(app: Flask, server: LoopbackSmtp, expected: int = 1) -> list[ReceivedMail]:
    """Run the outbox's delivery job; the messages the server holds (at least ``expected``)."""
    deliver_outbox(app)
    return server.wait_for(expected)


def link_in(mail: ReceivedMail) -> str:
    """The path of the reset link an e-mail carries."""
    match = LINK.search(mail.text)
    assert match, mail.text
    return match.group(1)


def choose(client: Any, path: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> Any:
    confirm = password if confirm is None else confirm
    return client.submit(path, {"new": password, "confirm": confirm})

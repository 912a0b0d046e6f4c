"""The scheduler's delivery job, and what start-up says about e-mail."""

from __future__ import annotations

import logging

import pytest

from psad import clock, create_app
from psad.config import Settings
from psad.outbox.jobs import deliver_outbox
from psad.outbox.models import OutboxState
from tests.mailserver import LoopbackSmtp, mail_section
from tests.outbox.conftest import SUBJECT, queue, reloaded

BASE_URL = "https://psad.example.org"
WARNING = "les liens des courriels ne peuvent pas être construits"


@pytest.fixture
def settings(make_settings, smtp_server: LoopbackSmtp) -> Settings:  # type: ignore[no-untyped-def]
    """The app's [mail] reaches the loopback server."""
    return make_settings(mail=mail_section(smtp_server), web={"base_url": BASE_URL})


def test_the_job_sends_what_is_due(app, session, smtp_server):
    message = queue(session, now=clock.now())
    session.commit()

    deliver_outbox(app)

    [mail] = smtp_server.wait_for(1)
    assert mail.subject == SUBJECT
    assert reloaded(session, message).state is OutboxState.SENT


def test_the_job_does_nothing_when_email_is_off(make_settings, session, smtp_server):
    off = create_app(make_settings())
    message = queue(session)
    session.commit()

    deliver_outbox(off)

    assert smtp_server.messages == []
    assert reloaded(session, message).state is OutboxState.QUEUED


def test_start_up_warns_when_email_is_on_without_the_public_address(
    make_settings, smtp_server, caplog
):
    caplog.set_level(logging.WARNING, logger="psad")

    create_app(make_settings(mail=mail_section(smtp_server)))

    assert any(
        WARNING in r.getMessage() and "PSAD_WEB_BASE_URL" in r.getMessage() for r in caplog.records
    )


@pytest.mark.parametrize("mail_on", [True, False])
def test_start_up_is_quiet_otherwise(make_settings, smtp_server, caplog, mail_on):
    caplog.set_level(logging.WARNING, logger="psad")
    mail = {"mail": mail_section(smtp_server)} if mail_on else {}

    create_app(make_settings(web={"base_url": BASE_URL} if mail_on else {}, **mail))

    assert not any(WARNING in r.getMessage() for r in caplog.records)

"""The scheduler's delivery job (e-mail and SMS), and what start-up says about e-mail."""

from __future__ import annotations

import logging

import pytest

from psad import clock, create_app
from psad.config import Settings
from psad.outbox.jobs import deliver_outbox
from psad.outbox.models import OutboxState
from tests.mailserver import LoopbackSmtp, mail_section
from tests.outbox.conftest import SUBJECT, TOKEN, YOUTH_NUMBER, queue, queue_sms, reloaded
from tests.smsserver import sms_section

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


def test_the_job_does_nothing_when_email_and_sms_are_off(
    make_settings, session, smtp_server, sms_server
):
    off = create_app(make_settings())
    message = queue(session)
    sms = queue_sms(session)
    session.commit()

    deliver_outbox(off)

    assert smtp_server.messages == [] and sms_server.messages == []
    assert reloaded(session, message).state is OutboxState.QUEUED
    assert reloaded(session, sms).state is OutboxState.QUEUED


def test_the_job_sends_the_sms_when_email_is_off(make_settings, session, smtp_server, sms_server):
    sms_only = create_app(make_settings(sms=sms_section(sms_server), web={"base_url": BASE_URL}))
    email = queue(session, now=clock.now())
    sms = queue_sms(session, now=clock.now())
    session.commit()

    deliver_outbox(sms_only)

    [received] = sms_server.wait_for(1)
    assert received.to == YOUTH_NUMBER and TOKEN in received.text
    assert reloaded(session, sms).state is OutboxState.SENT
    assert reloaded(session, email).state is OutboxState.QUEUED
    assert smtp_server.messages == []


def test_the_job_sends_both_when_both_are_on(make_settings, session, smtp_server, sms_server):
    both = create_app(
        make_settings(
            mail=mail_section(smtp_server),
            sms=sms_section(sms_server),
            web={"base_url": BASE_URL},
        )
    )
    email = queue(session, now=clock.now())
    sms = queue_sms(session, now=clock.now())
    session.commit()

    deliver_outbox(both)

    assert [m.subject for m in smtp_server.wait_for(1)] == [SUBJECT]
    assert [m.to for m in sms_server.wait_for(1)] == [YOUTH_NUMBER]
    assert reloaded(session, email).state is OutboxState.SENT
    assert reloaded(session, sms).state is OutboxState.SENT


def test_the_email_part_leaves_the_sms_queued_when_sms_is_off(app, session, sms_server):
    sms = queue_sms(session, now=clock.now())
    session.commit()

    deliver_outbox(app)

    assert sms_server.messages == []
    assert reloaded(session, sms).state is OutboxState.QUEUED


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

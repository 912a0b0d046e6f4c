"""The scheduler's daily job of the automatic reminders: at ``[messages] reminder_hour``
(Paris), run only by the lease holder; it queues the reminders, forgets the raw tokens of
expired links, and does nothing more without ``[web] base_url``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from psad import clock
from psad.config import Settings
from psad.messages.jobs import send_auto_reminders
from psad.messages.models import MessagingSettings, ReplyToken, YouthMessage
from psad.messages.tokens import valid_token
from psad.outbox.jobs import deliver_outbox
from psad.outbox.models import OutboxMessage, OutboxPurpose
from psad.scheduler import REMINDERS_GRACE, LeasedJobs, configure
from tests.helpers import count, with_settings
from tests.mailserver import LoopbackSmtp, mail_section, smtp_server
from tests.messages.conftest import (
    BASE_URL,
    NOW,
    SECTIONS,
    frozen_clock,
    make_sent_message,
    msg,
    send,
    world,
)

__all__ = ["frozen_clock", "msg", "smtp_server", "world"]

SENT = NOW - timedelta(days=3)
SKIPPED = "automatic reminders skipped: [web] base_url"


@pytest.fixture
def settings(make_settings, smtp_server: LoopbackSmtp, request: pytest.FixtureRequest) -> Settings:  # type: ignore[no-untyped-def]
    """The messages' settings, e-mail delivered to the loopback server; ``with_settings``
    changes a section."""
    changed: dict[str, dict[str, object]] = dict(getattr(request, "param", {}))
    return make_settings(**{**SECTIONS, "mail": mail_section(smtp_server), **changed})


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    """A scheduler that is configured but never started (its jobs are only looked at)."""
    yield BackgroundScheduler(timezone=clock.PARIS)


@pytest.fixture
def due(session, msg):  # type: ignore[no-untyped-def]
    """Reminders after 3 days; the pilote's e-mail to Éloïse delivered 3 days ago."""
    session.get_one(MessagingSettings, msg.psad.id).auto_reminder_days = 3
    message = make_sent_message(session, msg, msg.minor, sent_at=SENT)
    session.commit()
    return message


def reminders(session) -> int:  # type: ignore[no-untyped-def]
    return count(session, OutboxMessage, OutboxMessage.purpose == OutboxPurpose.MESSAGE_REMINDER)


@with_settings(messages={"reminder_hour": 9})
def test_the_job_runs_daily_at_the_configured_hour_in_paris(app, scheduler):
    configure(app, scheduler)

    job = scheduler.get_job("message_reminders")
    assert isinstance(job.trigger, CronTrigger)
    fields = {field.name: str(field) for field in job.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day"]) == ("9", "0", "*")
    assert str(job.trigger.timezone) == "Europe/Paris"
    assert job.coalesce is True
    assert job.misfire_grace_time == REMINDERS_GRACE


def test_the_job_queues_the_reminders_due(app, session, due, frozen_clock):
    queued = send_auto_reminders(app)

    assert queued == 1
    session.expire_all()
    [reminder] = session.scalars(select(YouthMessage).where(YouthMessage.reminder_of_id == due.id))
    assert reminder.youth_id == due.youth_id


def test_the_scheduled_job_runs_only_with_the_lease(app, session, due, scheduler, frozen_clock):
    LeasedJobs(app).renew()  # another process holds the lease
    jobs = configure(app, scheduler)
    jobs.renew()

    scheduler.get_job("message_reminders").func()

    assert not jobs.leader
    assert reminders(session) == 0


def without_public_address(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The app's settings lose ``[web] base_url`` (after the message was sent with it)."""
    settings = app.extensions["psad_settings"]
    web = replace(settings.web, base_url=None)
    monkeypatch.setitem(app.extensions, "psad_settings", replace(settings, web=web))


def test_without_the_public_address_nothing_is_queued(app, session, due, frozen_clock, caplog,
                                                      monkeypatch):  # fmt: skip
    without_public_address(app, monkeypatch)
    caplog.set_level(logging.WARNING, logger="psad")

    queued = send_auto_reminders(app)

    assert queued == 0
    assert reminders(session) == 0
    assert any(SKIPPED in record.getMessage() for record in caplog.records)


def test_expired_links_lose_their_raw_token_even_without_the_public_address(
    app, session, due, frozen_clock, monkeypatch
):
    without_public_address(app, monkeypatch)
    session.get_one(ReplyToken, due.reply_token_id).expires_at = NOW - timedelta(days=1)
    session.commit()

    send_auto_reminders(app)

    session.expire_all()
    assert session.get_one(OutboxMessage, due.outbox_message_id).secret is None


LINK = re.compile(re.escape(BASE_URL) + r"/r/([A-Za-z0-9_-]+)")


def test_the_youth_receives_the_reminder_with_a_working_link(app, session, msg, smtp_server,
                                                             monkeypatch):  # fmt: skip
    """Sent and delivered on 04/12; the run of 07/12 reminds, the outbox delivers it."""
    session.get_one(MessagingSettings, msg.psad.id).auto_reminder_days = 3
    send(session, msg, [msg.minor], now=SENT)
    session.commit()
    monkeypatch.setattr(clock, "now", lambda: SENT)
    deliver_outbox(app)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setattr(clock, "today", lambda: NOW.date())

    send_auto_reminders(app)
    deliver_outbox(app)

    first, reminder = smtp_server.wait_for(2)
    assert reminder.recipients == ["eloise.lefevre@example.org"]
    assert reminder.subject == "PSAD de Lille : un petit rappel"
    assert "Nous t'avons écrit il y a quelques jours" in reminder.text
    links = [LINK.search(mail.text) for mail in (first, reminder)]
    assert all(links), "a personal link in each e-mail"
    for link in links:
        token = valid_token(session, link.group(1), NOW)  # type: ignore[union-attr]
        assert token is not None and token.youth_id == msg.minor.id

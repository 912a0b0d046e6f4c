"""The scheduler's reminders: the daily job at ``[reminders] hour:minute`` (Paris), the outbox
delivered every minute, both run only by the lease holder; a process that starts (or takes
over) after the day's time runs the day's reminders at once, once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from psad import clock
from psad.config import ReminderSettings, Settings
from psad.reminders.jobs import send_reminders
from psad.reminders.models import Notification
from psad.scheduler import REMINDERS_GRACE, LeasedJobs, configure
from tests.followup.conftest import NOW, TODAY, world
from tests.helpers import count
from tests.mailserver import LoopbackSmtp, mail_section, smtp_server
from tests.reminders.test_run import BASE_URL, add_tasks, only_mail_to, tasks

__all__ = ["smtp_server", "tasks", "world"]

EARLY = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)  # 06:00 in Paris, before 06:45


@pytest.fixture
def settings(make_settings, smtp_server: LoopbackSmtp, tmp_path: Path) -> Settings:  # type: ignore[no-untyped-def]
    """Reminders at 06:45; e-mail to the loopback server; the drop folder in tmp."""
    return make_settings(
        mail=mail_section(smtp_server),
        web={"base_url": BASE_URL},
        reminders={"hour": 6, "minute": 45},
        imports={"inbox_dir": str(tmp_path / "inbox")},
    )


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    """A scheduler that is configured but never started (its jobs are only looked at)."""
    yield BackgroundScheduler(timezone=clock.PARIS)


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def test_the_reminders_run_daily_at_the_configured_time_in_paris(app, scheduler):
    configure(app, scheduler)

    job = scheduler.get_job("reminders")
    assert isinstance(job.trigger, CronTrigger)
    fields = {field.name: str(field) for field in job.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day"]) == ("6", "45", "*")
    assert str(job.trigger.timezone) == "Europe/Paris"
    assert job.coalesce is True
    assert job.misfire_grace_time == REMINDERS_GRACE == 12 * 3600


def test_the_outbox_is_delivered_every_minute(app, scheduler):
    configure(app, scheduler)

    job = scheduler.get_job("outbox")
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(minutes=1)
    assert job.coalesce is True


def test_the_daily_job_sends_the_reminders_of_today(app, session, tasks, smtp_server,
                                                    monkeypatch):  # fmt: skip
    at(monkeypatch, NOW)

    report = send_reminders(app)

    assert report.today == TODAY and report.emails_sent == 3
    mail = only_mail_to(smtp_server, tasks.partner)
    assert mail.subject == "PSAD de Lille — vos rappels du lundi 7 décembre 2026"
    assert f"{BASE_URL}/taches?" in mail.text


def test_leading_after_the_time_runs_the_day_at_once_and_once(app, session, tasks, scheduler,
                                                             smtp_server, monkeypatch):  # fmt: skip
    at(monkeypatch, NOW)  # 10:00 in Paris: the 06:45 run was missed (the process was down)
    jobs = configure(app, scheduler)

    jobs.renew()  # the process becomes the leader
    catch_up = scheduler.get_job("reminders_catch_up")
    assert catch_up is not None
    catch_up.func()
    jobs.renew()  # still the leader: nothing more to catch up
    scheduler.get_job("reminders").func()  # and should the daily job fire as well

    assert len(smtp_server.wait_for(3)) == 3
    time.sleep(0.2)
    assert len(smtp_server.messages) == 3
    assert count(session, Notification) == 5


def test_leading_before_the_time_waits_for_it(app, scheduler, monkeypatch):
    at(monkeypatch, EARLY)
    jobs = configure(app, scheduler)

    jobs.renew()

    assert jobs.leader
    assert scheduler.get_job("reminders_catch_up") is None


def test_a_process_without_the_lease_runs_nothing(app, session, tasks, scheduler, smtp_server,
                                                  monkeypatch):  # fmt: skip
    at(monkeypatch, NOW)
    LeasedJobs(app).renew()  # another process holds the lease
    jobs = configure(app, scheduler)

    jobs.renew()
    scheduler.get_job("reminders").func()

    assert not jobs.leader
    assert scheduler.get_job("reminders_catch_up") is None
    assert count(session, Notification) == 0
    assert smtp_server.messages == []


@pytest.mark.committed
def test_a_started_scheduler_catches_up_on_its_own(app: Flask, session, world, smtp_server,
                                                   monkeypatch):  # fmt: skip
    """The real thing: APScheduler started after the day's time (on the real clock), the
    lease taken, the day's reminders run and the digests delivered, once."""
    add_tasks(session, world)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    real = BackgroundScheduler(timezone=clock.PARIS)
    at_midnight = replace(app.extensions["psad_settings"], reminders=ReminderSettings(hour=0))
    monkeypatch.setitem(app.extensions, "psad_settings", at_midnight)  # always past on any clock
    configure(app, real)
    real.start()
    try:
        received = smtp_server.wait_for(3, timeout=20)
    finally:
        real.shutdown(wait=True)

    assert sorted(r for mail in received for r in mail.recipients) == sorted(
        [world.pilot.email, world.copilot.email, world.partner.email]
    )
    assert count(session, Notification) == 5

"""The nightly purge of the outbox: the e-mails to users (a digest names youth; a password
link) are deleted ``[mail] keep_sent_days`` after they were written, once sent or failed; the
messages to youth stay with the youth's file (anonymised with it)."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from psad import clock
from psad.outbox.jobs import purge_outbox
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.scheduler import configure
from tests.helpers import with_settings
from tests.outbox.conftest import queue, queue_email_to_youth


def written(session, key: str, *, days_ago: float, state: OutboxState, **over) -> None:  # type: ignore[no-untyped-def]
    message = queue(session, key, now=clock.now() - timedelta(days=days_ago), **over)
    message.state = state


def keys_left(session) -> list[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return sorted(session.scalars(select(OutboxMessage.key)))


def test_the_emails_to_users_are_deleted_after_thirty_days_once_done(app, session):
    written(session, "digest:old-sent", days_ago=31, state=OutboxState.SENT)
    written(session, "digest:old-failed", days_ago=31, state=OutboxState.FAILED)
    written(
        session,
        "reset:old",
        days_ago=40,
        state=OutboxState.SENT,
        purpose=OutboxPurpose.PASSWORD_RESET,
    )
    written(session, "digest:recent", days_ago=29, state=OutboxState.SENT)
    written(session, "digest:old-queued", days_ago=31, state=OutboxState.QUEUED)
    session.commit()

    purge_outbox(app)

    assert keys_left(session) == ["digest:old-queued", "digest:recent"]


def test_the_messages_to_youth_stay_with_the_youth_s_file(app, session):
    youth_message = queue_email_to_youth(
        session, "message:old", now=clock.now() - timedelta(days=400)
    )
    youth_message.state = OutboxState.SENT
    session.commit()

    purge_outbox(app)

    assert keys_left(session) == ["message:old"]


@with_settings(mail={"keep_sent_days": 7})
def test_the_delay_is_configured(app, session):
    written(session, "digest:8-days", days_ago=8, state=OutboxState.SENT)
    written(session, "digest:6-days", days_ago=6, state=OutboxState.SENT)
    session.commit()

    purge_outbox(app)

    assert keys_left(session) == ["digest:6-days"]


def test_the_purge_runs_each_night_at_a_quarter_to_four(app):
    scheduler = BackgroundScheduler(timezone=clock.PARIS)  # configured, never started
    configure(app, scheduler)

    job = scheduler.get_job("purge_outbox")
    assert isinstance(job.trigger, CronTrigger)
    fields = {field.name: str(field) for field in job.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day"]) == ("3", "45", "*")

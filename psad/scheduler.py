"""Scheduled work (drop folder, clean-up, reminders, e-mail delivery, stored bilans), run by
APScheduler.

Several processes may start a scheduler (each ``psad serve``, or a ``psad scheduler``
process): a lease row in the database makes sure only one of them runs the jobs; the others
stay idle and take over when the lease expires.

The reminders run daily at ``[reminders] hour:minute`` (Paris). A run is idempotent (a second
one the same day tells nobody twice), so a late run is always safe: a firing the process could
not honour on time (busy, suspended) still runs up to ``REMINDERS_GRACE`` late, once
(``coalesce``); and a process that becomes the leader after today's time (started late, or
taking over from a leader that died before it) runs today's reminders at once, which makes up
for a day whose firing nobody was there to see (APScheduler's jobs live in memory: a process
down at 07:00 never learns it missed 07:00).

The automatic reminders of messages to youth run daily at ``[messages] reminder_hour``
(Paris), with the same grace and coalescing (a run sends no message twice); a missed day is
made up by the next run.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from psad import clock
from psad.db import Base
from psad.extensions import db

log = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
LEASE_SECONDS = 90
REMINDERS_GRACE = 12 * 3600  # seconds: a firing at 07:00 missed by a busy process runs until 19:00


class SchedulerLease(Base):
    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


def take_lease(session: Session, holder: str, now: datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the lease; False when another live process holds it."""
    expires = now + timedelta(seconds=seconds)
    result = session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME)
        .where((SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now))
        .values(holder=holder, expires_at=expires)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    if session.get(SchedulerLease, LEASE_NAME) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SchedulerLease(name=LEASE_NAME, holder=holder, expires_at=expires))
    except IntegrityError:
        return False
    return True


class LeasedJobs:
    """Runs a job only while this process holds the lease."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.holder = uuid.uuid4().hex
        self.leader = False
        # Called when this process becomes the leader (at start, or taking over).
        self.on_lead: list[Callable[[], None]] = []

    def renew(self) -> None:
        was_leader = self.leader
        with self.app.app_context():
            session = db.session()
            self.leader = take_lease(session, self.holder, clock.now())
            session.commit()
        if self.leader and not was_leader:
            for callback in self.on_lead:
                callback()

    def guarded(self, name: str, job: Callable[[Flask], object]) -> Callable[[], None]:
        def run() -> None:
            if not self.leader:
                return
            try:
                job(self.app)
            except Exception:
                log.exception("scheduled job %s failed", name)

        return run


def configure(app: Flask, scheduler: BaseScheduler) -> LeasedJobs:
    from psad.auth.jobs import purge_sign_ins
    from psad.duplicates.jobs import refresh_duplicates
    from psad.followup.jobs import sync_obligations
    from psad.imports.jobs import process_inbox, purge_uploads
    from psad.messages.jobs import send_auto_reminders
    from psad.orientations.jobs import flag_stalled_orientations
    from psad.outbox.jobs import deliver_outbox, purge_outbox
    from psad.privacy.jobs import apply_retention
    from psad.privacy.retention import RUN_AT
    from psad.reminders.jobs import send_reminders
    from psad.reports.jobs import refresh_bilans

    settings = app.extensions["psad_settings"]
    jobs = LeasedJobs(app)
    scheduler.add_job(jobs.renew, "interval", seconds=LEASE_SECONDS // 3, id="lease",
                      next_run_time=clock.now())  # fmt: skip
    scheduler.add_job(jobs.guarded("inbox", process_inbox), "interval",
                      minutes=settings.imports.inbox_minutes, id="inbox",
                      next_run_time=clock.now() + timedelta(seconds=5))  # fmt: skip
    scheduler.add_job(jobs.guarded("purge_uploads", purge_uploads), "cron", hour=3, id="purge")
    scheduler.add_job(jobs.guarded("purge_sign_ins", purge_sign_ins), "cron", hour=3, minute=30,
                      id="purge_sign_ins")  # fmt: skip
    scheduler.add_job(jobs.guarded("purge_outbox", purge_outbox), "cron", hour=3, minute=45,
                      id="purge_outbox")  # fmt: skip
    scheduler.add_job(jobs.guarded("obligations", sync_obligations), "cron", hour=2, id="of")
    scheduler.add_job(jobs.guarded("stalled_orientations", flag_stalled_orientations), "cron",
                      hour=2, minute=20, id="stalled_orientations")  # fmt: skip
    scheduler.add_job(jobs.guarded("bilans", refresh_bilans), "cron", hour=4, id="bilans",
                      misfire_grace_time=REMINDERS_GRACE, coalesce=True)  # fmt: skip
    scheduler.add_job(jobs.guarded("retention", apply_retention), "cron", hour=RUN_AT.hour,
                      minute=RUN_AT.minute, id="retention", misfire_grace_time=REMINDERS_GRACE,
                      coalesce=True)  # fmt: skip
    scheduler.add_job(jobs.guarded("duplicates", refresh_duplicates), "interval", minutes=10,
                      id="duplicates")  # fmt: skip
    reminders = settings.reminders
    remind = jobs.guarded("reminders", send_reminders)
    scheduler.add_job(remind, "cron", hour=reminders.hour, minute=reminders.minute,
                      id="reminders", misfire_grace_time=REMINDERS_GRACE,
                      coalesce=True)  # fmt: skip
    scheduler.add_job(jobs.guarded("message_reminders", send_auto_reminders), "cron",
                      hour=settings.messages.reminder_hour, id="message_reminders",
                      misfire_grace_time=REMINDERS_GRACE, coalesce=True)  # fmt: skip
    scheduler.add_job(jobs.guarded("outbox", deliver_outbox), "interval", minutes=1, id="outbox",
                      coalesce=True, next_run_time=clock.now() + timedelta(seconds=10))  # fmt: skip

    def catch_up() -> None:
        """Leading after today's time: today's reminders now (nothing twice if they ran)."""
        if clock.local(clock.now()).time() >= time(reminders.hour, reminders.minute):
            scheduler.add_job(remind, id="reminders_catch_up", replace_existing=True,
                              misfire_grace_time=REMINDERS_GRACE)  # fmt: skip

    jobs.on_lead.append(catch_up)
    return jobs


def start_background(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=clock.PARIS)
    configure(app, scheduler)
    scheduler.start()
    return scheduler


def run_blocking(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone=clock.PARIS)
    configure(app, scheduler)
    scheduler.start()

"""Scheduled work (drop folder, clean-up, later the reminders), run by APScheduler.

Several processes may start a scheduler (each ``psad serve``, or a ``psad scheduler``
process): a lease row in the database makes sure only one of them runs the jobs; the others
stay idle and take over when the lease expires.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

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

    def renew(self) -> None:
        with self.app.app_context():
            session = db.session()
            self.leader = take_lease(session, self.holder, clock.now())
            session.commit()

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
    from psad.orientations.jobs import flag_stalled_orientations

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
    scheduler.add_job(jobs.guarded("obligations", sync_obligations), "cron", hour=2, id="of")
    scheduler.add_job(jobs.guarded("stalled_orientations", flag_stalled_orientations), "cron",
                      hour=2, minute=20, id="stalled_orientations")  # fmt: skip
    scheduler.add_job(jobs.guarded("duplicates", refresh_duplicates), "interval", minutes=10,
                      id="duplicates")  # fmt: skip
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

"""The demo's reminders: the PSAD's own thresholds, a weekly digest for the partner, and two
daily runs (yesterday's, read, and today's, unread), so that the header's counter, the
notifications page and the lists they open have something to show.

E-mail is off in a local run (no ``[mail] host``): the runs store the notifications only.
README « Reminders » says how to watch the digests with a local SMTP server.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from psad.auth.models import DigestFrequency, Psad, User
from psad.clock import PARIS
from psad.config import Settings
from psad.reminders.models import Notification, ReminderRules
from psad.reminders.run import LinkFor, RunReport, run_reminders


def populate(
    session: Session,
    *,
    psad: Psad,
    partner: User,
    settings: Settings,
    today: date,
    link_for: LinkFor,
) -> RunReport:
    """Commits (the run commits once per user); returns today's run."""
    session.add(ReminderRules(psad_id=psad.id, no_contact_days=40, list_not_contacted_days=21))
    partner.digest_frequency = DigestFrequency.WEEKLY
    session.commit()
    yesterday = today - timedelta(days=1)
    run_reminders(session, settings, yesterday, now=_morning(yesterday), link_for=link_for)
    session.execute(
        update(Notification)
        .where(Notification.day == yesterday)
        .values(read_at=_morning(yesterday) + timedelta(hours=2))
    )
    session.commit()
    return run_reminders(session, settings, today, now=_morning(today), link_for=link_for)


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=PARIS)

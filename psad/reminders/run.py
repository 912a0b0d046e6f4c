"""The daily run of the reminders: tell each person, once, what is due as of ``today``.

``run_reminders`` asks the rules what is due (``rules.due_items``: one count per user, kind
and PSAD), stores each user's notifications, queues each user's digest e-mail in the outbox,
then delivers the outbox. It is the scheduler's daily job and ``psad reminders run``.

It commits one transaction per user: the user's notifications and their digest (which spans
their PSADs) are written together or not at all, and the transactions stay short, so that a
second run started at the same moment waits on one user's rows at a time, never on the whole
run. Every write is idempotent, so a second run the same day, or two schedulers at once, tell
nobody twice: notifications are inserted with « on conflict do nothing » on their unique key
(user, day, kind, comité), and the digest's outbox key is ``digest:<user>:<day>``. A comité
à venir is told once per person: the run skips it when that person was told on another day.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import DigestFrequency, Psad, User
from psad.config import Settings
from psad.outbox.delivery import deliver_due
from psad.outbox.models import OutboxMessage, OutboxPurpose
from psad.outbox.services import enqueue
from psad.reminders.digest import LinkFor, compose_digest
from psad.reminders.models import Notification, ReminderKind
from psad.reminders.rules import Due, due_items

log = logging.getLogger(__name__)
MONDAY = 0
RUN_ACTOR = Actor(user_id=None, psad_id=None)


@dataclass
class RunReport:
    """What one run did (or, dry, would do): new notifications per kind, e-mails."""

    today: date
    dry_run: bool
    reminders: dict[ReminderKind, int] = field(default_factory=dict)  # new notifications
    notifications: int = 0
    users: int = 0  # people told something new (a notification or a digest)
    emails_queued: int = 0
    emails_sent: int = 0
    emails_retrying: int = 0
    emails_failed: int = 0


@dataclass(frozen=True)
class Recipient:
    """What the run needs of a user (read once: each user's commit expires the ORM objects)."""

    id: int
    email: str
    digest_frequency: DigestFrequency


def digest_key(user_id: int, today: date) -> str:
    return f"digest:{user_id}:{today.isoformat()}"


def wants_digest(frequency: DigestFrequency, today: date) -> bool:
    """Daily: every day; weekly: on Mondays (that day's counts); none: never."""
    if frequency is DigestFrequency.DAILY:
        return True
    return frequency is DigestFrequency.WEEKLY and today.weekday() == MONDAY


def run_reminders(
    session: Session,
    settings: Settings,
    today: date,
    *,
    now: datetime,
    link_for: LinkFor,
    dry_run: bool = False,
) -> RunReport:
    """Store and send what is due on ``today``; commits once per user, then delivers.

    ``link_for(endpoint, args)`` gives an app path; the digest prefixes ``[web] base_url``.
    ``dry_run``: the same counts, nothing written, nothing sent.
    """
    report = RunReport(today=today, dry_run=dry_run)
    items = due_items(session, today, settings.reminders, max_age=settings.data.max_age)
    told_before = _committees_told_before(session, items, today)
    psad_names = dict(
        session.execute(
            select(Psad.id, Psad.name).where(Psad.id.in_({due.psad_id for due in items}))
        ).all()
    )
    users = {
        row.id: Recipient(row.id, row.email, row.digest_frequency)
        for row in session.execute(
            select(User.id, User.email, User.digest_frequency).where(
                User.id.in_({due.user_id for due in items}), User.active
            )
        )
    }
    # What a dry run would find already done (a real run lets the unique keys say it).
    done_today = _told_today(session, today) if dry_run else set()
    keys_taken = _keys_taken(session, users, today) if dry_run else set()
    for user_id, group in groupby(
        sorted(items, key=lambda due: due.user_id), lambda due: due.user_id
    ):
        user = users.get(user_id)
        lines = [
            due
            for due in group
            if due.kind is not ReminderKind.COMMITTEE_SOON
            or (user_id, due.subject_id) not in told_before
        ]
        if user is None or not lines:
            continue
        if dry_run:
            new = [due.kind for due in lines if _identity(due) not in done_today]
            queued = (
                _digest_due(settings, user, today) and digest_key(user_id, today) not in keys_taken
            )
        else:
            new = _insert_notifications(session, lines, today, now, link_for)
            queued = _digest_due(settings, user, today) and _queue_digest(
                session, settings, user, lines, psad_names, today, now, link_for
            )
            session.commit()
        _count(report, new, queued)
    _finish(session, settings, report, now)
    return report


def _digest_due(settings: Settings, user: Recipient, today: date) -> bool:
    return settings.mail.enabled and wants_digest(user.digest_frequency, today)


def _queue_digest(
    session: Session,
    settings: Settings,
    user: Recipient,
    lines: Sequence[Due],
    psad_names: dict[int, str],
    today: date,
    now: datetime,
    link_for: LinkFor,
) -> bool:
    """Queue the user's digest of the day: every line due today, told now or by an earlier
    run (a run after e-mail was turned on still sends it); False when already queued."""
    digest = compose_digest(
        lines, psad_names=psad_names, today=today, link_for=link_for, base_url=settings.web.base_url
    )
    psads = {due.psad_id for due in lines}
    message = enqueue(
        session,
        key=digest_key(user.id, today),
        purpose=OutboxPurpose.DIGEST,
        recipient=user.email,
        subject=digest.subject,
        body_text=digest.body_text,
        body_html=digest.body_html,
        psad_id=psads.pop() if len(psads) == 1 else None,
        user_id=user.id,
        now=now,
    )
    return message is not None


def _identity(due: Due) -> tuple[int, int, ReminderKind, int]:
    return (due.user_id, due.psad_id, due.kind, due.subject_id)


def _insert_notifications(
    session: Session, lines: Sequence[Due], today: date, now: datetime, link_for: LinkFor
) -> list[ReminderKind]:
    """Insert the user's notifications of the day; the kinds of those that were new.

    « On conflict do nothing » on the unique key: a notification stored meanwhile by another
    run (committed, or still in its transaction: PostgreSQL waits for it) is left as it is.
    """
    rows = [
        {
            "user_id": due.user_id,
            "psad_id": due.psad_id,
            "day": today,
            "kind": due.kind,
            "subject_id": due.subject_id,
            "count": due.count,
            "text": due.text,
            "link": link_for(due.endpoint, dict(due.args)),
            "created_at": now,
        }
        for due in lines
    ]
    insert: Any = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = (
        insert(Notification)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "psad_id", "day", "kind", "subject_id"])
        .returning(Notification.kind)
    )
    return [ReminderKind(kind) for kind in session.scalars(statement)]


def _committees_told_before(
    session: Session, items: Sequence[Due], today: date
) -> set[tuple[int, int]]:
    """(user, comité) of the comités à venir already told on another day."""
    committees = {due.subject_id for due in items if due.kind is ReminderKind.COMMITTEE_SOON}
    if not committees:
        return set()
    rows = session.execute(
        select(Notification.user_id, Notification.subject_id).where(
            Notification.kind == ReminderKind.COMMITTEE_SOON,
            Notification.subject_id.in_(committees),
            Notification.day != today,
        )
    )
    return {(user_id, committee_id) for user_id, committee_id in rows}


def _told_today(session: Session, today: date) -> set[tuple[int, int, ReminderKind, int]]:
    return {
        (user_id, psad_id, ReminderKind(kind), subject_id)
        for user_id, psad_id, kind, subject_id in session.execute(
            select(
                Notification.user_id,
                Notification.psad_id,
                Notification.kind,
                Notification.subject_id,
            ).where(Notification.day == today)
        )
    }


def _keys_taken(session: Session, users: dict[int, Recipient], today: date) -> set[str]:
    keys = [digest_key(user_id, today) for user_id in users]
    return set(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys))))


def _count(report: RunReport, new: Sequence[ReminderKind], queued: bool) -> None:
    for kind, number in Counter(new).items():
        report.reminders[kind] = report.reminders.get(kind, 0) + number
    report.notifications += len(new)
    report.emails_queued += int(queued)
    report.users += int(bool(new) or queued)


def _finish(session: Session, settings: Settings, report: RunReport, now: datetime) -> None:
    """Deliver the outbox (sent, retrying, failed), audit the run; a dry run rolls back."""
    report.reminders = {
        kind: report.reminders[kind] for kind in ReminderKind if kind in report.reminders
    }
    if report.dry_run:
        session.rollback()
        return
    if settings.mail.enabled:
        delivery = deliver_due(session, settings.mail, now)
        report.emails_sent = delivery.sent
        report.emails_retrying = delivery.retrying
        report.emails_failed = delivery.failed
    record(session, RUN_ACTOR, AuditAction.REMINDERS_RUN, detail=_audit_detail(report))
    session.commit()
    log.info(
        "reminders of %s: %d notifications for %d users, %d e-mails queued, %d sent, "
        "%d retrying, %d failed",
        report.today.isoformat(),
        report.notifications,
        report.users,
        report.emails_queued,
        report.emails_sent,
        report.emails_retrying,
        report.emails_failed,
    )


def _audit_detail(report: RunReport) -> str:
    """Counts only: the day, the notifications per kind, the e-mails."""
    kinds = "; ".join(f"{kind.value}={number}" for kind, number in report.reminders.items())
    return (
        f"jour={report.today.isoformat()}; rappels={report.notifications}; "
        f"personnes={report.users}; courriels={report.emails_queued}; "
        f"envoyés={report.emails_sent}; à_réessayer={report.emails_retrying}; "
        f"échecs={report.emails_failed}" + (f"; {kinds}" if kinds else "")
    )

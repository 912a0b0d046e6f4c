"""Delivering the outbox: each due message claimed, sent, and its outcome recorded.

Several schedulers may run ``deliver_due`` at once: a message is claimed by one UPDATE
guarded by what was seen (state, attempts, still due), so only one of them gets it, and the
claim is committed before the server is contacted. A claim older than ``STALE_CLAIM`` is a
delivery that died (process killed mid-send): the message is due again.

Failures are retried with back-off (1, 2, 4... minutes after the attempt, at most
``MAX_BACKOFF``); after ``[mail] max_attempts`` attempts, or a refusal for good (5xx), the
message is failed and listed for the administrators. Logs name message ids and counts, never
an address or a body.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from psad.config import MailSettings
from psad.outbox.models import OutboxMessage, OutboxState
from psad.outbox.smtp import Outgoing, SmtpConnection, SmtpFailure, build_message

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
INTERRUPTED = "Envoi interrompu à chaque essai (le processus s'est arrêté pendant l'envoi)."
_ADDRESS = re.compile(r"[^\s<>\"']+@[^\s<>\"']+")


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Seen:
    id: int
    state: OutboxState
    attempts: int


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def deliver_due(
    session: Session, mail: MailSettings, now: datetime, *, limit: int = 200
) -> DeliveryReport:
    """Send the queued messages due at ``now``, each claimed atomically (two schedulers never
    send one message twice), committing after each message; back-off on failure.

    E-mail off (no ``[mail] host``): nothing is touched. When the server cannot be reached,
    the run stops after recording that attempt (the other messages wait for the next run
    rather than each waiting for the same time-out).
    """
    if not mail.enabled:
        return DeliveryReport()
    due = _due(session, now, limit)
    session.commit()  # end the read: each claim is a transaction of its own
    sent = retrying = failed = 0
    with SmtpConnection(mail) as connection:
        for seen in due:
            outgoing = _claim(session, seen, now, mail.max_attempts)
            session.commit()
            if outgoing is None:
                continue
            try:
                message = build_message(outgoing, sender=mail.sender, now=now)
                connection.send(message, sender=mail.sender, recipient=outgoing.recipient)
            except SmtpFailure as failure:
                gave_up = _record_failure(session, outgoing.id, failure, now, mail.max_attempts)
                session.commit()
                if gave_up:
                    failed += 1
                else:
                    retrying += 1
                if failure.connection_lost:
                    break
                continue
            _record_sent(session, outgoing.id, now)
            session.commit()
            sent += 1
            log.info("outbox message %s sent", outgoing.id)
    if sent or retrying or failed:
        log.info("outbox: %s sent, %s to retry, %s failed", sent, retrying, failed)
    return DeliveryReport(sent=sent, retrying=retrying, failed=failed)


def _due_condition(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.state == OutboxState.SENDING,
            OutboxMessage.claimed_at < now - STALE_CLAIM,
        ),
    )


def _due(session: Session, now: datetime, limit: int) -> list[_Seen]:
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts)
        .where(_due_condition(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    return [_Seen(id=row.id, state=row.state, attempts=row.attempts) for row in rows]


def _claim(session: Session, seen: _Seen, now: datetime, max_attempts: int) -> Outgoing | None:
    """Take the message for this run, or None when another run took it (or it is not due)."""
    guard = (
        OutboxMessage.id == seen.id,
        OutboxMessage.state == seen.state,
        OutboxMessage.attempts == seen.attempts,
        _due_condition(now),
    )
    if seen.state is OutboxState.SENDING and seen.attempts >= max_attempts:
        # Claimed that many times and never finished: it would kill every run.
        session.execute(
            update(OutboxMessage)
            .where(*guard)
            .values(state=OutboxState.FAILED, last_error=INTERRUPTED)
            .execution_options(synchronize_session=False)
        )
        log.warning("outbox message %s failed: interrupted at every attempt", seen.id)
        return None
    result = session.execute(
        update(OutboxMessage)
        .where(*guard)
        .values(state=OutboxState.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
        ).where(OutboxMessage.id == seen.id)
    ).one()
    return Outgoing(
        id=row.id,
        recipient=row.recipient,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
    )


def _record_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(state=OutboxState.SENT, sent_at=now)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    session: Session, message_id: int, failure: SmtpFailure, now: datetime, max_attempts: int
) -> bool:
    """Queue the message again after its back-off, or fail it; True when it failed."""
    attempts = session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))
    attempts = attempts or 1
    gave_up = failure.permanent or attempts >= max_attempts
    values: dict[str, object] = {"last_error": failure.reason}
    if gave_up:
        values["state"] = OutboxState.FAILED
    else:
        values["state"] = OutboxState.QUEUED
        values["next_attempt_at"] = now + backoff(attempts)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    log.warning(
        "outbox message %s not delivered (attempt %s, %s): %s",
        message_id,
        attempts,
        "given up" if gave_up else "will retry",
        _ADDRESS.sub("<adresse>", failure.reason),
    )
    return gave_up

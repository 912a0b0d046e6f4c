"""Writing to the outbox, and what the administrators' page reads and does with it.

``enqueue`` is called in the transaction that decides to send; delivery is
``psad.outbox.delivery``. A message is « retrying » when it is queued again after a failed
attempt (``attempts`` > 0), « failed » when delivery gave up.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.errors import DomainError, NotFoundError
from psad.outbox.models import OutboxChannel, OutboxMessage, OutboxPurpose, OutboxState


class MessageNotRetryableError(DomainError):
    """Only a failed message, or one waiting for its next attempt, can be sent again."""

    status_code = 409


def enqueue(
    session: Session,
    *,
    key: str,
    purpose: OutboxPurpose,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None,
    psad_id: int | None,
    user_id: int | None,
    now: datetime,
    channel: OutboxChannel = OutboxChannel.EMAIL,
    secret: str | None = None,
    reply_to: str | None = None,
) -> OutboxMessage | None:
    """Add the message unless a row with this key exists (then None).

    Safe against a concurrent transaction inserting the same key: the insert runs in a
    savepoint, and the unique key's violation only undoes that savepoint.
    """
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None:
        return None
    message = OutboxMessage(
        key=key,
        purpose=purpose,
        channel=channel,
        secret=secret,
        reply_to=reply_to,
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        psad_id=psad_id,
        user_id=user_id,
        state=OutboxState.QUEUED,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


# --- what the administrators' page shows ------------------------------------------------


def state_counts(session: Session) -> dict[OutboxState, int]:
    """How many messages in each state (every state present, 0 when none)."""
    rows = session.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
    ).all()
    counts = dict.fromkeys(OutboxState, 0)
    counts.update({state: count for state, count in rows})
    return counts


def waiting_count(session: Session) -> int:
    """Messages not delivered yet and not given up: queued (first or next attempt) or sending."""
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.state.in_([OutboxState.QUEUED, OutboxState.SENDING]))
        )
        or 0
    )


def retrying_count(session: Session) -> int:
    """Messages queued again after a failed attempt."""
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(_retrying())) or 0


def troubles_query() -> Select[OutboxMessage]:
    """The failed messages, then those waiting for another attempt; most recent first."""
    failed_first = (OutboxMessage.state != OutboxState.FAILED).asc()
    return (
        select(OutboxMessage)
        .where(or_(OutboxMessage.state == OutboxState.FAILED, _retrying()))
        .order_by(failed_first, OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def failures(session: Session) -> list[OutboxMessage]:
    """The failed messages, most recent first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.state == OutboxState.FAILED)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        )
    )


def _retrying() -> ColumnElement[bool]:
    return and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.attempts > 0)


# --- sending again ----------------------------------------------------------------------


def retry(session: Session, *, message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """Queue a failed (or retrying) message for delivery now, with a fresh count of attempts.

    One UPDATE guarded by the state: a message being sent at this moment, or already sent,
    is left alone.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFoundError("Ce message n'existe pas.")
    before = (message.state, message.attempts)
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(OutboxMessage.state == OutboxState.FAILED, _retrying()),
        )
        .values(state=OutboxState.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise MessageNotRetryableError(
            "Ce message n'est ni en échec ni en attente d'un nouvel essai : "
            "il n'y a rien à renvoyer."
        )
    record(
        session,
        actor,
        AuditAction.OUTBOX_RETRIED,
        object_type="outbox_message",
        object_id=message_id,
        detail=f"état {before[0].value}, {before[1]} essai(s)",
        psad_id=message.psad_id,
    )
    session.refresh(message)
    return message

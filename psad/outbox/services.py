"""Writing to the outbox, and what the administrators' page reads and does with it.

``enqueue`` is called in the transaction that decides to send; delivery is
``psad.outbox.delivery``. A message is « retrying » when it is queued again after a failed
attempt (``attempts`` > 0), « failed » when delivery gave up. ``cancel_queued`` stops messages
not sent yet (a youth's « STOP »): failed at once with the reason « Annulé : … »; such a
message is never sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.errors import DomainError, NotFoundError
from psad.outbox.delivery import CANCELLED, Claimed, cancelled_reason, vetoed
from psad.outbox.failures import REASON_LENGTH
from psad.outbox.models import OutboxChannel, OutboxMessage, OutboxPurpose, OutboxState


class MessageNotRetryableError(DomainError):
    """Only a failed message, or one waiting for its next attempt, can be sent again."""

    status_code = 409


class MessageCancelledError(MessageNotRetryableError):
    """A message cancelled before it left (a youth's « STOP », a case closed), or one a veto
    would cancel now, is not sent again."""


CANCELLED_NOT_RETRIED = (
    "Ce message a été annulé avant son envoi ({cause}) : il ne sera pas renvoyé."
)


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


# --- cancelling -------------------------------------------------------------------------


def cancel_queued(
    session: Session, *, message_ids: Select[tuple[int]] | Select[int] | Sequence[int], reason: str
) -> int:
    """Fail, without sending them, those of these messages still waiting (first or next
    attempt), with ``reason`` (« Annulé : … »); their tokens are forgotten. A message being
    sent or already sent is left alone. Returns how many were cancelled."""
    if not reason.startswith(CANCELLED):
        raise ValueError(f"a cancellation's reason starts with {CANCELLED!r}: {reason!r}")
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.state == OutboxState.QUEUED)
        .values(state=OutboxState.FAILED, last_error=reason[:REASON_LENGTH], secret=None)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- sending again ----------------------------------------------------------------------


def _refused_now(session: Session, message: OutboxMessage) -> str | None:
    """Why the message must not go again: cancelled already, or a veto (« STOP », case
    closed); None for a message sent or being sent (nothing to send again anyway)."""
    if message.state not in (OutboxState.FAILED, OutboxState.QUEUED):
        return None
    reason = cancelled_reason(message)
    if reason is None:
        reason = vetoed(session, [Claimed.of(message)]).get(message.id)
    return reason.removeprefix(CANCELLED) if reason is not None else None


def retry(session: Session, *, message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """Queue a failed (or retrying) message for delivery now, with a fresh count of attempts.

    One UPDATE guarded by the state: a message being sent at this moment, or already sent,
    is left alone. A cancelled message, or one a veto refuses now, is not queued again.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFoundError("Ce message n'existe pas.")
    cause = _refused_now(session, message)
    if cause is not None:
        raise MessageCancelledError(CANCELLED_NOT_RETRIED.format(cause=cause))
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


def purge_sent_to_users(session: Session, *, before: datetime) -> int:
    """Delete the messages to users (not to youth: those belong to the youth's file) written
    before ``before`` and done with (sent or failed); returns how many. Never commits."""
    to_users = [purpose for purpose in OutboxPurpose if not purpose.to_youth]
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.purpose.in_(to_users),
            OutboxMessage.state.in_([OutboxState.SENT, OutboxState.FAILED]),
            OutboxMessage.created_at < before,
        ),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)

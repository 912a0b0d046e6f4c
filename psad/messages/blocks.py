"""A youth's opposition to being contacted (« STOP »): while a block is active, no message
goes to them, not even one already waiting in the outbox (cancelled as the block is
recorded; ``psad.messages.cancel``). The youth sets it (STOP to an SMS, the reply page) or a
person records it; only a person lifts it, and says why. Automatic reminders can also be
suspended per youth."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.errors import DomainError
from psad.messages.cancel import cancel_for_block
from psad.messages.models import AutoReminderSuspension, BlockSource, ContactBlock
from psad.youth.models import Youth

LIFT_REASON_MISSING = "Dites pourquoi l'opposition est levée (le motif est obligatoire)."
NOT_BLOCKED = "Ce jeune n'a pas d'opposition en cours."
MAX_REASON = 1000


def active_block(session: Session, youth_id: int) -> ContactBlock | None:
    return session.scalar(
        select(ContactBlock).where(
            ContactBlock.youth_id == youth_id, ContactBlock.lifted_at.is_(None)
        )
    )


def is_blocked(session: Session, youth_id: int) -> bool:
    return active_block(session, youth_id) is not None


def blocked_among(session: Session, youth_ids: Iterable[int]) -> set[int]:
    """Which of these youth have an active block (one query)."""
    ids = list(youth_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ContactBlock.youth_id).where(
                ContactBlock.youth_id.in_(ids), ContactBlock.lifted_at.is_(None)
            )
        )
    )


def block(
    session: Session,
    *,
    youth: Youth,
    source: BlockSource,
    by_id: int | None,
    actor: Actor,
    now: datetime,
) -> ContactBlock | None:
    """Block every further message to the youth, and cancel those still waiting to be sent;
    None when a block is already active (twice STOP is one block)."""
    if is_blocked(session, youth.id):
        return None
    row = ContactBlock(
        psad_id=youth.psad_id, youth_id=youth.id, source=source, blocked_at=now, blocked_by_id=by_id
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent STOP won
        return None
    cancel_for_block(session, youth.id)
    record(
        session,
        actor,
        AuditAction.CONTACT_BLOCKED,
        object_type="youth",
        object_id=youth.id,
        detail=f"source={source.value}",
        psad_id=youth.psad_id,
    )
    return row


def lift(
    session: Session, *, youth: Youth, reason: str, by_id: int, actor: Actor, now: datetime
) -> ContactBlock:
    """Lift the active block; the reason is required and kept on the block (the audit says
    only that one was given)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(LIFT_REASON_MISSING)
    row = active_block(session, youth.id)
    if row is None:
        raise DomainError(NOT_BLOCKED)
    row.lifted_at, row.lifted_by_id, row.lift_reason = now, by_id, reason[:MAX_REASON]
    record(
        session,
        actor,
        AuditAction.CONTACT_UNBLOCKED,
        object_type="youth",
        object_id=youth.id,
        detail=f"bloque_le={row.blocked_at.date()} motif=saisi",
        psad_id=youth.psad_id,
    )
    return row


def auto_reminders_suspended(session: Session, youth_id: int) -> bool:
    return session.get(AutoReminderSuspension, youth_id) is not None


def suspend_auto_reminders(
    session: Session, *, youth: Youth, by_id: int, actor: Actor, now: datetime
) -> None:
    if auto_reminders_suspended(session, youth.id):
        return
    session.add(AutoReminderSuspension(youth_id=youth.id, suspended_by_id=by_id, suspended_at=now))
    record(
        session,
        actor,
        AuditAction.AUTO_REMINDERS_SUSPENDED,
        object_type="youth",
        object_id=youth.id,
        psad_id=youth.psad_id,
    )


def resume_auto_reminders(session: Session, *, youth: Youth, actor: Actor) -> None:
    row = session.get(AutoReminderSuspension, youth.id)
    if row is None:
        return
    session.delete(row)
    session.flush()  # a second call in this transaction finds nothing to resume
    record(
        session,
        actor,
        AuditAction.AUTO_REMINDERS_RESUMED,
        object_type="youth",
        object_id=youth.id,
        psad_id=youth.psad_id,
    )

"""Messages to youth that must not leave any more: the youth said « STOP », or the case was
closed (by a person, a transfer or a merge).

Two guards. ``cancel_for_block`` fails the youth's messages still waiting in the outbox as
the block is recorded, so that the file shows « Annulé : opposition au contact » at once.
``refuse_on_delivery``, registered with the outbox as a veto, is asked about each message as
it is about to leave: it refuses those of a youth blocked or of a case closed, whatever path
wrote the block or closed the case, and whenever it happened.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from psad.messages.models import ContactBlock, YouthMessage
from psad.outbox.delivery import CANCELLED, Claimed, register_veto
from psad.outbox.services import cancel_queued
from psad.youth.models import Case, CaseStatus

BLOCKED = f"{CANCELLED}opposition au contact"
CASE_CLOSED = f"{CANCELLED}dossier clos"


def cancel_for_block(session: Session, youth_id: int) -> int:
    """Cancel the youth's messages still waiting to be sent (first or next attempt); those
    being sent or sent stay as they are. Returns how many were cancelled."""
    waiting = select(YouthMessage.outbox_message_id).where(YouthMessage.youth_id == youth_id)
    return cancel_queued(session, message_ids=waiting, reason=BLOCKED)


def refuse_on_delivery(session: Session, messages: Sequence[Claimed]) -> dict[int, str]:
    """The outbox's veto: among these messages, those to a youth blocked now or of a case
    closed now, with the reason (the opposition first)."""
    ids = [message.id for message in messages if message.purpose.to_youth]
    if not ids:
        return {}
    blocked = exists().where(
        ContactBlock.youth_id == YouthMessage.youth_id, ContactBlock.lifted_at.is_(None)
    )
    rows = session.execute(
        select(YouthMessage.outbox_message_id, blocked, Case.status)
        .join(Case, Case.id == YouthMessage.case_id)
        .where(YouthMessage.outbox_message_id.in_(ids))
    )
    refused: dict[int, str] = {}
    for message_id, is_blocked, status in rows:
        if is_blocked:
            refused[message_id] = BLOCKED
        elif status is not CaseStatus.OPEN:
            refused[message_id] = CASE_CLOSED
    return refused


register_veto(refuse_on_delivery)

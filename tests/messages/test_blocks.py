"""A youth's opposition to being contacted (« STOP »): one active block at a time, lifted
only with a reason; automatic reminders suspended per youth."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.errors import DomainError
from psad.messages.blocks import (
    active_block,
    auto_reminders_suspended,
    block,
    blocked_among,
    is_blocked,
    lift,
    resume_auto_reminders,
    suspend_auto_reminders,
)
from psad.messages.models import BlockSource, ContactBlock
from psad.messages.services import LEFT_BLOCKED
from tests.helpers import count, events
from tests.messages.conftest import NOW, Messaging, send


def stop(session: Session, msg: Messaging, source: BlockSource = BlockSource.SMS_STOP):
    return block(session, youth=msg.minor, source=source, by_id=None, actor=msg.actor(), now=NOW)


def test_a_stop_blocks_the_youth_and_is_audited_without_personal_data(
    session: Session, msg: Messaging
):
    row = stop(session, msg)
    session.commit()

    assert row is not None and is_blocked(session, msg.minor.id)
    assert (row.source, row.blocked_at, row.blocked_by_id) == (BlockSource.SMS_STOP, NOW, None)
    [event] = events(session, AuditAction.CONTACT_BLOCKED.value)
    assert (event.object_id, event.detail) == (msg.minor.id, "source=sms_stop")


def test_a_second_stop_is_the_same_block(session: Session, msg: Messaging):
    first = stop(session, msg)

    second = stop(session, msg, BlockSource.REPLY_PAGE)

    assert first is not None and second is None
    assert count(session, ContactBlock) == 1
    assert len(events(session, AuditAction.CONTACT_BLOCKED.value)) == 1


def test_the_database_holds_one_active_block_per_youth(session: Session, msg: Messaging):
    stop(session, msg)

    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            ContactBlock(
                psad_id=msg.psad.id,
                youth_id=msg.minor.id,
                source=BlockSource.PERSON,
                blocked_at=NOW,
            )
        )


def test_blocked_among_names_the_youth_with_an_active_block(session: Session, msg: Messaging):
    stop(session, msg)
    ids = [msg.minor.id, msg.adult.id]

    assert blocked_among(session, ids) == {msg.minor.id}
    assert blocked_among(session, []) == set()


@pytest.mark.parametrize("reason", ["", "   "])
def test_lifting_needs_a_reason(session: Session, msg: Messaging, reason: str):
    stop(session, msg)

    with pytest.raises(DomainError, match="le motif est obligatoire"):
        lift(
            session, youth=msg.minor, reason=reason, by_id=msg.pilot.id, actor=msg.actor(), now=NOW
        )

    assert is_blocked(session, msg.minor.id)


def test_lifting_keeps_the_reason_on_the_block_not_in_the_audit(session: Session, msg: Messaging):
    stop(session, msg)

    row = lift(
        session,
        youth=msg.minor,
        reason=" Le jeune a rappelé et veut être suivi. ",
        by_id=msg.copilot.id,
        actor=msg.actor(msg.copilot),
        now=NOW,
    )
    session.commit()

    assert not is_blocked(session, msg.minor.id)
    assert (row.lift_reason, row.lifted_by_id) == (
        "Le jeune a rappelé et veut être suivi.",
        msg.copilot.id,
    )
    [event] = events(session, AuditAction.CONTACT_UNBLOCKED.value)
    assert event.detail == "bloque_le=2026-12-07 motif=saisi"


def test_lifting_without_a_block_is_refused(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="n'a pas d'opposition en cours"):
        lift(
            session,
            youth=msg.minor,
            reason="Erreur",
            by_id=msg.pilot.id,
            actor=msg.actor(),
            now=NOW,
        )


def test_after_a_lift_a_new_stop_is_a_new_block_and_history_stays(session: Session, msg: Messaging):
    stop(session, msg)
    lift(session, youth=msg.minor, reason="Erreur", by_id=msg.pilot.id, actor=msg.actor(), now=NOW)

    again = stop(session, msg, BlockSource.PERSON)

    assert again is not None and active_block(session, msg.minor.id) is again
    assert count(session, ContactBlock) == 2


def test_a_blocked_youth_gets_no_message_until_the_block_is_lifted(
    session: Session, msg: Messaging
):
    stop(session, msg)
    refused = send(session, msg, [msg.minor])
    lift(session, youth=msg.minor, reason="Accord", by_id=msg.pilot.id, actor=msg.actor(), now=NOW)

    sent = send(session, msg, [msg.minor])

    assert refused.left == {LEFT_BLOCKED: 1} and refused.total == 0
    assert sent.total == 1


def test_automatic_reminders_are_suspended_once(session: Session, msg: Messaging):
    for _ in range(2):
        suspend_auto_reminders(
            session, youth=msg.minor, by_id=msg.pilot.id, actor=msg.actor(), now=NOW
        )
    session.commit()

    assert auto_reminders_suspended(session, msg.minor.id)
    assert len(events(session, AuditAction.AUTO_REMINDERS_SUSPENDED.value)) == 1


def test_resumed_automatic_reminders_are_no_longer_suspended(session: Session, msg: Messaging):
    suspend_auto_reminders(session, youth=msg.minor, by_id=msg.pilot.id, actor=msg.actor(), now=NOW)
    session.commit()

    resume_auto_reminders(session, youth=msg.minor, actor=msg.actor())
    session.commit()

    assert not auto_reminders_suspended(session, msg.minor.id)
    assert len(events(session, AuditAction.AUTO_REMINDERS_RESUMED.value)) == 1


def test_resuming_twice_in_one_transaction_is_one_resume(session: Session, msg: Messaging):
    suspend_auto_reminders(session, youth=msg.minor, by_id=msg.pilot.id, actor=msg.actor(), now=NOW)
    for _ in range(2):
        resume_auto_reminders(session, youth=msg.minor, actor=msg.actor())
    session.commit()

    assert len(events(session, AuditAction.AUTO_REMINDERS_RESUMED.value)) == 1

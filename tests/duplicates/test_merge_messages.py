"""Merging two files of one youth carries the messages to youth: both written to by one
sending, both messages stay on the kept youth; both opposed to contact, the merge waits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from psad.audit.services import Actor
from psad.errors import DomainError
from psad.messages.blocks import block
from psad.messages.models import BlockSource, MessageChannel, Register, YouthMessage
from psad.outbox.models import OutboxPurpose
from psad.outbox.services import enqueue
from tests.duplicates.conftest import merge
from tests.followup.test_editing import stored_youth

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
ACTOR = Actor(user_id=None, psad_id=None, ip_address="test")


def _message(session, youth, key: str) -> YouthMessage:  # type: ignore[no-untyped-def]
    outbox = enqueue(
        session,
        key=f"message:{key}:{youth.id}:email",
        purpose=OutboxPurpose.MESSAGE,
        recipient=f"jeune{youth.id}@example.org",
        subject="Bonjour",
        body_text="Bonjour",
        body_html=None,
        psad_id=youth.psad_id,
        user_id=None,
        now=NOW,
    )
    assert outbox is not None
    message = YouthMessage(
        psad_id=youth.psad_id,
        youth_id=youth.id,
        case_id=youth.open_case.id,
        sending_key=key,
        channel=MessageChannel.EMAIL,
        register=Register.TU,
        template_name="Premier contact",
        recipient=outbox.recipient,
        body="Bonjour",
        outbox_message_id=outbox.id,
    )
    session.add(message)
    session.flush()
    return message


def test_one_sending_to_both_youth_keeps_both_messages(session, world, double):
    mine, theirs = _message(session, world.minor, "envoi-1"), _message(session, double, "envoi-1")
    session.commit()

    merge(session, world, world.minor, double)

    session.expire_all()
    rows = session.scalars(select(YouthMessage).order_by(YouthMessage.id)).all()
    assert [(row.id, row.youth_id) for row in rows] == [
        (mine.id, world.minor.id),
        (theirs.id, world.minor.id),
    ]
    assert rows[0].sending_key == "envoi-1"
    assert rows[1].sending_key == f"fusion:{theirs.id}"


def test_both_youth_opposed_to_contact_stop_the_merge(session, world, double):
    for youth in (world.minor, double):
        block(session, youth=youth, source=BlockSource.PERSON, by_id=None, actor=ACTOR, now=NOW)
    session.commit()

    with pytest.raises(DomainError, match="chacun une opposition au contact en cours"):
        merge(session, world, world.minor, double)
    session.rollback()
    assert stored_youth(session, double.id).last_name == "LEFEBVRE"  # still there

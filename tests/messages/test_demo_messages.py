"""The demo PSAD has messages sent to youth in every delivery state, and answers to review."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from psad.auth.models import Psad, User
from psad.demo import DEMO_CODE, DEMO_USERS, load_demo
from psad.demo_messages import NEW_PHONE, populate
from psad.messages.models import AnswerKind, ContactBlock, MessageTemplate, ReplyAnswer, ReviewState
from psad.messages.reply import pending_answers
from psad.outbox.models import OutboxMessage, OutboxState
from tests.helpers import count

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_the_demo_has_messages_answers_and_oppositions(session, settings):
    assert load_demo(session, today=TODAY, youth_count=120)
    session.commit()
    psad = session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()
    copilot = session.scalars(select(User).where(User.email == DEMO_USERS[1][0])).one()

    written = populate(session, psad=psad, copilot=copilot, settings=settings, now=NOW)

    assert written == 8
    states = dict(
        session.execute(
            select(OutboxMessage.state, OutboxMessage.id).order_by(OutboxMessage.id)
        ).all()
    )
    assert set(states) == {OutboxState.SENT, OutboxState.FAILED, OutboxState.QUEUED}
    assert count(session, MessageTemplate, MessageTemplate.psad_id == psad.id) >= 4
    answers = {a.kind: a for a in session.scalars(select(ReplyAnswer))}
    assert answers[AnswerKind.CALL_BACK].phone_proposed == NEW_PHONE
    assert answers[AnswerKind.CALL_BACK].phone_review is ReviewState.PENDING
    assert answers[AnswerKind.SOLUTION].situation_review is ReviewState.PENDING
    assert answers[AnswerKind.REFUSAL].refusal_review is ReviewState.PENDING
    assert pending_answers(session, answers[AnswerKind.REFUSAL].youth_id)
    blocks = session.scalars(select(ContactBlock)).all()
    assert sorted(b.lifted_at is None for b in blocks) == [False, True]
    assert all(b.lift_reason for b in blocks if b.lifted_at is not None)

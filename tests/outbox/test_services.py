"""Queueing, the counts of the administrators' page, and sending a failed message again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from psad.audit.actions import AuditAction
from psad.audit.services import Actor
from psad.errors import NotFoundError
from psad.outbox.delivery import deliver_due
from psad.outbox.models import OutboxChannel, OutboxMessage, OutboxState
from psad.outbox.services import (
    MessageCancelledError,
    MessageNotRetryableError,
    cancel_queued,
    failures,
    retry,
    retrying_count,
    state_counts,
    troubles_query,
    waiting_count,
)
from tests.helpers import events
from tests.outbox.conftest import (
    NOW,
    TOKEN,
    mail_settings,
    queue,
    queue_email_to_youth,
    queue_sms,
    reloaded,
)

LATER = NOW + timedelta(hours=2)


def given(session, key: str, state: OutboxState, attempts: int = 0, **over) -> OutboxMessage:  # type: ignore[no-untyped-def]
    message = queue(session, key=key, **over)
    message.state = state
    message.attempts = attempts
    session.flush()
    return message


def test_enqueue_stores_the_message_due_now(session):
    message = queue(session, psad_id=None)

    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 0)
    assert stored.next_attempt_at == stored.created_at == NOW


def test_enqueue_stores_the_channel_the_token_and_the_reply_address(session):
    message = queue_email_to_youth(session)
    sms = queue_sms(session)

    stored, stored_sms = reloaded(session, message), reloaded(session, sms)
    assert (stored.channel, stored.secret, stored.reply_to) == (
        OutboxChannel.EMAIL,
        TOKEN,
        "psad-lille@ac-lille.example",
    )
    assert (stored_sms.channel, stored_sms.subject, stored_sms.reply_to) == (
        OutboxChannel.SMS,
        "",
        None,
    )


def test_a_digest_is_an_email_without_token(session):
    stored = reloaded(session, queue(session))

    assert (stored.channel, stored.secret, stored.reply_to) == (OutboxChannel.EMAIL, None, None)


def test_counts_per_state_and_waiting(session):
    given(session, "a", OutboxState.QUEUED)
    given(session, "b", OutboxState.QUEUED, attempts=2)
    given(session, "c", OutboxState.SENDING, attempts=1)
    given(session, "d", OutboxState.SENT, attempts=1)
    given(session, "e", OutboxState.FAILED, attempts=10)

    assert state_counts(session) == {
        OutboxState.QUEUED: 2,
        OutboxState.SENDING: 1,
        OutboxState.SENT: 1,
        OutboxState.FAILED: 1,
    }
    assert waiting_count(session) == 3
    assert retrying_count(session) == 1


def test_troubles_are_the_failed_then_the_retrying(session):
    given(session, "queued", OutboxState.QUEUED)
    retrying = given(session, "retrying", OutboxState.QUEUED, attempts=1)
    given(session, "sent", OutboxState.SENT, attempts=1)
    failed = given(session, "failed", OutboxState.FAILED, attempts=10, now=NOW - timedelta(days=1))

    listed = list(session.scalars(troubles_query()))

    assert [m.key for m in listed] == [failed.key, retrying.key]
    assert [m.key for m in failures(session)] == [failed.key]


def test_retry_queues_a_failed_message_afresh_and_is_audited(session, admin):
    message = given(session, "digest:1", OutboxState.FAILED, attempts=10)
    message.last_error = "Serveur injoignable"
    session.flush()
    actor = Actor(user_id=admin.id, psad_id=None, ip_address="192.0.2.1")

    retry(session, message_id=message.id, actor=actor, now=LATER)
    session.commit()

    stored = reloaded(session, message)
    assert (stored.state, stored.attempts, stored.next_attempt_at) == (
        OutboxState.QUEUED,
        0,
        LATER,
    )
    [event] = events(session, AuditAction.OUTBOX_RETRIED.value)
    assert (event.user_id, event.object_type, event.object_id) == (
        admin.id,
        "outbox_message",
        message.id,
    )
    assert "@" not in (event.detail or "")


def test_a_retried_message_goes_out(session, admin, smtp_server):
    message = given(session, "digest:1", OutboxState.FAILED, attempts=10)
    retry(session, message_id=message.id, actor=Actor(admin.id, None), now=LATER)
    session.commit()

    report = deliver_due(session, mail_settings(smtp_server), LATER)

    assert report.sent == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert reloaded(session, message).state is OutboxState.SENT


@pytest.mark.parametrize("state", [OutboxState.SENT, OutboxState.SENDING])
def test_a_sent_or_sending_message_is_not_retried(session, admin, state):
    message = given(session, "digest:1", state, attempts=1)

    with pytest.raises(MessageNotRetryableError):
        retry(session, message_id=message.id, actor=Actor(admin.id, None), now=LATER)

    assert reloaded(session, message).state is state
    assert events(session, AuditAction.OUTBOX_RETRIED.value) == []


def test_retrying_a_missing_message_is_not_found(session, admin):
    with pytest.raises(NotFoundError):
        retry(session, message_id=999, actor=Actor(admin.id, None), now=LATER)


def test_a_cancelled_message_is_not_retried(session, admin):
    message = given(session, "message:1", OutboxState.FAILED, attempts=0)
    message.last_error = "Annulé : opposition au contact"
    session.flush()

    with pytest.raises(MessageCancelledError, match=r"annulé avant son envoi \(opposition"):
        retry(session, message_id=message.id, actor=Actor(admin.id, None), now=LATER)

    assert reloaded(session, message).state is OutboxState.FAILED
    assert events(session, AuditAction.OUTBOX_RETRIED.value) == []


# --- cancelling -------------------------------------------------------------------------


def test_cancelling_fails_the_waiting_messages_and_forgets_their_token(session):
    first = queue_sms(session, "message:1:sms")
    retrying = given(session, "message:2", OutboxState.QUEUED, attempts=2)

    cancelled = cancel_queued(
        session, message_ids=[first.id, retrying.id], reason="Annulé : dossier clos"
    )
    session.commit()

    assert cancelled == 2
    for message in (first, retrying):
        stored = reloaded(session, message)
        assert (stored.state, stored.last_error, stored.secret) == (
            OutboxState.FAILED,
            "Annulé : dossier clos",
            None,
        )


@pytest.mark.parametrize("state", [OutboxState.SENDING, OutboxState.SENT, OutboxState.FAILED])
def test_cancelling_leaves_a_message_being_sent_sent_or_failed_alone(session, state):
    message = given(session, "message:1", state, attempts=1)

    cancelled = cancel_queued(session, message_ids=[message.id], reason="Annulé : dossier clos")

    assert cancelled == 0
    stored = reloaded(session, message)
    assert (stored.state, stored.last_error) == (state, None)

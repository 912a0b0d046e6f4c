"""The automatic reminder: once per sending, N days after a sending a person made and nobody
answered (at most ``CATCH_UP_DAYS`` days late), on every channel of that sending, with a new
personal link (the first one's raw token is gone once sent); never for an answered message,
an automatic one, a youth blocked or suspended, a closed case or an expired link.

``run`` does what the scheduled job does (``psad.messages.jobs``): each PSAD, then commit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.followup.models import Contact
from psad.messages import blocks
from psad.messages.models import (
    BlockSource,
    MessageChannel,
    MessagingSettings,
    ReplyToken,
    YouthMessage,
)
from psad.messages.reminders import (
    CATCH_UP_DAYS,
    psads_with_reminders,
    purge_expired_secrets,
    remind_psad,
)
from psad.messages.tokens import hash_token
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.youth.models import Youth
from tests.followup.helpers import close, reach
from tests.helpers import count, events
from tests.messages.conftest import (
    BASE_URL,
    NOW,
    OTHER_MOBILE,
    TODAY,
    Messaging,
    make_answer,
    make_sent_message,
    msg,
    send,
    settings,
    world,
)

__all__ = ["msg", "settings", "world"]

DAYS = 3
SENT = NOW - timedelta(days=DAYS)  # 04/12 at 10:00 in Paris: 3 days old on TODAY


def remind_after(session: Session, msg: Messaging, days: int | None = DAYS) -> None:
    """The PSAD's pilote sets the automatic reminder (None: off); committed."""
    row = session.get_one(MessagingSettings, msg.psad.id)
    row.auto_reminder_days = days
    session.commit()


def run(session: Session, msg: Messaging, *, days_later: int = 0) -> int:
    """The daily run of TODAY (at NOW), or of ``days_later`` days after it, as the job does
    it: each PSAD, committed. Returns how many reminder messages were queued."""
    later = timedelta(days=days_later)
    queued = 0
    for psad_id, days in psads_with_reminders(session):
        queued += remind_psad(session, msg.settings, psad_id=psad_id, days=days,
                              now=NOW + later, today=TODAY + later).queued  # fmt: skip
        session.commit()
    return queued


def reminders_of(session: Session, youth: Youth) -> list[YouthMessage]:
    """The automatic reminders written to ``youth`` (one row per channel), oldest first."""
    session.expire_all()
    return list(
        session.scalars(
            select(YouthMessage)
            .join(OutboxMessage, OutboxMessage.id == YouthMessage.outbox_message_id)
            .where(
                YouthMessage.youth_id == youth.id,
                OutboxMessage.purpose == OutboxPurpose.MESSAGE_REMINDER,
            )
            .order_by(YouthMessage.id)
        )
    )


def sent_on_both_channels(session: Session, msg: Messaging, youth: Youth) -> list[YouthMessage]:
    """The pilote's « Premier contact » to ``youth`` by e-mail and SMS in one « Envoyer »,
    both delivered at SENT; committed. The e-mail first."""
    send(session, msg, [youth], channels=[MessageChannel.EMAIL, MessageChannel.SMS], now=SENT)
    messages = list(
        session.scalars(
            select(YouthMessage).where(YouthMessage.youth_id == youth.id).order_by(YouthMessage.id)
        )
    )
    for message in messages:
        outbox = session.get_one(OutboxMessage, message.outbox_message_id)
        outbox.state, outbox.sent_at, outbox.attempts = OutboxState.SENT, SENT, 1
    session.commit()
    return messages


@pytest.fixture
def sent(session: Session, msg: Messaging) -> YouthMessage:
    """The pilote's « Premier contact » e-mail to Éloïse, delivered 3 days ago, reminders on
    after 3 days; committed."""
    remind_after(session, msg)
    message = make_sent_message(session, msg, msg.minor, sent_at=SENT)
    session.commit()
    return message


def test_nothing_is_sent_when_the_psad_did_not_ask(session, msg):
    make_sent_message(session, msg, msg.minor, sent_at=NOW - timedelta(days=60))
    session.commit()

    queued = run(session, msg)

    assert queued == 0
    assert reminders_of(session, msg.minor) == []
    assert events(session, AuditAction.AUTO_REMINDERS_RUN.value) == []


def test_a_message_unanswered_for_n_days_is_reminded_once_on_its_channel(session, msg, sent):
    queued = run(session, msg)

    assert queued == 1
    [reminder] = reminders_of(session, msg.minor)
    assert reminder.reminder_of_id == sent.id
    assert reminder.channel is MessageChannel.EMAIL
    assert reminder.sent_by_id is None
    assert reminder.template_name == msg.template(session, "auto_reminder").name
    outbox = session.get_one(OutboxMessage, reminder.outbox_message_id)
    assert outbox.purpose is OutboxPurpose.MESSAGE_REMINDER
    assert outbox.state is OutboxState.QUEUED
    assert outbox.recipient == "eloise.lefevre@example.org"
    assert f"{BASE_URL}/r/{{jeton}}" in outbox.body_text


def test_the_reminder_carries_a_new_personal_link(session, msg, sent):
    run(session, msg)

    [reminder] = reminders_of(session, msg.minor)
    assert reminder.reply_token_id not in (None, sent.reply_token_id)
    outbox = session.get_one(OutboxMessage, reminder.outbox_message_id)
    token = session.get_one(ReplyToken, reminder.reply_token_id)
    assert outbox.secret is not None and hash_token(outbox.secret) == token.token_hash
    assert count(session, ReplyToken) == 2


def test_the_reminder_is_a_contact_without_author(session, msg, sent):
    run(session, msg)

    [reminder] = reminders_of(session, msg.minor)
    contact = session.get_one(Contact, reminder.contact_id)
    assert contact.author_id is None
    assert contact.reached is False
    assert contact.channel.code == "email"
    assert contact.outcome is not None and contact.outcome.code == "message_sent"
    assert contact.comment == f"Message « {reminder.template_name} »"


def test_an_sms_is_reminded_by_sms_to_the_same_number(session, msg):
    remind_after(session, msg)
    original = make_sent_message(session, msg, msg.adult, channel=MessageChannel.SMS, sent_at=SENT)
    session.commit()

    run(session, msg)

    [reminder] = reminders_of(session, msg.adult)
    assert reminder.channel is MessageChannel.SMS
    assert reminder.recipient == original.recipient == OTHER_MOBILE
    outbox = session.get_one(OutboxMessage, reminder.outbox_message_id)
    assert outbox.channel.value == "sms" and outbox.recipient == OTHER_MOBILE


def test_a_message_younger_than_n_days_waits(session, msg):
    remind_after(session, msg)
    make_sent_message(session, msg, msg.minor, sent_at=NOW - timedelta(days=DAYS - 1))
    session.commit()

    assert run(session, msg) == 0
    assert reminders_of(session, msg.minor) == []


def test_days_are_counted_as_people_count_them(session, msg):
    """Sent at 10:30 on 04/12, the run at 10:00 on 07/12 finds it 3 days old."""
    remind_after(session, msg)
    make_sent_message(session, msg, msg.minor, sent_at=SENT + timedelta(minutes=30))
    session.commit()

    assert run(session, msg) == 1


def test_an_answered_message_is_not_reminded(session, msg, sent):
    token = session.get_one(ReplyToken, sent.reply_token_id)
    make_answer(session, token, answered_at=SENT + timedelta(hours=5))
    session.commit()

    assert run(session, msg) == 0
    assert reminders_of(session, msg.minor) == []


def test_a_youth_reached_since_is_not_reminded(session, msg, sent):
    reach(session, msg.world, msg.world.minor_case)  # a call at NOW, the youth answered
    session.commit()

    assert run(session, msg) == 0


def test_a_youth_written_to_again_is_reminded_of_the_last_message_only(session, msg, sent):
    make_sent_message(session, msg, msg.minor, sent_at=SENT + timedelta(days=1))
    session.commit()

    assert run(session, msg) == 0  # the later one is 2 days old: not yet
    assert run(session, msg, days_later=1) == 1
    [reminder] = reminders_of(session, msg.minor)
    assert reminder.reminder_of_id != sent.id


def test_a_reminder_is_not_reminded(session, msg, sent):
    run(session, msg)
    reminder = reminders_of(session, msg.minor)[0]
    outbox = session.get_one(OutboxMessage, reminder.outbox_message_id)
    outbox.state, outbox.sent_at = OutboxState.SENT, NOW
    session.commit()

    assert run(session, msg, days_later=DAYS) == 0
    assert len(reminders_of(session, msg.minor)) == 1


def test_an_automatic_message_is_never_reminded(session, msg):
    remind_after(session, msg)
    message = make_sent_message(session, msg, msg.minor, sent_at=SENT)
    message.sent_by_id = None  # no one sent it
    session.commit()

    assert run(session, msg) == 0


def test_a_blocked_youth_is_not_reminded(session, msg, sent):
    blocks.block(session, youth=msg.minor, source=BlockSource.SMS_STOP, by_id=None,
                 actor=msg.actor(), now=NOW - timedelta(days=1))  # fmt: skip
    session.commit()

    assert run(session, msg) == 0
    assert reminders_of(session, msg.minor) == []


def test_a_youth_with_reminders_suspended_is_not_reminded(session, msg, sent):
    blocks.suspend_auto_reminders(session, youth=msg.minor, by_id=msg.pilot.id,
                                  actor=msg.actor(), now=NOW)  # fmt: skip
    session.commit()

    assert run(session, msg) == 0


def test_a_closed_case_is_not_reminded(session, msg, sent):
    close(session, msg.world, msg.world.minor_case, "refused")
    session.commit()

    assert run(session, msg) == 0


def test_an_expired_link_is_not_reminded(session, msg, sent):
    token = session.get_one(ReplyToken, sent.reply_token_id)
    token.expires_at = NOW - timedelta(minutes=1)
    session.commit()

    assert run(session, msg) == 0


@pytest.mark.parametrize("state", [OutboxState.QUEUED, OutboxState.FAILED])
def test_a_message_not_delivered_is_not_reminded(session, msg, sent, state):
    outbox = session.get_one(OutboxMessage, sent.outbox_message_id)
    outbox.state = state
    session.commit()

    assert run(session, msg) == 0


def test_two_runs_send_one_reminder(session, msg, sent):
    first = run(session, msg)
    second = run(session, msg)

    assert (first, second) == (1, 0)
    assert len(reminders_of(session, msg.minor)) == 1
    assert (
        count(session, OutboxMessage, OutboxMessage.purpose == OutboxPurpose.MESSAGE_REMINDER) == 1
    )


def test_without_the_raw_token_the_reminder_gets_a_new_link(session, msg):
    remind_after(session, msg)
    original = make_sent_message(session, msg, msg.minor, sent_at=SENT, keep_secret=False)
    session.commit()

    run(session, msg)

    [reminder] = reminders_of(session, msg.minor)
    assert reminder.reply_token_id != original.reply_token_id
    outbox = session.get_one(OutboxMessage, reminder.outbox_message_id)
    token = session.get_one(ReplyToken, reminder.reply_token_id)
    assert outbox.secret is not None and hash_token(outbox.secret) == token.token_hash


def test_sms_switched_off_since_leaves_an_sms_without_reminder(session, msg):
    remind_after(session, msg)
    make_sent_message(session, msg, msg.adult, channel=MessageChannel.SMS, sent_at=SENT)
    session.get_one(MessagingSettings, msg.psad.id).sms_enabled = False
    session.commit()

    assert run(session, msg) == 0
    [event] = events(session, AuditAction.AUTO_REMINDERS_RUN.value)
    assert event.detail is not None and "sms_desactive=1" in event.detail


def test_the_run_is_audited_per_psad_with_counts_only(session, msg, sent):
    run(session, msg)

    [event] = events(session, AuditAction.AUTO_REMINDERS_RUN.value)
    assert event.psad_id == msg.psad.id and event.user_id is None
    assert event.detail == "jour=2026-12-07; apres_jours=3; relances=1"


def test_expired_links_lose_their_raw_token(session, msg):
    failed = make_sent_message(session, msg, msg.minor, sent_at=SENT)
    alive = make_sent_message(session, msg, msg.adult, sent_at=SENT)
    session.get_one(OutboxMessage, failed.outbox_message_id).state = OutboxState.FAILED
    session.get_one(ReplyToken, failed.reply_token_id).expires_at = NOW - timedelta(seconds=1)
    session.commit()

    purged = purge_expired_secrets(session, NOW)
    session.commit()

    assert purged == 1
    session.expire_all()
    assert session.get_one(OutboxMessage, failed.outbox_message_id).secret is None
    assert session.get_one(OutboxMessage, alive.outbox_message_id).secret is not None


def test_a_disabled_reminder_template_sends_nothing(session, msg, sent):
    msg.template(session, "auto_reminder").active = False
    session.commit()

    assert run(session, msg) == 0
    [event] = events(session, AuditAction.AUTO_REMINDERS_RUN.value)
    assert event.detail is not None and "modele_inactif=1" in event.detail


def test_an_sms_is_not_reminded_when_the_template_has_no_sms_text(session, msg):
    remind_after(session, msg)
    make_sent_message(session, msg, msg.adult, channel=MessageChannel.SMS, sent_at=SENT)
    template = msg.template(session, "auto_reminder")
    template.sms_tu = template.sms_vous = None
    session.commit()

    assert run(session, msg) == 0
    assert reminders_of(session, msg.adult) == []


def test_a_sending_by_email_and_sms_gets_one_reminder_on_both(session, msg):
    remind_after(session, msg)
    email, sms = sent_on_both_channels(session, msg, msg.minor)

    queued = run(session, msg)

    assert queued == 2
    reminders = reminders_of(session, msg.minor)
    assert [reminder.channel for reminder in reminders] == [email.channel, sms.channel]
    assert len({reminder.sending_key for reminder in reminders}) == 1
    assert reminders[0].reminder_of_id == email.id
    [link] = {reminder.reply_token_id for reminder in reminders}  # one new link for both
    assert link not in (None, email.reply_token_id)


def test_a_sending_by_email_and_sms_is_reminded_once_whatever_the_runs(session, msg):
    remind_after(session, msg)
    sent_on_both_channels(session, msg, msg.minor)

    runs = [run(session, msg), run(session, msg), run(session, msg, days_later=1)]

    assert runs == [2, 0, 0]
    assert len(reminders_of(session, msg.minor)) == 2
    [event, *_] = events(session, AuditAction.AUTO_REMINDERS_RUN.value)
    assert event.detail == "jour=2026-12-07; apres_jours=3; relances=2"


def test_a_sending_is_reminded_on_its_channels_still_possible(session, msg):
    remind_after(session, msg)
    email, _ = sent_on_both_channels(session, msg, msg.minor)
    session.get_one(MessagingSettings, msg.psad.id).sms_enabled = False
    session.commit()

    assert run(session, msg) == 1

    [reminder] = reminders_of(session, msg.minor)
    assert (reminder.channel, reminder.reminder_of_id) == (MessageChannel.EMAIL, email.id)
    [event] = events(session, AuditAction.AUTO_REMINDERS_RUN.value)
    assert event.detail is not None and "sms_desactive=1" in event.detail


@pytest.mark.parametrize(
    ("age", "reminded"),
    [(7, True), (8, True), (7 + CATCH_UP_DAYS, True), (8 + CATCH_UP_DAYS, False), (40, False)],
)
def test_a_message_is_reminded_at_most_a_few_days_late(session, msg, age, reminded):
    """Reminders after 7 days turned on today: a run missed (a weekend) is caught up, a
    message of weeks ago is not reminded (its link kept valid, to see only the delay)."""
    remind_after(session, msg, 7)
    message = make_sent_message(session, msg, msg.minor, sent_at=NOW - timedelta(days=age))
    session.get_one(ReplyToken, message.reply_token_id).expires_at = NOW + timedelta(days=30)
    session.commit()

    queued = run(session, msg)

    assert queued == int(reminded)
    assert len(reminders_of(session, msg.minor)) == int(reminded)

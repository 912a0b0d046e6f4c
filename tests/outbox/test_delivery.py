"""Delivering the outbox to a real SMTP server on loopback: what arrives, once, and what
happens when the server is down, refuses, or comes back."""

from __future__ import annotations

import logging
from datetime import timedelta

from psad.config import MailSettings
from psad.outbox.delivery import LINK_GONE, DeliveryReport, backoff, deliver_due
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.outbox.services import enqueue
from tests.helpers import count
from tests.mailserver import SENDER
from tests.outbox.conftest import (
    HTML,
    NOW,
    RECIPIENT,
    SUBJECT,
    TEXT,
    TOKEN,
    YOUTH_ADDRESS,
    mail_settings,
    queue,
    queue_email_to_youth,
    reloaded,
)

MINUTE = timedelta(minutes=1)


# --- what arrives -----------------------------------------------------------------------


def test_a_queued_message_arrives_with_its_subject_text_and_html(session, smtp_server):
    message = queue(session)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1, retrying=0, failed=0)
    [mail] = smtp_server.wait_for(1)
    assert (mail.sender, mail.recipients) == (SENDER, [RECIPIENT])
    assert (mail.header("From"), mail.header("To")) == (SENDER, RECIPIENT)
    assert mail.subject == SUBJECT
    assert mail.text == TEXT
    assert mail.html is not None and mail.html.strip() == HTML
    assert mail.header("Auto-Submitted") == "auto-generated"
    assert (mail.header("Message-ID") or "").endswith("@psad.example>")
    assert mail.header("Date") == "Mon, 07 Dec 2026 07:00:00 +0100"
    stored = reloaded(session, message)
    assert (stored.state, stored.sent_at, stored.attempts) == (OutboxState.SENT, NOW, 1)


def test_a_message_to_a_youth_carries_the_link_and_the_psad_reply_to(session, smtp_server):
    message = queue_email_to_youth(session)

    deliver_due(session, mail_settings(smtp_server), NOW)

    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == [YOUTH_ADDRESS]
    assert mail.header("Reply-To") == "psad-lille@ac-lille.example"
    link = f"https://psad.example.org/r/{TOKEN}"
    assert mail.text == f"Bonjour Léa,\n\nRépondre : {link}\n"
    assert mail.html is not None and f'<a href="{link}">{link}</a>' in mail.html
    stored = reloaded(session, message)
    assert (stored.state, stored.secret) == (OutboxState.SENT, None)
    assert "{jeton}" in stored.body_text and TOKEN not in stored.body_text


def test_a_message_without_reply_to_has_no_such_header(session, smtp_server):
    queue(session)

    deliver_due(session, mail_settings(smtp_server), NOW)

    [mail] = smtp_server.wait_for(1)
    assert mail.header("Reply-To") is None


def test_a_token_is_kept_while_the_message_waits_for_another_attempt(session, smtp_server):
    message = queue_email_to_youth(session)
    smtp_server.refuse(451)

    deliver_due(session, mail_settings(smtp_server), NOW)

    stored = reloaded(session, message)
    assert (stored.state, stored.secret) == (OutboxState.QUEUED, TOKEN)


def test_a_message_whose_link_expired_before_it_left_is_not_sent(session, smtp_server):
    message = queue_email_to_youth(session, secret=None)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(failed=1)
    assert smtp_server.messages == []
    assert reloaded(session, message).last_error == LINK_GONE


def test_a_digest_needs_no_token(session, smtp_server):
    queue(session, body_text="Les accolades {jeton} d'un digest restent telles quelles.\n")

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1)
    [mail] = smtp_server.wait_for(1)
    assert "{jeton}" in mail.text


def test_a_message_without_html_is_plain_text(session, smtp_server):
    queue(session, body_html=None)

    deliver_due(session, mail_settings(smtp_server), NOW)

    [mail] = smtp_server.wait_for(1)
    assert mail.message.get_content_type() == "text/plain"
    assert mail.text == TEXT and mail.html is None


def test_a_message_is_sent_once_however_many_runs(session, smtp_server):
    queue(session)
    mail = mail_settings(smtp_server)

    deliver_due(session, mail, NOW)
    report = deliver_due(session, mail, NOW + MINUTE)

    assert report == DeliveryReport()
    assert len(smtp_server.messages) == 1


def test_one_key_queued_twice_is_one_row_and_one_email(session, smtp_server):
    queue(session, key="digest:7:2026-12-07")
    again = enqueue(
        session,
        key="digest:7:2026-12-07",
        purpose=OutboxPurpose.DIGEST,
        recipient=RECIPIENT,
        subject="Un autre objet",
        body_text="autre",
        body_html=None,
        psad_id=None,
        user_id=None,
        now=NOW,
    )

    deliver_due(session, mail_settings(smtp_server), NOW)

    assert again is None
    assert count(session, OutboxMessage) == 1
    [mail] = smtp_server.wait_for(1)
    assert mail.subject == SUBJECT


def test_a_message_not_yet_due_waits(session, smtp_server):
    queue(session, now=NOW + MINUTE)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport()
    assert smtp_server.messages == []


def test_one_connection_carries_the_whole_batch(session, smtp_server):
    for number in range(3):
        queue(session, key=f"digest:{number}:2026-12-07", recipient=f"u{number}@psad.example")

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report.sent == 3
    assert sorted(m.recipients[0] for m in smtp_server.wait_for(3)) == [
        "u0@psad.example",
        "u1@psad.example",
        "u2@psad.example",
    ]
    assert smtp_server.connections == 1


def test_the_batch_goes_on_after_a_refused_recipient(session, smtp_server):
    first = queue(session, key="digest:1:2026-12-07", recipient="gone@psad.example")
    second = queue(session, key="digest:2:2026-12-07")
    smtp_server.refuse(550, times=1)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1, retrying=0, failed=1)
    assert reloaded(session, first).state is OutboxState.FAILED
    assert reloaded(session, second).state is OutboxState.SENT
    assert [m.recipients for m in smtp_server.wait_for(1)] == [[RECIPIENT]]


# --- the server down, refusing, back ----------------------------------------------------


def test_server_down_keeps_the_message_with_a_french_reason(session, smtp_server):
    message = queue(session)
    smtp_server.stop()

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=0, retrying=1, failed=0)
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 1)
    assert stored.last_error == (
        f"Serveur injoignable (127.0.0.1:{smtp_server.port}) : connexion refusée"
    )
    assert stored.next_attempt_at == NOW + MINUTE


def test_server_back_delivers_at_the_next_due_time(session, smtp_server):
    message = queue(session)
    mail = mail_settings(smtp_server)
    smtp_server.stop()
    deliver_due(session, mail, NOW)
    smtp_server.start()

    too_early = deliver_due(session, mail, NOW + timedelta(seconds=30))
    on_time = deliver_due(session, mail, NOW + MINUTE)

    assert (too_early.sent, on_time.sent) == (0, 1)
    [received] = smtp_server.wait_for(1)
    assert received.subject == SUBJECT
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.SENT, 2)


def test_an_unreachable_server_stops_the_run_and_the_others_wait(session, smtp_server):
    first = queue(session, key="digest:1:2026-12-07")
    second = queue(session, key="digest:2:2026-12-07")
    smtp_server.stop()

    deliver_due(session, mail_settings(smtp_server), NOW)

    assert reloaded(session, first).attempts == 1
    stored = reloaded(session, second)
    assert (stored.state, stored.attempts, stored.last_error) == (OutboxState.QUEUED, 0, None)


def test_a_refusal_451_is_retried_and_delivered_once_accepted(session, smtp_server):
    message = queue(session)
    mail = mail_settings(smtp_server)
    smtp_server.refuse(451)

    first = deliver_due(session, mail, NOW)
    stored = reloaded(session, message)
    assert first == DeliveryReport(retrying=1)
    assert stored.state is OutboxState.QUEUED
    assert (
        stored.last_error == "Refusé par le serveur : 451 4.7.1 Greylisted, please try again later"
    )

    smtp_server.accept()
    second = deliver_due(session, mail, NOW + MINUTE)

    assert second == DeliveryReport(sent=1)
    assert len(smtp_server.wait_for(1)) == 1


def test_a_refusal_550_fails_at_once(session, smtp_server):
    message = queue(session)
    smtp_server.refuse(550)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(failed=1)
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.FAILED, 1)
    assert stored.last_error == "Refusé par le serveur : 550 5.1.1 Mailbox unavailable"


def test_back_off_doubles_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]
    assert backoff(9) == timedelta(minutes=256)
    assert backoff(10) == backoff(30) == timedelta(hours=6)


def test_after_max_attempts_the_message_fails(session, smtp_server):
    message = queue(session)
    mail = mail_settings(smtp_server, max_attempts=3)
    smtp_server.stop()

    when = NOW
    for _ in range(3):
        deliver_due(session, mail, when)
        when = reloaded(session, message).next_attempt_at

    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.FAILED, 3)
    assert "connexion refusée" in (stored.last_error or "")
    assert deliver_due(session, mail, NOW + timedelta(days=1)) == DeliveryReport()


def test_a_delivery_that_died_is_taken_up_again(session, smtp_server):
    message = queue(session)
    message.state = OutboxState.SENDING  # claimed by a run that was killed
    message.claimed_at = NOW
    message.attempts = 1
    session.flush()
    mail = mail_settings(smtp_server)

    soon = deliver_due(session, mail, NOW + 5 * MINUTE)
    later = deliver_due(session, mail, NOW + 11 * MINUTE)

    assert (soon.sent, later.sent) == (0, 1)
    assert len(smtp_server.wait_for(1)) == 1
    assert reloaded(session, message).state is OutboxState.SENT


def test_a_message_that_kills_every_run_ends_failed(session, smtp_server):
    message = queue(session)
    message.state = OutboxState.SENDING
    message.claimed_at = NOW
    message.attempts = 3
    session.flush()

    deliver_due(session, mail_settings(smtp_server, max_attempts=3), NOW + 11 * MINUTE)

    stored = reloaded(session, message)
    assert stored.state is OutboxState.FAILED
    assert stored.last_error is not None and "interrompu" in stored.last_error
    assert smtp_server.messages == []


# --- e-mail off, logs -------------------------------------------------------------------


def test_mail_off_sends_nothing_and_keeps_the_queue(session):
    message = queue(session)

    report = deliver_due(session, MailSettings(), NOW)

    assert report == DeliveryReport()
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 0)


def test_logs_name_ids_never_the_address_or_the_body(session, smtp_server, caplog):
    queue(session, key="digest:1:2026-12-07", recipient="claire.martin@psad.example")
    queue(session, key="digest:2:2026-12-07", recipient="hugo.petit@psad.example")
    smtp_server.refuse(550, "5.1.1 <hugo.petit@psad.example>: unknown user", times=1)
    caplog.set_level(logging.DEBUG, logger="psad")

    deliver_due(session, mail_settings(smtp_server), NOW)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("psad"))
    assert "outbox message" in logged
    assert "@" not in logged
    assert "jamais été contactés" not in logged


def test_a_connection_the_server_closed_meanwhile_is_opened_again(session, smtp_server):
    for number in range(3):
        queue(session, key=f"digest:{number}:2026-12-07", recipient=f"u{number}@psad.example")
    smtp_server.hang_up_after = 2  # as an idle time-out would, between two messages

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=3)
    assert len(smtp_server.wait_for(3)) == 3
    assert smtp_server.connections == 2


# --- a message that cannot be written as an e-mail --------------------------------------


def test_a_subject_with_a_line_break_cannot_add_a_header(session, smtp_server):
    queue(session, subject="PSAD de Lille\r\nBcc: espion@ailleurs.example")

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1)
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == [RECIPIENT]
    assert mail.header("Bcc") is None
    assert mail.subject == "PSAD de Lille Bcc: espion@ailleurs.example"


def test_a_message_that_cannot_be_built_fails_and_the_others_go(session, smtp_server):
    broken = queue(session, key="digest:1:2026-12-07", recipient="a@psad.example\r\nBcc: x@y.z")
    queue(session, key="digest:2:2026-12-07")

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1, failed=1)
    assert [mail.recipients for mail in smtp_server.wait_for(1)] == [[RECIPIENT]]
    stored = reloaded(session, broken)
    assert stored.state is OutboxState.FAILED
    assert stored.last_error is not None and "adresse" in stored.last_error

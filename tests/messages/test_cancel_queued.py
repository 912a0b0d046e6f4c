"""A youth's « STOP » and a closed case stop what is already waiting in the outbox: nothing
reaches the SMTP server or the SMS gateway, the message is failed « Annulé : … » on the file,
and the administrators' « Réessayer » refuses it. Lifting the block lets new messages go."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.config import SmsSettings
from psad.followup.services import close_case
from psad.messages import blocks
from psad.messages.cancel import BLOCKED, CASE_CLOSED
from psad.messages.models import BlockSource, ContactBlock, MessageChannel, YouthMessage
from psad.outbox.delivery import DeliveryReport, deliver_due, deliver_due_sms
from psad.outbox.models import OutboxMessage, OutboxState
from psad.outbox.services import MessageCancelledError, retry
from psad.outbox.sms import HttpSmsGateway
from psad.reference.models import ReferenceKind
from psad.youth.models import KnownToPartner, Youth
from tests.followup.conftest import reference
from tests.helpers import text, with_settings
from tests.mailserver import LoopbackSmtp, mail_settings, smtp_server
from tests.messages._reply_fixtures import link_for
from tests.messages.conftest import MOBILE, NOW, SECTIONS, TODAY, Messaging, send
from tests.smsserver import LoopbackSms, sms_section, sms_server

__all__ = ["sms_server", "smtp_server"]
pytestmark = pytest.mark.usefixtures("frozen_clock")

LATER = NOW + timedelta(minutes=5)
SECRET = "secret-de-la-passerelle"
WITH_WEBHOOK = with_settings(sms={**SECTIONS["sms"], "inbound_secret": SECRET})


def deliver_mail(session: Session, server: LoopbackSmtp) -> DeliveryReport:
    return deliver_due(session, mail_settings(server), LATER)


def deliver_sms(session: Session, server: LoopbackSms) -> DeliveryReport:
    settings = SmsSettings(**sms_section(server))  # type: ignore[arg-type]
    return deliver_due_sms(session, settings, HttpSmsGateway(settings), LATER)


def outbox_of(session: Session, youth: Youth) -> list[OutboxMessage]:
    """The youth's messages' outbox rows as stored now, oldest first."""
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMessage)
            .join(YouthMessage, YouthMessage.outbox_message_id == OutboxMessage.id)
            .where(YouthMessage.youth_id == youth.id)
            .order_by(OutboxMessage.id)
        )
    )


def states(session: Session, youth: Youth) -> list[tuple[OutboxState, str | None]]:
    return [(row.state, row.last_error) for row in outbox_of(session, youth)]


def timeline(client, youth: Youth) -> str:  # type: ignore[no-untyped-def]
    """The file's timeline as read: tags removed, spaces collapsed."""
    page = text(client.get(f"/jeunes/{youth.id}"))
    start = page.index('id="chronologie"')
    table = page[start : page.index("</table>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", table).split())


def stop(session: Session, msg: Messaging, youth: Youth) -> None:
    """A person records the youth's opposition (the service the file's button calls)."""
    blocks.block(
        session,
        youth=youth,
        source=BlockSource.PERSON,
        by_id=msg.pilot.id,
        actor=msg.actor(),
        now=NOW,
    )


def close(session: Session, msg: Messaging, youth: Youth) -> None:
    case = youth.open_case
    assert case is not None
    close_case(
        session,
        case=case,
        reason=reference(session, ReferenceKind.CLOSING_REASON, "refused"),
        known_to_partner=KnownToPartner.UNKNOWN,
        solution=None,
        solution_since=None,
        on=TODAY,
        by=msg.pilot,
        now=NOW,
        actor=msg.actor(),
    )


def admin_actor(admin) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=admin.id, psad_id=None, ip_address="192.0.2.1")


# --- « STOP » ---------------------------------------------------------------------------


def test_stop_on_the_reply_page_cancels_the_queued_email(client, session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()
    raw = link_for(session, msg.minor)

    client.submit(f"/r/{raw}/stop", {"confirm": "y"})
    report = deliver_mail(session, smtp_server)

    assert smtp_server.messages == []
    assert report == DeliveryReport()  # cancelled at once: nothing was due
    [row] = outbox_of(session, msg.minor)
    assert (row.state, row.last_error, row.secret) == (OutboxState.FAILED, BLOCKED, None)


@WITH_WEBHOOK
def test_stop_by_sms_cancels_the_queued_sms(client, session, msg, sms_server):
    send(session, msg, [msg.minor], channels=[MessageChannel.SMS])
    session.commit()

    client.post(
        "/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers={"X-PSAD-Secret": SECRET}
    )
    deliver_sms(session, sms_server)

    assert sms_server.messages == []
    assert states(session, msg.minor) == [(OutboxState.FAILED, BLOCKED)]


def test_a_persons_block_on_the_file_shows_the_message_cancelled_at_once(client, session, msg):
    send(session, msg, [msg.minor])
    session.commit()
    client.sign_in(msg.copilot)

    client.submit(f"/jeunes/{msg.minor.id}/opposition")

    assert "État : Annulé : opposition au contact" in timeline(client, msg.minor)


def test_a_block_cancels_a_message_waiting_for_its_next_attempt(session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()
    smtp_server.refuse(451)
    deliver_mail(session, smtp_server)
    smtp_server.accept()
    assert outbox_of(session, msg.minor)[0].attempts == 1

    stop(session, msg, msg.minor)
    session.commit()
    deliver_due(session, mail_settings(smtp_server), NOW + timedelta(hours=1))

    assert smtp_server.messages == []
    assert states(session, msg.minor) == [(OutboxState.FAILED, BLOCKED)]


@pytest.mark.parametrize("state", [OutboxState.SENDING, OutboxState.SENT])
def test_a_block_leaves_a_message_being_sent_or_sent_alone(session, msg, state):
    send(session, msg, [msg.minor])
    [row] = outbox_of(session, msg.minor)
    row.state = state
    session.commit()

    stop(session, msg, msg.minor)
    session.commit()

    assert states(session, msg.minor) == [(state, None)]


def test_a_block_cancels_only_that_youths_messages(session, msg, smtp_server):
    send(session, msg, [msg.minor, msg.unknown_age])
    session.commit()

    stop(session, msg, msg.minor)
    session.commit()
    report = deliver_mail(session, smtp_server)

    assert report == DeliveryReport(sent=1)
    assert [mail.recipients for mail in smtp_server.wait_for(1)] == [[msg.unknown_age.email]]


# --- the veto: whatever path blocked or closed ----------------------------------------


def test_a_block_written_without_the_service_still_stops_delivery(
    client, session, msg, smtp_server
):
    send(session, msg, [msg.minor])
    session.add(
        ContactBlock(
            psad_id=msg.psad.id, youth_id=msg.minor.id, source=BlockSource.PERSON, blocked_at=NOW
        )
    )
    session.commit()
    assert states(session, msg.minor) == [(OutboxState.QUEUED, None)]

    report = deliver_mail(session, smtp_server)

    assert smtp_server.messages == []
    assert report == DeliveryReport(cancelled=1)
    [row] = outbox_of(session, msg.minor)
    assert (row.state, row.last_error, row.secret) == (OutboxState.FAILED, BLOCKED, None)
    client.sign_in(msg.copilot)
    assert "État : Annulé : opposition au contact" in timeline(client, msg.minor)


def test_closing_the_case_stops_its_queued_email(client, session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()

    close(session, msg, msg.minor)
    session.commit()
    report = deliver_mail(session, smtp_server)

    assert smtp_server.messages == []
    assert report == DeliveryReport(cancelled=1)
    assert states(session, msg.minor) == [(OutboxState.FAILED, CASE_CLOSED)]
    client.sign_in(msg.copilot)
    assert "État : Annulé : dossier clos" in timeline(client, msg.minor)


def test_closing_the_case_stops_its_queued_sms(session, msg, sms_server):
    send(session, msg, [msg.minor], channels=[MessageChannel.SMS])
    session.commit()

    close(session, msg, msg.minor)
    session.commit()
    deliver_sms(session, sms_server)

    assert sms_server.messages == []
    assert states(session, msg.minor) == [(OutboxState.FAILED, CASE_CLOSED)]


# --- « Réessayer » ------------------------------------------------------------------------


def test_retry_refuses_a_cancelled_message_and_says_why(session, msg, admin):
    send(session, msg, [msg.minor])
    stop(session, msg, msg.minor)
    session.commit()
    [row] = outbox_of(session, msg.minor)

    with pytest.raises(MessageCancelledError, match=r"annulé avant son envoi \(opposition"):
        retry(session, message_id=row.id, actor=admin_actor(admin), now=LATER)


def test_retry_refuses_a_failed_message_to_a_youth_blocked_since(session, msg, admin, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()
    smtp_server.refuse(550)
    deliver_mail(session, smtp_server)
    stop(session, msg, msg.minor)  # the message had failed already: not « cancelled »
    session.commit()
    [row] = outbox_of(session, msg.minor)
    assert row.state is OutboxState.FAILED and row.last_error != BLOCKED

    with pytest.raises(MessageCancelledError, match="opposition au contact"):
        retry(session, message_id=row.id, actor=admin_actor(admin), now=LATER)

    assert states(session, msg.minor)[0][0] is OutboxState.FAILED


def test_the_administrators_page_says_why_a_cancelled_message_is_not_sent_again(
    client, session, msg, admin, smtp_server
):
    send(session, msg, [msg.minor])
    close(session, msg, msg.minor)
    session.commit()
    deliver_mail(session, smtp_server)
    [row] = outbox_of(session, msg.minor)
    client.sign_in(admin)

    response = client.submit(f"/admin/courriels/{row.id}/reessayer", follow_redirects=True)

    assert (
        "Ce message a été annulé avant son envoi (dossier clos) : il ne sera pas renvoyé."
        in text(response)
    )
    assert states(session, msg.minor) == [(OutboxState.FAILED, CASE_CLOSED)]
    assert smtp_server.messages == []


# --- lifting ------------------------------------------------------------------------------


def test_after_the_block_is_lifted_new_messages_go_and_the_cancelled_one_does_not(
    session, msg, smtp_server
):
    send(session, msg, [msg.minor])
    stop(session, msg, msg.minor)
    blocks.lift(
        session, youth=msg.minor, reason="A rappelé", by_id=msg.pilot.id, actor=msg.actor(), now=NOW
    )
    send(session, msg, [msg.minor])
    session.commit()

    report = deliver_mail(session, smtp_server)

    assert report == DeliveryReport(sent=1)
    assert len(smtp_server.wait_for(1)) == 1
    assert [state for state, _ in states(session, msg.minor)] == [
        OutboxState.FAILED,
        OutboxState.SENT,
    ]

"""Sending a template to youth: the outbox rows, the contacts on their cases, the links,
who is left out and why, and what the app refuses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.errors import DomainError
from psad.followup.models import Contact
from psad.followup.timeline import youth_timeline
from psad.messages.blocks import block
from psad.messages.models import BlockSource, MessageChannel, ReplyToken, YouthMessage
from psad.messages.services import (
    LEFT_BLOCKED,
    LEFT_CLOSED,
    LEFT_NO_DETAILS,
    LEFT_NO_EMAIL,
    LEFT_NO_MOBILE,
    preview,
    recipients,
)
from psad.messages.tokens import hash_token
from psad.outbox.models import OutboxChannel, OutboxMessage, OutboxPurpose
from psad.youth.models import CaseStatus, ListState
from tests.factories import make_youth
from tests.helpers import count, events, with_settings
from tests.messages.conftest import (
    BASE_URL,
    MOBILE,
    NOW,
    OTHER_MOBILE,
    TODAY,
    Messaging,
    make_sent_message,
    make_template,
    send,
)

EMAIL, SMS = MessageChannel.EMAIL, MessageChannel.SMS


def outbox_rows(session: Session, channel: OutboxChannel | None = None) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    return list(session.scalars(query))


def messages_of(session: Session, youth_id: int) -> list[YouthMessage]:
    return list(
        session.scalars(
            select(YouthMessage).where(YouthMessage.youth_id == youth_id).order_by(YouthMessage.id)
        )
    )


# --- the preview ------------------------------------------------------------------------


def test_preview_names_the_real_recipient_with_tu_for_a_minor(session: Session, msg: Messaging):
    [recipient] = recipients(session, youths=[msg.minor], channels={EMAIL, SMS}, sms_on=True)

    shown = preview(
        session,
        template=msg.template(session),
        recipient=recipient,
        by=msg.copilot,
        today=TODAY,
        settings=msg.settings,
    )

    assert set(shown) == {EMAIL, SMS}
    assert shown[EMAIL].body.startswith("Bonjour Éloïse,")
    assert "Je suis Karim Benali" in shown[EMAIL].body
    assert "Dis-nous en une minute ce que tu souhaites" in shown[EMAIL].body
    assert f"{BASE_URL}/r/••••" in shown[EMAIL].body
    assert shown[EMAIL].subject == "PSAD de Lille : formation, emploi, accompagnement"
    assert shown[SMS].body.endswith(
        f"te convient : {BASE_URL}/r/•••• Pour ne plus recevoir de message, ouvrez le lien."
    )
    assert shown[SMS].body.startswith("Bonjour Éloise, c'est Karim Benali")  # GSM: ï -> i
    assert shown[SMS].parts == 2
    assert count(session, OutboxMessage) == 0


def test_preview_says_vous_to_an_adult_and_when_the_birth_date_is_unknown(
    session: Session, msg: Messaging
):
    found = recipients(session, youths=[msg.adult, msg.unknown_age], channels={EMAIL}, sms_on=True)

    bodies = [
        preview(
            session,
            template=msg.template(session),
            recipient=recipient,
            by=msg.pilot,
            today=TODAY,
            settings=msg.settings,
        )[EMAIL].body
        for recipient in found
    ]

    assert all("Dites-nous en une minute ce que vous souhaitez" in body for body in bodies)
    assert bodies[0].startswith("Bonjour Hugo,") and bodies[1].startswith("Bonjour Inès,")


def test_preview_is_audited_without_personal_data(session: Session, msg: Messaging):
    [recipient] = recipients(session, youths=[msg.minor], channels={EMAIL}, sms_on=True)

    preview(
        session,
        template=msg.template(session),
        recipient=recipient,
        by=msg.pilot,
        today=TODAY,
        settings=msg.settings,
        actor=msg.actor(),
    )
    session.commit()

    [event] = events(session, AuditAction.MESSAGE_PREVIEWED.value)
    assert (event.object_id, event.detail) == (msg.minor.id, "modele=first_contact")


# --- sending ----------------------------------------------------------------------------


def test_three_youth_get_one_email_each_in_the_outbox(session: Session, msg: Messaging):
    youths = [msg.minor, msg.adult, msg.unknown_age]

    report = send(session, msg, youths)
    session.commit()

    assert report.queued == {EMAIL: 3, SMS: 0} and report.left == {}
    rows = outbox_rows(session)
    assert [row.recipient for row in rows] == [
        "eloise.lefevre@example.org",
        "hugo.martin@example.org",
        "ines.robert@example.org",
    ]
    assert {(row.purpose, row.channel) for row in rows} == {
        (OutboxPurpose.MESSAGE, OutboxChannel.EMAIL)
    }
    assert all(f"{BASE_URL}/r/{{jeton}}" in row.body_text for row in rows)
    assert rows[0].subject == "PSAD de Lille : formation, emploi, accompagnement"


def test_each_youth_has_a_link_of_their_own_kept_only_as_a_hash(session: Session, msg: Messaging):
    send(session, msg, [msg.minor, msg.adult, msg.unknown_age])
    session.commit()

    rows = outbox_rows(session)
    tokens = {t.youth_id: t for t in session.scalars(select(ReplyToken))}
    secrets = [row.secret for row in rows]
    assert len(set(secrets)) == 3 and all(secret and len(secret) == 22 for secret in secrets)
    for youth, secret in zip([msg.minor, msg.adult, msg.unknown_age], secrets, strict=True):
        token = tokens[youth.id]
        assert token.token_hash == hash_token(secret or "") != secret
        assert token.expires_at == NOW + timedelta(days=30)
    stored = messages_of(session, msg.minor.id)[0]
    assert secrets[0] not in stored.body and f"{BASE_URL}/r/••••" in stored.body


def test_the_message_is_a_failed_contact_on_the_case_by_the_sender(
    session: Session, msg: Messaging
):
    send(session, msg, [msg.minor], by=msg.copilot)
    session.commit()

    entry = next(
        e
        for e in youth_timeline(
            session, youth=msg.minor, user_id=msg.pilot.id, may_correct_any=True, now=NOW
        )
        if e.kind == "contact"
    )
    assert entry.what == "Prise de contact · Courriel · non joint"
    assert entry.details[0] == "Résultat : Message envoyé"
    assert "Message « Premier contact après une liste »" in entry.details
    assert entry.who == "Karim Benali"
    session.refresh(msg.minor)
    assert msg.minor.list_state is ListState.NEEDS_CALL  # « À recontacter »


def test_the_youth_message_ties_outbox_contact_token_and_template(session: Session, msg: Messaging):
    send(session, msg, [msg.adult])
    session.commit()

    [message] = messages_of(session, msg.adult.id)
    contact = session.get(Contact, message.contact_id)
    assert contact is not None and contact.case_id == message.case_id
    assert message.outbox.recipient == message.recipient == "hugo.martin@example.org"
    assert (message.register.value, message.template_name, message.sent_by_id) == (
        "vous",
        "Premier contact après une liste",
        msg.pilot.id,
    )
    assert message.reply_token_id is not None and message.reminder_of_id is None
    assert message.subject == "PSAD de Lille : formation, emploi, accompagnement"


def test_email_and_sms_share_the_link_and_sms_goes_to_a_mobile(session: Session, msg: Messaging):
    report = send(session, msg, [msg.minor, msg.adult], channels={EMAIL, SMS})
    session.commit()

    assert report.queued == {EMAIL: 2, SMS: 2}
    sms = outbox_rows(session, OutboxChannel.SMS)
    assert [row.recipient for row in sms] == [MOBILE, OTHER_MOBILE]  # Hugo's landline skipped
    assert all(row.subject == "" and row.reply_to is None for row in sms)
    assert sms[0].body_text.endswith(
        f"{BASE_URL}/r/{{jeton}} Pour ne plus recevoir de message, ouvrez le lien."
    )
    minor_rows = [row for row in outbox_rows(session) if row.recipient in (MOBILE, msg.minor.email)]
    assert len({row.secret for row in minor_rows}) == 1
    assert count(session, ReplyToken) == 2
    assert count(session, Contact) == 4


def test_emails_are_answered_to_the_psad(session: Session, msg: Messaging):
    msg.psad.email = "psad-lille@example.org"

    send(session, msg, [msg.minor])
    session.commit()

    assert outbox_rows(session)[0].reply_to == "psad-lille@example.org"


def test_the_same_sending_key_twice_sends_nothing_more(session: Session, msg: Messaging):
    first = send(session, msg, [msg.minor, msg.adult], channels={EMAIL, SMS}, key="abc")
    session.commit()

    again = send(session, msg, [msg.minor, msg.adult], channels={EMAIL, SMS}, key="abc")
    session.commit()

    assert first.queued == {EMAIL: 2, SMS: 2}
    assert again.queued == {EMAIL: 0, SMS: 0} and again.already_sent == 4
    assert count(session, OutboxMessage) == 4
    assert count(session, Contact) == 4
    assert count(session, ReplyToken) == 2


def test_blocked_closed_and_unreachable_youth_are_left_out_with_reasons(
    session: Session, msg: Messaging
):
    block(
        session,
        youth=msg.minor,
        source=BlockSource.SMS_STOP,
        by_id=None,
        actor=msg.actor(),
        now=NOW,
    )
    closed = make_youth(session, msg.psad, email="clos@example.org", case_status=CaseStatus.CLOSED)
    youths = [msg.minor, msg.adult, msg.landline, closed]

    report = send(session, msg, youths)
    session.commit()

    assert report.queued[EMAIL] == 1
    assert report.left == {LEFT_BLOCKED: 1, LEFT_NO_EMAIL: 1, LEFT_CLOSED: 1}
    assert [row.recipient for row in outbox_rows(session)] == ["hugo.martin@example.org"]
    assert messages_of(session, msg.minor.id) == []


def test_by_sms_a_landline_only_youth_is_left_out(session: Session, msg: Messaging):
    report = send(session, msg, [msg.landline, msg.unknown_age], channels={SMS})

    assert report.left == {LEFT_NO_MOBILE: 2}
    assert count(session, OutboxMessage) == 0


def test_with_both_channels_a_youth_gets_the_one_they_have(session: Session, msg: Messaging):
    report = send(session, msg, [msg.unknown_age, msg.landline], channels={EMAIL, SMS})

    assert report.queued == {EMAIL: 1, SMS: 0}
    assert report.partial[SMS] == 1
    assert report.left == {LEFT_NO_DETAILS: 1}


def test_each_youth_and_the_whole_sending_are_audited_with_ids_only(
    session: Session, msg: Messaging
):
    send(session, msg, [msg.minor, msg.adult], channels={EMAIL, SMS})
    session.commit()

    sent = events(session, AuditAction.MESSAGE_SENT.value)
    [bulk] = events(session, AuditAction.MESSAGES_SENT.value)
    assert sorted(e.object_id for e in sent) == sorted([msg.minor.id, msg.adult.id])
    assert sent[0].detail.startswith("modele=first_contact; canaux=email,sms; messages=")
    assert bulk.detail == "modele=first_contact; jeunes=2; courriels=2; sms=2; ecartes=0"
    for event in [*sent, bulk]:
        assert (
            "@" not in event.detail and "Éloïse" not in event.detail and "+33" not in event.detail
        )


def test_one_youth_is_not_a_bulk_sending(session: Session, msg: Messaging):
    send(session, msg, [msg.minor])
    session.commit()

    assert len(events(session, AuditAction.MESSAGE_SENT.value)) == 1
    assert events(session, AuditAction.MESSAGES_SENT.value) == []


# --- an automatic reminder (no author) --------------------------------------------------


def test_an_automatic_reminder_has_no_author_and_a_new_link(session: Session, msg: Messaging):
    original = make_sent_message(session, msg, msg.minor, sent_at=NOW - timedelta(days=8))

    report = send(
        session,
        msg,
        [msg.minor],
        template=msg.template(session, "auto_reminder"),
        key=f"auto:{original.id}",
        by=None,
        reminder_of=original,
    )
    session.commit()

    assert report.queued[EMAIL] == 1
    reminder = messages_of(session, msg.minor.id)[-1]
    assert (reminder.reminder_of_id, reminder.sent_by_id) == (original.id, None)
    assert reminder.reply_token_id != original.reply_token_id
    assert reminder.outbox.purpose is OutboxPurpose.MESSAGE_REMINDER
    contact = session.get(Contact, reminder.contact_id)
    assert contact is not None and contact.author_id is None
    assert count(session, ReplyToken) == 2


def test_an_automatic_reminder_is_signed_by_the_referent_else_the_psad(
    session: Session, msg: Messaging
):
    msg.minor.cases[0].referent_user_id = msg.copilot.id
    session.flush()
    template = msg.template(session, "auto_reminder")

    send(session, msg, [msg.minor, msg.adult], template=template, by=None)
    session.commit()

    rows = outbox_rows(session)
    assert "Karim Benali" in rows[0].body_text
    assert rows[1].body_text.rstrip().endswith("PSAD de Lille\nPSAD de Lille")


@with_settings(messages={"max_recipients": 2})
def test_more_youth_than_allowed_are_refused(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="Un envoi va à 2 jeunes au plus ; 3 sont choisis"):
        send(session, msg, [msg.minor, msg.adult, msg.unknown_age])

    assert count(session, OutboxMessage) == 0


@with_settings(web={"base_url": None})
def test_without_the_public_address_nothing_is_sent(session: Session, msg: Messaging):
    with pytest.raises(
        DomainError, match=r"l'adresse publique de l'application \(\[web\] base_url"
    ):
        send(session, msg, [msg.minor])

    assert count(session, OutboxMessage) == 0


@with_settings(mail={})
def test_without_a_mail_server_no_email_is_queued(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match=r"\[mail\] host"):
        send(session, msg, [msg.minor])


def test_sms_is_refused_when_the_psad_has_not_switched_it_on(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="les SMS ne sont pas activés pour cette PSAD"):
        send(session, msg, [msg.minor], channels={SMS}, sms_on=False)


@with_settings(sms={})
def test_sms_is_refused_without_a_gateway(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="les SMS ne sont pas activés"):
        send(session, msg, [msg.minor], channels={SMS})


def test_a_template_without_sms_texts_sends_no_sms(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, name="Courriel seul", sms_tu=None, sms_vous=None)

    with pytest.raises(DomainError, match="« Courriel seul » n'a pas de texte pour les SMS"):
        send(session, msg, [msg.minor], channels={SMS}, template=template)


def test_no_channel_is_refused(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="Choisissez au moins un moyen d'envoi"):
        send(session, msg, [msg.minor], channels=())


def test_a_youth_of_another_psad_is_refused(session: Session, msg: Messaging):
    from tests.factories import make_psad

    other = make_youth(session, make_psad(session), email="ailleurs@example.org")

    with pytest.raises(DomainError, match="n'est pas suivi par cette PSAD"):
        send(session, msg, [msg.minor, other])

    assert count(session, OutboxMessage) == 0


def test_a_pilote_text_is_not_a_jinja_template(session: Session, msg: Messaging):
    template = make_template(
        session,
        msg.psad,
        email_tu="{{ config }} {% if 1 %}x{% endif %} {prenom} {inconnu} {lien}",
    )

    send(session, msg, [msg.minor], template=template)
    session.commit()

    body = outbox_rows(session)[0].body_text
    assert body.startswith("{{ config }} {% if 1 %}x{% endif %} Éloïse {inconnu} ")


def test_a_link_in_a_subject_saved_earlier_goes_out_masked(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, subject="Ton lien : {lien}")  # now refused

    send(session, msg, [msg.minor], template=template)
    session.commit()

    [row] = outbox_rows(session)
    assert row.subject == f"Ton lien : {BASE_URL}/r/••••"  # sent as it is: never {jeton}
    assert f"{BASE_URL}/r/{{jeton}}" in row.body_text  # the body's link is filled in
    assert messages_of(session, msg.minor.id)[0].subject == row.subject

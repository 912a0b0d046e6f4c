"""The messages in a youth's timeline (« Historique » of the file): each message sent is a
contact attempt shown with its template, channel, masked recipient and where it is (« En
attente d'envoi », « Envoyé le … », « Échec : … », « Nouvel essai prévu le … »), and the
message itself under « Voir le message » (the link masked, escaped, its line breaks kept),
for whoever sees the file; answers and oppositions are entries of their own.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.messages import blocks, reply
from psad.messages.models import AnswerKind, BlockSource, MessageChannel, TimeSlot, YouthMessage
from psad.messages.tokens import new_token
from psad.outbox.delivery import deliver_due
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Youth
from tests.helpers import text
from tests.mailserver import mail_settings, smtp_server
from tests.messages.conftest import NOW, Messaging, make_sent_message, make_template, send

__all__ = ["smtp_server"]
pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def copilot(client, msg: Messaging):  # type: ignore[no-untyped-def]
    client.sign_in(msg.copilot)
    return client


def timeline(client, youth: Youth) -> str:  # type: ignore[no-untyped-def]
    """The file's timeline as read: tags removed, spaces collapsed."""
    page = text(client.get(f"/jeunes/{youth.id}"))
    table = page[
        page.index('id="chronologie"') : page.index("</table>", page.index('id="chronologie"'))
    ]
    return " ".join(re.sub(r"<[^>]+>", " ", table).split())


def timeline_html(client, youth: Youth) -> str:  # type: ignore[no-untyped-def]
    """The file's timeline as served (HTML, entities kept)."""
    page = client.get(f"/jeunes/{youth.id}").get_data(as_text=True)
    start = page.index('id="chronologie"')
    return page[start : page.index("</table>", start)]


def outbox_of(session: Session, youth: Youth) -> OutboxMessage:
    session.expire_all()
    message = session.scalars(select(YouthMessage).where(YouthMessage.youth_id == youth.id)).one()
    return message.outbox


def test_a_queued_message_is_a_contact_attempt_waiting_to_be_sent(copilot, session, msg):
    send(session, msg, [msg.minor])
    session.commit()

    shown = timeline(copilot, msg.minor)

    assert "Message envoyé · Courriel · « Premier contact après une liste »" in shown
    assert "À : e•••@example.org" in shown
    assert "État : En attente d'envoi" in shown
    assert "Compté comme une prise de contact (non joint)" in shown
    assert "Claire Martin" in shown
    # the message's entry stands in for the contact it made
    assert "Prise de contact · Courriel" not in shown


def test_an_sms_shows_the_masked_number(copilot, session, msg):
    send(session, msg, [msg.minor], channels=[MessageChannel.SMS])
    session.commit()

    assert "Message envoyé · SMS · « Premier contact après une liste » À : 06 •• •• •• 78" in (
        timeline(copilot, msg.minor)
    )


def test_a_message_delivered_says_when(copilot, session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()

    deliver_due(session, mail_settings(smtp_server), NOW + timedelta(minutes=5))

    smtp_server.wait_for(1)
    assert "État : Envoyé le 07/12/2026 à 10:05" in timeline(copilot, msg.minor)


def test_a_message_refused_for_good_says_why(copilot, session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()
    smtp_server.refuse(550)

    deliver_due(session, mail_settings(smtp_server), NOW + timedelta(minutes=5))

    assert outbox_of(session, msg.minor).state is OutboxState.FAILED
    assert "État : Échec : Refusé par le serveur : 550 5.1.1 Mailbox unavailable" in timeline(
        copilot, msg.minor
    )


def test_a_message_to_be_tried_again_says_when(copilot, session, msg, smtp_server):
    send(session, msg, [msg.minor])
    session.commit()
    smtp_server.refuse(451)

    deliver_due(session, mail_settings(smtp_server), NOW + timedelta(minutes=5))

    assert outbox_of(session, msg.minor).attempts == 1
    assert "État : Nouvel essai prévu le 07/12/2026 à 10:06" in timeline(copilot, msg.minor)


def test_an_automatic_reminder_names_no_sender(copilot, session, msg):
    original = make_sent_message(session, msg, msg.minor)
    send(session, msg, [msg.minor], by=None, reminder_of=original, now=NOW + timedelta(days=8))
    session.commit()

    shown = timeline(copilot, msg.minor)

    assert "Relance automatique · Courriel" in shown
    assert "Automatiquement" in shown


def test_an_answer_is_an_entry_with_its_choices(copilot, session, msg):
    case = msg.minor.open_case
    _, token = new_token(
        session, psad_id=msg.psad.id, youth_id=msg.minor.id, case_id=case.id, now=NOW, days=30
    )
    reply.record_answer(
        session,
        token=token,
        kind=AnswerKind.CALL_BACK,
        time_slot=TimeSlot.MORNING,
        solution_kind=None,
        phone="+33712345678",
        now=NOW,
        actor=Actor(user_id=None, psad_id=msg.psad.id, ip_address="192.0.2.9"),
        settings=msg.settings,
    )
    session.commit()

    shown = timeline(copilot, msg.minor)

    assert "Réponse en ligne : Je veux être recontacté·e" in shown
    assert "Créneau souhaité : Le matin (9 h - 12 h)" in shown
    assert "Numéro proposé : 07 12 34 56 78 (à confirmer)" in shown
    assert "Le jeune (lien personnel)" in shown
    assert "Prise de contact · Réponse en ligne" not in shown  # the answer stands in for it


def test_an_opposition_and_its_lifting_are_entries(copilot, session, msg):
    blocks.block(
        session,
        youth=msg.minor,
        source=BlockSource.SMS_STOP,
        by_id=None,
        actor=msg.actor(),
        now=NOW,
    )
    blocks.lift(
        session,
        youth=msg.minor,
        reason="A rappelé : accepte d'être contactée",
        by_id=msg.copilot.id,
        actor=msg.actor(msg.copilot),
        now=NOW + timedelta(hours=2),
    )
    session.commit()

    shown = timeline(copilot, msg.minor)

    assert (
        "Opposition au contact (STOP) : plus aucun message n'est envoyé "
        "« STOP » répondu à un SMS Le jeune" in shown
    )
    assert (
        "Opposition au contact levée Motif : A rappelé : accepte d'être contactée Karim Benali"
        in shown
    )


def test_a_message_entry_shows_the_message_as_sent(copilot, session, msg):
    send(session, msg, [msg.minor])
    session.commit()

    shown = html.unescape(timeline_html(copilot, msg.minor))

    assert "<summary>Voir le message" in shown
    assert "<strong>Objet :</strong> PSAD de Lille : formation, emploi, accompagnement" in shown
    assert '<p class="mb-1">Bonjour Éloïse,</p>' in shown
    assert "avec ton lien personnel :<br>https://psad.example.org/r/••••</p>" in shown
    assert "À bientôt,<br>Claire Martin<br>PSAD de Lille</p>" in shown


def test_an_sms_entry_shows_its_text_without_subject(copilot, session, msg):
    send(session, msg, [msg.minor], channels=[MessageChannel.SMS])
    session.commit()

    shown = html.unescape(timeline_html(copilot, msg.minor))

    assert "<summary>Voir le message" in shown
    assert "Bonjour Éloise, c'est Claire Martin (PSAD de Lille)." in shown  # GSM letters
    assert "Objet :" not in shown


def test_a_message_is_shown_as_text_never_as_markup(copilot, session, msg):
    template = make_template(
        session,
        msg.psad,
        subject="Rendez-vous <b>demain</b>",
        email_tu="Bonjour {prenom},\n<script>alert(1)</script>\n{lien}",
    )
    send(session, msg, [msg.minor], template=template)
    session.commit()

    served = timeline_html(copilot, msg.minor)

    assert "Rendez-vous &lt;b&gt;demain&lt;/b&gt;" in served
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>" in served
    assert "<script>" not in served and "<b>" not in served


def test_a_partner_who_sees_the_file_sees_the_message(client, session, msg, frozen_clock):
    """Sophie Durand, of the Lycée Baggio that follows Éloïse, sees her timeline."""
    send(session, msg, [msg.minor])
    session.commit()
    client.sign_in(msg.world.partner)

    shown = html.unescape(timeline_html(client, msg.minor))

    assert "Message envoyé · Courriel · « Premier contact après une liste »" in shown
    assert "<summary>Voir le message" in shown
    assert '<p class="mb-1">Bonjour Éloïse,</p>' in shown

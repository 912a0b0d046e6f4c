"""A PSAD's message templates and messaging settings, as its pilote sets them: the shipped
templates listed, one changed (errors under their fields), a new one, SMS switched on (only
when the server has a gateway), the automatic reminder."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.messages.models import MessageTemplate, MessagingSettings
from psad.messages.rendering import LINK_IN_SUBJECT
from tests.factories import make_psad
from tests.helpers import count, events, field_error, text, with_settings
from tests.messages.conftest import SECTIONS, Messaging

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def pilot(client, msg: Messaging):  # type: ignore[no-untyped-def]
    client.sign_in(msg.pilot)
    return client


def template_fields(**changes: str) -> dict[str, str]:
    return {
        "name": "Premier contact après une liste",
        "subject": "La {psad} vous écrit",
        "email_tu": "Bonjour {prenom}, réponds ici : {lien}",
        "email_vous": "Bonjour {prenom}, répondez ici : {lien}",
        "sms_tu": "Bonjour {prenom}, {lien}",
        "sms_vous": "Bonjour {prenom}, {lien}",
        "active": "y",
        **changes,
    }


def test_the_list_shows_the_shipped_templates_and_the_settings(pilot, msg):
    page = text(pilot.get(f"/psad/{msg.psad.id}/modeles-messages"))

    assert "Premier contact après une liste" in page
    assert "Rappel après un appel manqué" in page
    assert "SMS : proposés" in page
    assert "Relance automatique : aucune" in page


def test_a_template_is_changed_and_audited(pilot, session, msg):
    response = pilot.submit(
        f"/psad/{msg.psad.id}/modeles-messages/first_contact",
        template_fields(subject="Un message de la {psad}"),
        follow_redirects=True,
    )

    assert "Modèle « Premier contact après une liste » enregistré." in text(response)
    assert msg.template(session).subject == "Un message de la {psad}"
    [event] = events(session, "message.template_saved")
    assert event.detail == "modele=first_contact; nouveau=non"


def test_an_unknown_variable_is_refused_under_its_field(pilot, session, msg):
    response = pilot.submit(
        f"/psad/{msg.psad.id}/modeles-messages/first_contact",
        template_fields(email_tu="Bonjour {nom}, {lien}"),
    )

    assert response.status_code == 422
    assert field_error(response, "email_tu").startswith("Variable inconnue « {nom} »")
    assert events(session, "message.template_saved") == []


def test_the_link_in_a_subject_is_refused_under_the_subject(pilot, session, msg):
    response = pilot.submit(
        f"/psad/{msg.psad.id}/modeles-messages/first_contact",
        template_fields(subject="Ton lien : {lien}"),
    )

    assert response.status_code == 422
    assert field_error(response, "subject") == LINK_IN_SUBJECT
    assert events(session, "message.template_saved") == []


def test_one_sms_text_without_the_other_is_refused(pilot, msg):
    response = pilot.submit(
        f"/psad/{msg.psad.id}/modeles-messages/first_contact", template_fields(sms_vous="")
    )

    assert response.status_code == 422
    assert "Donnez les deux textes SMS" in field_error(response, "sms_vous")


def test_a_new_template_gets_a_code_and_is_offered(pilot, session, msg):
    before = count(session, MessageTemplate)

    response = pilot.submit(
        f"/psad/{msg.psad.id}/modeles-messages/nouveau",
        template_fields(name="Invitation à la journée portes ouvertes", sms_tu="", sms_vous=""),
    )

    assert response.status_code == 302
    assert count(session, MessageTemplate) == before + 1
    code = session.scalar(
        select(MessageTemplate.code).where(
            MessageTemplate.name == "Invitation à la journée portes ouvertes"
        )
    )
    assert code == "invitation_a_la_journee_portes"
    assert "Invitation à la journée portes ouvertes" in text(
        pilot.get(f"/jeunes/{msg.minor.id}/message")
    )


def test_an_unknown_template_answers_404(pilot, msg):
    assert pilot.get(f"/psad/{msg.psad.id}/modeles-messages/inconnu").status_code == 404


def test_a_deactivated_template_is_no_longer_offered(pilot, msg):
    fields = template_fields()
    del fields["active"]

    pilot.submit(f"/psad/{msg.psad.id}/modeles-messages/first_contact", fields)

    page = text(pilot.get(f"/jeunes/{msg.minor.id}/message"))
    assert 'value="first_contact"' not in page
    assert "Désactivé" in text(pilot.get(f"/psad/{msg.psad.id}/modeles-messages"))


def test_the_settings_switch_sms_and_set_the_automatic_reminder(pilot, session, msg):
    response = pilot.submit(
        f"/psad/{msg.psad.id}/messages", {"auto_reminder_days": "7"}, follow_redirects=True
    )

    page = text(response)
    assert "Réglages des messages enregistrés." in page
    assert "SMS : non proposés" in page
    assert "Relance automatique : après 7 jours sans réponse" in page
    session.expire_all()
    saved = session.get(MessagingSettings, msg.psad.id)
    assert (saved.sms_enabled, saved.auto_reminder_days) == (False, 7)
    [event] = events(session, AuditAction.MESSAGING_SETTINGS_CHANGED)
    assert event.detail == "sms=non; relance_jours=7"


def test_a_reminder_delay_out_of_range_is_refused_under_the_field(pilot, msg):
    response = pilot.submit(f"/psad/{msg.psad.id}/messages", {"auto_reminder_days": "0"})

    assert response.status_code == 422
    assert field_error(response, "auto_reminder_days") == "Donnez un nombre de jours de 1 à 90."


@with_settings(sms={})
def test_without_a_gateway_the_sms_switch_is_not_shown_and_kept(pilot, session, msg):
    page = text(pilot.get(f"/psad/{msg.psad.id}/messages"))
    assert 'name="sms_enabled"' not in page
    assert "aucune passerelle SMS n'est configurée" in page

    pilot.submit(f"/psad/{msg.psad.id}/messages", {"auto_reminder_days": ""})

    session.expire_all()
    assert session.get(MessagingSettings, msg.psad.id).sms_enabled is True


STOP_ANSWER = {**SECTIONS["sms"], "stop_notice": "STOP : répondez STOP"}
CANNOT_ANSWER = "Les SMS demandent de répondre STOP"


@with_settings(sms=STOP_ANSWER)
def test_a_stop_answer_nobody_receives_is_warned_with_the_way_out(pilot, msg):
    pages = [
        text(pilot.get(f"/psad/{msg.psad.id}/messages")),
        text(pilot.get(f"/psad/{msg.psad.id}/modeles-messages")),
    ]

    for page in pages:
        assert (
            "Les SMS demandent de répondre STOP (réglage [sms] stop_notice du serveur), mais les "
            "jeunes ne peuvent pas répondre" in page
        )
        assert "« Pour ne plus recevoir de message, ouvrez le lien. »" in page
        assert "ou de configurer un expéditeur numérique et inbound_secret." in page


def test_the_stop_notice_with_the_link_is_not_warned(pilot, msg):
    assert CANNOT_ANSWER not in text(pilot.get(f"/psad/{msg.psad.id}/messages"))
    assert CANNOT_ANSWER not in text(pilot.get(f"/psad/{msg.psad.id}/modeles-messages"))


@with_settings(sms={**STOP_ANSWER, "sender": "36111", "inbound_secret": "secret"})
def test_a_stop_answer_the_gateway_forwards_is_not_warned(pilot, msg):
    assert CANNOT_ANSWER not in text(pilot.get(f"/psad/{msg.psad.id}/messages"))
    assert CANNOT_ANSWER not in text(pilot.get(f"/psad/{msg.psad.id}/modeles-messages"))


def test_another_psads_templates_answer_404_to_a_pilote(pilot, session, msg):
    other = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.commit()

    assert pilot.get(f"/psad/{other.id}/modeles-messages").status_code == 404
    assert pilot.get(f"/psad/{other.id}/messages").status_code == 404

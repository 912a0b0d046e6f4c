"""The staff's pages of the messages, as a co-pilote uses them: write to a youth from the
file (template, channels, preview for the real recipient, send), to a selection of the list,
and act on the file's « Messages » panel (opposition, answers to review, automatic
reminders); the list's badges.

World: ``msg`` of tests/messages/conftest.py (Éloïse Lefèvre, 17, e-mail and mobile; Hugo
Martin, 20; Inès Robert, no birth date, e-mail only; Paul Girard, a landline only), SMS on.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.messages import blocks, reply
from psad.messages.models import (
    AnswerKind,
    BlockSource,
    ContactBlock,
    MessagingSettings,
    ReviewState,
    SolutionKind,
    TimeSlot,
)
from psad.messages.services import NO_BASE_URL
from psad.messages.tokens import new_token
from psad.outbox.models import OutboxChannel, OutboxMessage
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.helpers import count, events, text, with_settings
from tests.messages._compose_fixtures import (
    bulk,
    bulk_start,
    compose,
    sending_key,
    sent_to,
    shown,
)
from tests.messages.conftest import NOW, Messaging, make_template
from tests.test_query_counts import statements

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def copilot(client, msg: Messaging):  # type: ignore[no-untyped-def]
    """The test client, signed in as the co-pilote Karim Benali."""
    client.sign_in(msg.copilot)
    return client


def answered(session: Session, msg: Messaging, youth: Youth, **choices: object):  # type: ignore[no-untyped-def]
    """The youth answers on the reply page (the real service), committed."""
    case = youth.open_case
    assert case is not None
    _, token = new_token(
        session, psad_id=youth.psad_id, youth_id=youth.id, case_id=case.id, now=NOW, days=30
    )
    values: dict[str, object] = {
        "kind": AnswerKind.CALL_BACK,
        "time_slot": TimeSlot.MORNING,
        "solution_kind": None,
        "phone": None,
        **choices,
    }
    answer = reply.record_answer(
        session,
        token=token,
        now=NOW,
        actor=Actor(user_id=None, psad_id=youth.psad_id, ip_address="192.0.2.9"),
        settings=msg.settings,
        **values,  # type: ignore[arg-type]
    )
    session.commit()
    return answer


# --- writing from the file ----------------------------------------------------------------


def test_the_form_offers_the_psads_templates_and_both_channels(copilot, msg):
    page = copilot.get(f"/jeunes/{msg.minor.id}/message")

    assert page.status_code == 200
    shown = text(page)
    assert "Écrire à LEFÈVRE Éloïse" in shown
    assert "Premier contact après une liste" in shown
    assert 'value="sms"' in shown and 'value="email"' in shown


@with_settings(sms={})
def test_sms_is_not_offered_without_a_gateway(copilot, msg):
    page = text(copilot.get(f"/jeunes/{msg.minor.id}/message"))

    assert 'value="sms"' not in page
    assert "SMS non proposé" in page


def test_sms_is_not_offered_to_a_landline(copilot, msg):
    page = text(copilot.get(f"/jeunes/{msg.landline.id}/message"))

    assert 'value="sms"' not in page


def test_sms_is_not_offered_when_the_psad_has_not_switched_it_on(copilot, session, msg):
    session.get(MessagingSettings, msg.psad.id).sms_enabled = False
    session.commit()

    page = text(copilot.get(f"/jeunes/{msg.minor.id}/message"))

    assert 'value="sms"' not in page


def test_the_preview_shows_the_real_recipients_text(copilot, session, msg):
    response = compose(copilot, msg.minor, channels=["email", "sms"])

    assert response.status_code == 200
    page = shown(response)
    assert "1 jeune recevra ce message" in page
    assert "1 courriel, 1 SMS" in page
    assert "Bonjour Éloïse" in page
    assert "/r/••••" in page
    assert "Tel que le recevra LEFÈVRE Éloïse, en tutoyant (mineur)." in page
    assert "Courriel à eloise.lefevre@example.org" in page
    assert re.search(r"SMS au 06 12 34 56 78 · \d SMS", page)
    assert [e.object_id for e in events(session, "message.previewed")] == [msg.minor.id]


def test_the_preview_of_an_adult_says_vous(copilot, msg):
    page = shown(compose(copilot, msg.unknown_age))

    assert "Tel que le recevra ROBERT Inès, en vouvoyant." in page
    assert "Bonjour Inès" in page


def test_sending_queues_the_message_and_says_so(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor))

    response = compose(copilot, msg.minor, envoi=key, envoyer="1")

    assert response.status_code == 302
    assert response.location.endswith(f"/jeunes/{msg.minor.id}#messages")
    [outbox] = sent_to(session, msg.minor)
    assert (outbox.recipient, outbox.channel) == ("eloise.lefevre@example.org", OutboxChannel.EMAIL)
    page = text(copilot.get(response.location))
    assert "1 message mis en file d'envoi." in page
    assert "En attente d'envoi" in page


def test_the_same_send_posted_twice_sends_once(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor))
    compose(copilot, msg.minor, envoi=key, envoyer="1")

    again = compose(copilot, msg.minor, envoi=key, envoyer="1", follow=True)

    assert len(sent_to(session, msg.minor)) == 1
    assert "rien n'a été envoyé une seconde fois" in text(again)


def test_each_preview_carries_a_new_sending_key(copilot, msg):
    first = sending_key(compose(copilot, msg.minor))

    assert sending_key(compose(copilot, msg.minor)) != first


def test_a_blocked_youth_is_left_out_and_cannot_be_sent_to(copilot, session, msg):
    blocks.block(
        session,
        youth=msg.minor,
        source=BlockSource.SMS_STOP,
        by_id=None,
        actor=msg.actor(),
        now=NOW,
    )
    session.commit()

    response = compose(copilot, msg.minor)

    assert "Aucun jeune ne recevrait ce message" in shown(response)
    assert "LEFÈVRE Éloïse : opposition au contact" in shown(response)
    assert 'name="envoyer"' not in text(response)


def test_sms_with_a_template_without_sms_text_is_refused_under_the_field(copilot, session, msg):
    make_template(
        session, msg.psad, code="courriel_seul", name="Courriel seul", sms_tu=None, sms_vous=None
    )
    session.commit()

    response = compose(copilot, msg.minor, template="courriel_seul", channels=["sms"])

    assert response.status_code == 422
    assert "Le modèle « Courriel seul » n'a pas de texte SMS" in text(response)


def test_no_channel_is_refused(copilot, msg):
    response = compose(copilot, msg.minor, channels=[])

    assert response.status_code == 422
    assert "Choisissez au moins un moyen d'envoi" in text(response)


@with_settings(web={"base_url": None})
def test_without_a_public_address_the_preview_says_why_and_offers_no_send(copilot, msg):
    page = text(compose(copilot, msg.minor))

    assert NO_BASE_URL in page
    assert 'name="envoyer"' not in page


def test_a_send_refused_by_the_service_shows_why(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor))
    session.get(MessagingSettings, msg.psad.id).sms_enabled = False
    session.commit()

    response = compose(copilot, msg.minor, channels=["sms"], envoi=key, envoyer="1")

    assert response.status_code == 422  # SMS no longer a choice: the form refuses it
    assert sent_to(session, msg.minor) == []


# --- writing from the list ----------------------------------------------------------------


def test_the_toolbar_offers_to_write_to_the_checked_youth(copilot, msg):
    page = text(copilot.get("/jeunes"))

    assert "Écrire aux jeunes sélectionnés" in page
    assert 'formaction="/jeunes/messages"' in page


def test_three_checked_youth_reach_the_preview(copilot, msg):
    three = [msg.minor, msg.adult, msg.unknown_age]

    chosen = bulk_start(copilot, three)

    assert chosen.status_code == 200
    assert "Écrire à 3 jeunes" in text(chosen)
    preview = shown(bulk(copilot, "apercu", three))
    assert "3 jeunes recevront ce message" in preview
    assert "Tel que le recevra LEFÈVRE Éloïse, en tutoyant (mineur)." in preview
    assert "Bonjour Éloïse" in preview


def test_the_preview_switches_to_another_youth_of_the_selection(copilot, msg):
    three = [msg.minor, msg.adult, msg.unknown_age]

    page = shown(bulk(copilot, "apercu", three, apercu=str(msg.adult.id)))

    assert "Tel que le recevra MARTIN Hugo, en vouvoyant." in page
    assert "Bonjour Hugo" in page


def test_sending_to_the_selection_queues_one_message_each(copilot, session, msg):
    three = [msg.minor, msg.adult, msg.unknown_age]
    key = sending_key(bulk(copilot, "apercu", three))

    response = bulk(copilot, "envoi", three, envoi=key, envoyer="1")

    assert response.status_code == 302
    assert response.location == "/jeunes?onglet=a-traiter"
    assert count(session, OutboxMessage) == 3
    assert "3 messages mis en file d'envoi." in text(copilot.get(response.location))


def test_the_flash_counts_the_youth_left_out_and_why(copilot, session, msg):
    four = [msg.minor, msg.adult, msg.unknown_age, msg.landline]
    key = sending_key(bulk(copilot, "apercu", four))

    response = bulk(copilot, "envoi", four, envoi=key, envoyer="1", follow=True)

    assert (
        "3 messages mis en file d'envoi ; 1 jeune écarté (1 : sans adresse électronique)."
        in text(response)
    )


def test_the_preview_names_the_youth_left_out(copilot, msg):
    page = shown(bulk(copilot, "apercu", [msg.minor, msg.landline]))

    assert "1 jeune écarté" in page
    assert "GIRARD Paul : sans adresse électronique" in page


@with_settings(messages={"max_recipients": 2})
def test_a_selection_over_the_cap_is_refused_in_french(copilot, msg):
    response = bulk_start(copilot, [msg.minor, msg.adult, msg.unknown_age], follow=True)

    assert (
        "Un envoi groupé va à 2 jeunes au plus ; cette sélection en compte 3 : cochez-en moins "
        "ou affinez le filtre." in text(response)
    )


def test_nothing_checked_goes_back_to_the_list_saying_so(copilot, msg):
    response = bulk_start(copilot, [], follow=True)

    assert "Cochez au moins un jeune de la liste" in text(response)


# --- the file's panel -----------------------------------------------------------------------


def test_recording_an_opposition_blocks_and_shows_it_in_the_header(copilot, session, msg):
    response = copilot.submit(f"/jeunes/{msg.minor.id}/opposition", follow_redirects=True)

    page = text(response)
    assert "Opposition enregistrée" in page
    assert re.search(r"<h1>[^<]*<span[^>]*>Contact bloqué \(STOP\)</span></h1>", page)
    assert blocks.is_blocked(session, msg.minor.id)
    assert "Envoyer un message" not in page


def test_lifting_an_opposition_needs_a_reason(copilot, session, msg):
    copilot.submit(f"/jeunes/{msg.minor.id}/opposition")

    refused = copilot.submit(f"/jeunes/{msg.minor.id}/opposition/levee", {"reason": " "})

    assert "Dites pourquoi l'opposition est levée" in text(copilot.get(refused.location))
    assert blocks.is_blocked(session, msg.minor.id)


def test_lifting_an_opposition_with_a_reason(copilot, session, msg):
    copilot.submit(f"/jeunes/{msg.minor.id}/opposition")

    response = copilot.submit(
        f"/jeunes/{msg.minor.id}/opposition/levee",
        {"reason": "Le jeune a rappelé et accepte d'être contacté"},
        follow_redirects=True,
    )

    assert "Opposition levée" in text(response)
    session.expire_all()
    [row] = session.scalars(select(ContactBlock))
    assert row.lift_reason == "Le jeune a rappelé et accepte d'être contacté"
    assert len(events(session, "contact.unblocked")) == 1


def test_a_proposed_phone_is_confirmed_into_the_file(copilot, session, msg):
    answer = answered(session, msg, msg.minor, phone="+33712345678")
    file = shown(copilot.get(f"/jeunes/{msg.minor.id}"))
    assert "Nouveau numéro proposé : 07 12 34 56 78" in file

    response = copilot.submit(
        f"/jeunes/{msg.minor.id}/reponses/{answer.id}/telephone", follow_redirects=True
    )

    page = text(response)
    assert "Numéro de téléphone confirmé" in page
    coordinates = page[page.index('id="coordonnees"') :]
    assert "07 12 34 56 78" in coordinates[: coordinates.index("</table>")]
    assert "Nouveau numéro proposé" not in page
    assert [e.detail for e in events(session, "reply.reviewed")] == [
        f"reponse={answer.id}; partie=telephone; decision=confirme"
    ]


def test_a_declared_solution_preselects_its_situation_and_confirms_it(copilot, session, msg):
    answer = answered(
        session,
        msg,
        msg.adult,
        kind=AnswerKind.SOLUTION,
        time_slot=None,
        solution_kind=SolutionKind.EMPLOYMENT,
    )
    file = copilot.get(f"/jeunes/{msg.adult.id}")
    assert "Situation déclarée : Un emploi" in shown(file)
    assert re.search(r'<option value="employed" selected>', text(file))

    response = copilot.submit(
        f"/jeunes/{msg.adult.id}/reponses/{answer.id}/situation",
        {"situation": "employed"},
        follow_redirects=True,
    )

    assert "Situation confirmée : En emploi." in text(response)
    session.expire_all()
    case = session.get(Youth, msg.adult.id).open_case
    assert case.situation.code == "employed"
    timeline = text(response)[text(response).index('id="chronologie"') :]
    assert "En emploi" in timeline


def test_a_refusal_offers_to_close_the_case_as_refused(copilot, session, msg):
    answered(session, msg, msg.adult, kind=AnswerKind.REFUSAL, time_slot=None)

    page = text(copilot.get(f"/jeunes/{msg.adult.id}"))

    assert "Le jeune ne souhaite pas être accompagné." in page
    assert f'href="/jeunes/{msg.adult.id}/cloture?motif=refused"' in page


def test_dismissing_an_answer_leaves_the_file_as_it_was(copilot, session, msg):
    answer = answered(session, msg, msg.minor, phone="+33712345678")

    response = copilot.submit(
        f"/jeunes/{msg.minor.id}/reponses/{answer.id}/ecarter",
        {"part": "phone"},
        follow_redirects=True,
    )

    assert "Réponse écartée" in text(response)
    session.expire_all()
    assert session.get(Youth, msg.minor.id).phone == "+33612345678"
    assert session.get(type(answer), answer.id).phone_review is ReviewState.DISMISSED


def test_an_answer_of_another_youth_answers_404(copilot, session, msg):
    answer = answered(session, msg, msg.minor, phone="+33712345678")

    response = copilot.submit(f"/jeunes/{msg.adult.id}/reponses/{answer.id}/telephone")

    assert response.status_code == 404


def test_automatic_reminders_are_suspended_and_resumed_per_youth(copilot, session, msg):
    session.get(MessagingSettings, msg.psad.id).auto_reminder_days = 7
    session.commit()
    url = f"/jeunes/{msg.minor.id}/relances-auto"
    assert "Relance automatique 7 jours après" in text(copilot.get(f"/jeunes/{msg.minor.id}"))

    suspended = text(copilot.submit(url, {"suspendre": "oui"}, follow_redirects=True))
    assert "suspendue pour ce jeune" in suspended
    assert blocks.auto_reminders_suspended(session, msg.minor.id)

    resumed = text(copilot.submit(url, {"suspendre": "non"}, follow_redirects=True))
    assert "Relances automatiques reprises" in resumed
    assert not blocks.auto_reminders_suspended(session, msg.minor.id)


def test_the_panel_lists_the_messages_sent_with_their_state(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor, channels=["email", "sms"]))
    compose(copilot, msg.minor, channels=["email", "sms"], envoi=key, envoyer="1")

    page = text(copilot.get(f"/jeunes/{msg.minor.id}"))
    panel = page[page.index('id="messages-envoyes"') :]

    assert "Courriel · Premier contact après une liste" in panel
    assert "SMS · Premier contact après une liste" in panel
    assert "06 •• •• •• 78" in panel
    assert "e•••@example.org" in panel
    assert "Karim Benali" in panel


# --- the list's badges ----------------------------------------------------------------------


def test_the_list_shows_blocked_phone_to_confirm_and_answer_to_review(copilot, session, msg):
    blocks.block(
        session,
        youth=msg.landline,
        source=BlockSource.PERSON,
        by_id=msg.pilot.id,
        actor=msg.actor(),
        now=NOW,
    )
    session.commit()
    answered(session, msg, msg.minor, phone="+33712345678")
    answered(session, msg, msg.adult, kind=AnswerKind.REFUSAL, time_slot=None)

    page = text(copilot.get("/jeunes?onglet=tous"))

    assert _row(page, "GIRARD").count("Contact bloqué") == 1
    assert "Numéro à confirmer" in _row(page, "LEFÈVRE")
    assert "Réponse à traiter" in _row(page, "MARTIN")


def _row(page: str, name: str) -> str:
    """The table row of the youth named ``name``."""
    start = page.index(name, page.index("<tbody>"))
    return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]


def test_the_lists_badges_cost_the_same_statements_for_more_rows(app, client, session, msg):
    client.sign_in(msg.copilot)

    def marked(first: int, number: int) -> None:
        for n in range(first, first + number):
            youth = make_youth(session, msg.psad, last_name="Lefèvre", first_name=f"J{n:03d}")
            blocks.block(
                session,
                youth=youth,
                source=BlockSource.PERSON,
                by_id=msg.pilot.id,
                actor=msg.actor(),
                now=NOW,
            )
            session.commit()
            answered(session, msg, youth, phone="+33712345678")

    def statements_of_the_list() -> int:
        client.get("/jeunes?onglet=tous")  # caches filled by a first request are not counted
        with statements(app) as sent:
            page = client.get("/jeunes?onglet=tous")
        assert page.status_code == 200
        assert "Numéro à confirmer" in text(page)
        return len(sent)

    marked(0, 2)
    few = statements_of_the_list()
    marked(2, 18)

    assert statements_of_the_list() <= few

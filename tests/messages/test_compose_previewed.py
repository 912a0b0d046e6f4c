"""« Envoyer » sends what was previewed, nothing else: the preview's ``envoi`` proves which
template (as it was then), which channels and which youth it showed. Another template, other
channels, another selection, a template saved meanwhile, a forged or missing proof: nothing
is sent, the page answers 409 with the preview of what the form now holds. The selection of
the list, posted back in a hidden field, is capped again. The form posts to
« #apercu-message »: the browser lands on the preview, whose heading says whose message it is.

World: ``msg`` of tests/messages/conftest.py (Éloïse Lefèvre, 17, e-mail and mobile; Hugo
Martin, 20; Inès Robert, no birth date, e-mail only), SMS on; the co-pilote writes.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from psad.messages.services import TemplateData, save_template
from psad.outbox.models import OutboxMessage
from tests.helpers import count, text, with_settings
from tests.messages._compose_fixtures import (
    LIST,
    bulk,
    compose,
    sending_key,
    sent_to,
    shown,
)
from tests.messages.conftest import NOW, Messaging

pytestmark = pytest.mark.usefixtures("frozen_clock")
CHANGED = (
    "Le message a changé depuis l'aperçu (modèle, moyens d'envoi ou jeunes) : rien n'a été "
    "envoyé. Vérifiez ce nouvel aperçu puis envoyez."
)


@pytest.fixture
def copilot(client, msg: Messaging):  # type: ignore[no-untyped-def]
    """The test client, signed in as the co-pilote Karim Benali."""
    client.sign_in(msg.copilot)
    return client


# --- from the file --------------------------------------------------------------------------


def test_sending_another_template_than_the_one_previewed_sends_nothing(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor, template="first_contact"))

    response = compose(copilot, msg.minor, template="call_back", envoi=key, envoyer="1")

    assert response.status_code == 409
    assert sent_to(session, msg.minor) == []
    page = shown(response)
    assert CHANGED in page
    assert "Objet : PSAD de Lille : un appel manqué" in page  # the preview of « Rappel » instead


def test_sending_on_other_channels_than_previewed_sends_nothing(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor, channels=["email"]))

    response = compose(copilot, msg.minor, channels=["email", "sms"], envoi=key, envoyer="1")

    assert response.status_code == 409
    assert sent_to(session, msg.minor) == []
    page = shown(response)
    assert CHANGED in page
    assert "1 courriel, 1 SMS" in page
    assert "SMS au 06 12 34 56 78" in page


def test_a_template_saved_after_the_preview_is_previewed_again(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor))
    template = msg.template(session)
    save_template(
        session,
        psad_id=msg.psad.id,
        code=template.code,
        data=TemplateData(
            name=template.name,
            subject=template.subject,
            email_tu="Salut {prenom}, la {psad} a du nouveau pour toi : {lien}",
            email_vous=template.email_vous,
            sms_tu=template.sms_tu,
            sms_vous=template.sms_vous,
        ),
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW + timedelta(minutes=5),
    )
    session.commit()

    response = compose(copilot, msg.minor, envoi=key, envoyer="1")

    assert response.status_code == 409
    assert sent_to(session, msg.minor) == []
    assert CHANGED in shown(response)
    assert "Salut Éloïse, la PSAD de Lille a du nouveau pour toi" in shown(response)


@pytest.mark.parametrize(
    "envoi",
    [
        "",  # no preview at all
        "0123456789abcdef0123456789abcdef",  # a nonce without proof
        "0123456789abcdef0123456789abcdef." + "0" * 64,  # a forged proof
        "€" * 20,  # not even hexadecimal
    ],
    ids=["missing", "no-proof", "forged", "garbage"],
)
def test_a_sending_without_a_valid_proof_sends_nothing(copilot, session, msg, envoi):
    compose(copilot, msg.minor)

    response = compose(copilot, msg.minor, envoi=envoi, envoyer="1")

    assert response.status_code == 409
    assert sent_to(session, msg.minor) == []
    assert CHANGED in shown(response)
    assert "Bonjour Éloïse" in shown(response)


def test_a_proof_made_for_one_youth_does_not_send_to_another(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor))

    response = compose(copilot, msg.adult, envoi=key, envoyer="1")

    assert response.status_code == 409
    assert sent_to(session, msg.adult) == [] and sent_to(session, msg.minor) == []


def test_the_new_preview_after_a_change_sends_what_it_shows(copilot, session, msg):
    first = sending_key(compose(copilot, msg.minor, template="first_contact"))
    refused = compose(copilot, msg.minor, template="call_back", envoi=first, envoyer="1")

    response = compose(
        copilot, msg.minor, template="call_back", envoi=sending_key(refused), envoyer="1"
    )

    assert response.status_code == 302
    [outbox] = sent_to(session, msg.minor)
    assert "un appel manqué" in (outbox.subject or "")


def test_the_previewed_sending_posted_twice_sends_once(copilot, session, msg):
    key = sending_key(compose(copilot, msg.minor, channels=["email", "sms"]))
    compose(copilot, msg.minor, channels=["email", "sms"], envoi=key, envoyer="1")

    again = compose(copilot, msg.minor, channels=["email", "sms"], envoi=key, envoyer="1")

    assert again.status_code == 302
    assert len(sent_to(session, msg.minor)) == 2  # one e-mail, one SMS
    assert "rien n'a été envoyé une seconde fois" in text(copilot.get(again.location))


# --- from the list --------------------------------------------------------------------------


def test_sending_to_another_selection_than_previewed_sends_nothing(copilot, session, msg):
    three = [msg.minor, msg.adult, msg.unknown_age]
    key = sending_key(bulk(copilot, "apercu", three))

    response = bulk(copilot, "envoi", [msg.minor, msg.adult], envoi=key, envoyer="1")

    assert response.status_code == 409
    assert count(session, OutboxMessage) == 0
    page = shown(response)
    assert CHANGED in page
    assert "2 jeunes recevront ce message" in page


@with_settings(messages={"max_recipients": 2})
@pytest.mark.parametrize("action", ["apercu", "envoi"])
def test_a_forged_selection_over_the_cap_goes_back_to_the_list(copilot, session, msg, action):
    three = [msg.minor, msg.adult, msg.unknown_age]
    key = sending_key(bulk(copilot, "apercu", three[:2]))

    response = bulk(copilot, action, three, envoi=key, envoyer="1")

    assert response.status_code == 302
    assert response.location == f"/jeunes?{LIST}"
    assert count(session, OutboxMessage) == 0
    assert (
        "Un envoi groupé va à 2 jeunes au plus ; cette sélection en compte 3 : cochez-en moins "
        "ou affinez le filtre." in text(copilot.get(response.location))
    )


def test_a_selection_that_is_not_ids_goes_back_to_the_list(copilot, msg):
    response = bulk(copilot, "apercu", [], selection="abc ²", follow=True)

    assert "Aucun des jeunes choisis n'est encore visible : revenez à la liste." in text(response)


# --- where the preview lands --------------------------------------------------------------


def test_the_form_posts_to_the_preview_and_its_heading_names_the_recipient(copilot, msg):
    page = text(compose(copilot, msg.minor))

    assert f'action="/jeunes/{msg.minor.id}/message#apercu-message"' in page
    assert re.search(r'<section [^>]*id="apercu-message" tabindex="-1"', page)
    assert re.search(r'<h2 id="apercu-titre"[^>]*>Aperçu du message à LEFÈVRE Éloïse</h2>', page)
    assert 'role="status"' not in page  # the whole preview is not a live region


def test_the_selections_form_and_send_button_post_to_the_preview(copilot, msg):
    page = text(bulk(copilot, "apercu", [msg.minor, msg.adult]))

    assert 'action="/jeunes/messages/apercu#apercu-message"' in page
    assert 'formaction="/jeunes/messages/envoi#apercu-message"' in page


def test_a_mismatch_is_told_inside_the_preview_the_browser_lands_on(copilot, msg):
    key = sending_key(compose(copilot, msg.minor, channels=["email"]))

    page = text(compose(copilot, msg.minor, channels=["sms"], envoi=key, envoyer="1"))

    preview = page[page.index('id="apercu-message"') :]
    assert f'role="alert" id="probleme">{CHANGED}</div>' in preview

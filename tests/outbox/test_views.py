"""The administrators' page of e-mail: on or off, the failures and « Réessayer »; nobody else
sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from psad import clock
from psad.audit.actions import AuditAction
from psad.auth.models import Role
from psad.outbox.delivery import deliver_due
from psad.outbox.models import OutboxState
from psad.outbox.views import PER_PAGE
from tests.factories import make_user
from tests.helpers import events, text, with_settings
from tests.outbox.conftest import (
    NOW,
    RECIPIENT,
    YOUTH_ADDRESS,
    mail_settings,
    queue,
    queue_email_to_youth,
    queue_sms,
    reloaded,
)

PAGE = "/admin/courriels"
SMS_OFF = (
    "L'envoi de SMS est désactivé : aucune passerelle n'est configurée ([sms] url / PSAD_SMS_URL)."
)
GATEWAY = {
    "url": "https://sms.example.org:8443/api/send?compte=Cl3-dans-l-url",
    "api_key": "Cl3-API-tres-secrete",
    "sender": "PSADLille",
}
OFF = (
    "L'envoi de courriels est désactivé : aucun serveur SMTP n'est configuré ([mail] host / "
    "PSAD_MAIL_HOST). Les rappels restent visibles dans l'application."
)
NO_BASE_URL = "L'adresse publique de l'application n'est pas configurée"
RELAY = {
    "host": "smtp.psad.example",
    "port": 587,
    "security": "starttls",
    "username": "relay-user",
    "password": "Tr0ub4dor-secret",
    "sender": "rappels@psad.example",
}


def failed_message(session, smtp_server, key: str = "digest:1:2026-12-07"):  # type: ignore[no-untyped-def]
    """A digest given up after three attempts while the server was down; committed."""
    message = queue(session, key=key)
    mail = mail_settings(smtp_server, max_attempts=3)
    smtp_server.stop()
    when = NOW
    for _ in range(3):
        deliver_due(session, mail, when)
        when = reloaded(session, message).next_attempt_at
    smtp_server.start()
    assert reloaded(session, message).state is OutboxState.FAILED
    return message


# --- who sees it ------------------------------------------------------------------------


def test_an_administrator_sees_the_page(client, admin):
    client.sign_in(admin)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert "<h1>Courriels et SMS</h1>" in text(response)


@pytest.mark.parametrize("role", list(Role))
def test_members_of_a_psad_are_refused(client, session, psad, role):
    user = make_user(session, psad=psad, role=role)
    session.commit()
    client.sign_in(user, psad)

    response = client.get(PAGE)

    assert response.status_code == 403
    assert "Cette page est réservée aux administrateurs." in text(response)


def test_a_visitor_is_sent_to_the_log_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_a_pilote_cannot_retry_a_message(client, session, pilot, psad):
    message = queue(session)
    message.state = OutboxState.FAILED
    session.commit()
    client.sign_in(pilot, psad)

    response = client.submit(f"{PAGE}/{message.id}/reessayer")

    assert response.status_code == 403
    assert reloaded(session, message).state is OutboxState.FAILED


# --- e-mail on or off -------------------------------------------------------------------


def test_the_page_says_when_email_is_off(client, admin):
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert OFF in page


@with_settings(mail=RELAY)
def test_the_page_shows_the_server_never_the_password(client, admin):
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert "L'envoi de courriels est activé : serveur smtp.psad.example:587 (STARTTLS)" in page
    assert "« rappels@psad.example »" in page and "« relay-user »" in page
    assert "Tr0ub4dor" not in page
    assert OFF not in page


@with_settings(mail=RELAY)
def test_the_page_warns_when_the_public_address_is_missing(client, admin):
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert NO_BASE_URL in page and "PSAD_WEB_BASE_URL" in page


@with_settings(mail=RELAY, web={"base_url": "https://psad.example.org"})
def test_no_warning_when_the_public_address_is_set(client, admin):
    client.sign_in(admin)

    assert NO_BASE_URL not in text(client.get(PAGE))


# --- failures and « Réessayer » ---------------------------------------------------------


def test_counts_per_state(client, session, admin, smtp_server):
    queue(session, key="a")
    deliver_due(session, mail_settings(smtp_server), NOW)
    queue(session, key="b")
    queue(session, key="c")
    session.commit()
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert "En attente d'envoi</th><td>2</td>" in page
    assert "Envoyé</th><td>1</td>" in page
    assert "Échec</th><td>0</td>" in page


def test_a_failed_message_is_listed_with_its_reason(client, session, admin, smtp_server):
    failed_message(session, smtp_server)
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert RECIPIENT in page
    assert "Récapitulatif des rappels" in page
    assert f"Serveur injoignable (127.0.0.1:{smtp_server.port}) : connexion refusée" in page
    assert "Abandonné" in page
    assert "<td>3</td>" in page  # attempts
    assert "07/12/2026 07:00" in page  # queued at, Paris time
    assert "Réessayer" in page


def test_a_message_waiting_for_another_attempt_is_listed_with_its_time(
    client, session, admin, smtp_server
):
    queue(session)
    smtp_server.refuse(451)
    deliver_due(session, mail_settings(smtp_server), NOW)
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert "Nouvel essai prévu" in page
    assert "07/12/2026 07:01" in page  # one minute after the failed attempt
    assert "451 4.7.1 Greylisted" in page
    assert "(dont 1 en attente d'un nouvel essai)" in page


def test_retry_requeues_the_message_and_it_goes_out(client, session, admin, smtp_server):
    message = failed_message(session, smtp_server)
    client.sign_in(admin)

    response = client.submit(f"{PAGE}/{message.id}/reessayer", follow_redirects=True)

    assert "Le courriel est remis dans la file d'envoi" in text(response)
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 0)
    [event] = events(session, AuditAction.OUTBOX_RETRIED.value)
    assert (event.user_id, event.object_id) == (admin.id, message.id)
    assert "Aucun message en échec" in text(response)

    report = deliver_due(session, mail_settings(smtp_server), clock.now())

    assert report.sent == 1
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == [RECIPIENT]


def test_retry_without_the_form_token_is_refused(client, session, admin):
    message = queue(session)
    message.state = OutboxState.FAILED
    session.commit()
    client.sign_in(admin)

    response = client.post(f"{PAGE}/{message.id}/reessayer")

    assert response.status_code == 400
    assert reloaded(session, message).state is OutboxState.FAILED


def test_retrying_a_message_sent_meanwhile_says_so(client, session, admin):
    message = queue(session)
    message.state = OutboxState.SENT
    session.commit()
    client.sign_in(admin)

    response = client.submit(f"{PAGE}/{message.id}/reessayer", follow_redirects=True)

    assert "il n'y a rien à renvoyer" in text(response)
    assert reloaded(session, message).state is OutboxState.SENT


def test_retrying_a_missing_message_is_not_found(client, admin):
    client.sign_in(admin)

    assert client.submit(f"{PAGE}/999/reessayer").status_code == 404


def test_the_failures_are_paginated(client, session, admin):
    for number in range(PER_PAGE + 1):
        message = queue(
            session,
            key=f"digest:{number}",
            recipient=f"u{number:03d}@psad.example",
            now=NOW + timedelta(minutes=number),
        )
        message.state = OutboxState.FAILED
    session.commit()
    client.sign_in(admin)

    first = text(client.get(PAGE))
    second = text(client.get(f"{PAGE}?page=2"))

    assert "u050@psad.example" in first and "u000@psad.example" not in first
    assert "u000@psad.example" in second and "Page 2 sur 2" in second


# --- SMS, and the youth's addresses and numbers ----------------------------------------


def test_the_page_says_when_sms_is_off(client, admin):
    client.sign_in(admin)

    assert SMS_OFF in text(client.get(PAGE))


@with_settings(sms=GATEWAY)
def test_the_page_shows_the_gateway_never_its_key_nor_its_path(client, admin):
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert (
        "L'envoi de SMS est activé : passerelle sms.example.org:8443, expéditeur « PSADLille », "
        "authentification par clé d'API." in page
    )
    assert "Cl3" not in page and "/api/send" not in page
    assert SMS_OFF not in page
    assert NO_BASE_URL in page  # the SMS' links need the public address too


def test_messages_to_youth_are_listed_masked_with_their_channel(client, session, admin):
    for message in (
        queue_sms(session),
        queue_email_to_youth(session),
        queue(session, key="digest:1:2026-12-07"),
    ):
        message.state = OutboxState.FAILED
        message.last_error = "Refusé"
    session.commit()
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert '<th scope="col">Canal</th>' in page
    assert "<td>Message à un jeune</td><td>SMS</td><td>06 •• •• •• 78</td>" in page
    assert "<td>Message à un jeune</td><td>Courriel</td><td>l•••@e•••.fr</td>" in page
    assert f"<td>Récapitulatif des rappels</td><td>Courriel</td><td>{RECIPIENT}</td>" in page
    assert "612345678" not in page and "12 34 56" not in page
    assert "lea.dupont" not in page and "example.fr" not in page


def test_a_youth_address_quoted_by_the_server_is_masked(client, session, admin, smtp_server):
    queue_email_to_youth(session)
    smtp_server.refuse(550, f"5.1.1 <{YOUTH_ADDRESS}>: Recipient address rejected")
    deliver_due(session, mail_settings(smtp_server), NOW)
    client.sign_in(admin)

    page = text(client.get(PAGE))

    assert "550 5.1.1 <l•••@e•••.fr>: Recipient address rejected" in page
    assert "lea.dupont" not in page


def test_retry_of_an_sms_says_so(client, session, admin):
    message = queue_sms(session)
    message.state = OutboxState.FAILED
    session.commit()
    client.sign_in(admin)

    response = client.submit(f"{PAGE}/{message.id}/reessayer", follow_redirects=True)

    assert "Le SMS est remis dans la file d'envoi" in text(response)
    assert reloaded(session, message).state is OutboxState.QUEUED

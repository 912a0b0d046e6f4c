"""« Mot de passe oublié » : the same answer for every address, the limits per account and per
client address, and an installation that cannot send e-mail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from psad.audit.actions import AuditAction
from psad.auth.models import PasswordReset
from psad.outbox.models import OutboxMessage, OutboxPurpose
from tests.auth._password_reset import SENT, ask_for_link, at, deliver, settings, smtp_server
from tests.factories import make_user
from tests.helpers import count, events, text, with_settings

__all__ = ["at", "settings", "smtp_server"]

EMAIL = "pilote@psad.example"
UNAVAILABLE = (
    "Le mot de passe oublié ne peut pas être réinitialisé par courriel sur cette installation"
)


def answer(app, email: str, ip: str = "192.0.2.10") -> tuple[int, str | None, bytes]:  # type: ignore[no-untyped-def]
    """What a new browser gets for asking: the status, where it is sent, the page it then sees."""
    browser = app.test_client()
    response = ask_for_link(browser, email, ip)
    return response.status_code, response.location, browser.get(response.location).get_data()


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(
    app, client, session, pilot, at, smtp_server
):
    known = answer(app, EMAIL)
    unknown = answer(app, "personne@psad.example")

    assert unknown == known
    assert SENT in known[2].decode()
    deliver(app, smtp_server)
    assert [mail.recipients for mail in smtp_server.messages] == [[EMAIL]]


def test_a_disabled_account_gets_the_same_answer_and_nothing_is_sent(
    app, client, session, pilot, at, smtp_server
):
    make_user(session, email="parti@psad.example", active=False)
    session.commit()

    disabled = answer(app, "parti@psad.example")

    assert disabled == answer(app, "personne@psad.example")
    assert count(session, OutboxMessage) == count(session, PasswordReset) == 0


def test_the_address_is_matched_whatever_its_case_and_spaces(
    app, client, session, pilot, at, smtp_server
):
    ask_for_link(client, "  Pilote@PSAD.example ")

    [mail] = deliver(app, smtp_server)
    assert mail.recipients == [EMAIL]


def test_an_unknown_address_is_audited_by_a_keyed_trace_only(app, client, session, pilot, at):
    ask_for_link(client, "Personne@psad.example")

    [event] = events(session, AuditAction.PASSWORD_RESET_REQUESTED)
    assert event.user_id is None
    assert event.detail.startswith("adresse inconnue (empreinte ")
    assert "personne" not in event.detail.lower()


def test_beyond_three_requests_an_hour_an_account_gets_nothing_more(
    app, client, session, pilot, at, smtp_server
):
    answers = [answer(app, EMAIL, ip=f"192.0.2.{n}") for n in range(1, 5)]

    assert answers[3] == answers[0]
    assert resets_asked(session) == 3
    deliver(app, smtp_server)  # the older two were replaced before they left: one mail
    assert len(smtp_server.messages) == 1
    at(timedelta(hours=1))
    ask_for_link(client, EMAIL, ip="192.0.2.5")
    assert resets_asked(session) == 4  # a new hour, a new request
    assert len(deliver(app, smtp_server, 2)) == 2


def resets_asked(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(
        select(func.count()).where(OutboxMessage.purpose == OutboxPurpose.PASSWORD_RESET)
    )


def test_beyond_ten_requests_an_hour_an_address_gets_nothing_more(
    app, client, session, pilot, at, smtp_server
):
    users = [make_user(session) for _ in range(11)]
    session.commit()

    answers = [answer(app, user.email, ip="198.51.100.7") for user in users]

    assert answers[10] == answers[0]
    deliver(app, smtp_server, 10)
    assert len(smtp_server.messages) == 10
    assert users[10].email not in [mail.recipients[0] for mail in smtp_server.messages]
    ask_for_link(client, users[10].email, ip="198.51.100.8")  # another address still can
    assert len(deliver(app, smtp_server, 11)) == 11


def test_a_flood_records_its_first_refusal_only(app, client, session, pilot, at, smtp_server):
    for _ in range(6):
        ask_for_link(client, EMAIL)

    details = [e.detail for e in events(session, AuditAction.PASSWORD_RESET_REQUESTED)]
    assert details[3:] == ["trop de demandes pour ce compte en une heure : rien envoyé"]


@with_settings(mail={})
def test_without_email_the_page_says_to_ask_an_administrator(app, client, session, pilot, at):
    page = client.get("/connexion/oubli")
    posted = client.submit("/connexion/oubli", {"email": EMAIL})

    assert page.status_code == 200 and UNAVAILABLE in text(page)
    assert "demandez à un administrateur" in text(page)
    assert 'name="email"' not in page.text
    assert posted.status_code == 503 and UNAVAILABLE in text(posted)
    assert count(session, PasswordReset) == count(session, OutboxMessage) == 0


@with_settings(web={})
def test_without_a_public_address_the_page_says_to_ask_an_administrator(client, pilot, at):
    assert UNAVAILABLE in text(client.get("/connexion/oubli"))


def test_an_empty_address_is_asked_again(client, at):
    response = client.submit("/connexion/oubli", {"email": ""})

    assert response.status_code == 422
    assert "Ce champ est obligatoire." in text(response)
